"""Words every workspace page shares: the area, its navigation, signing in and out."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "workspace_name": "Samordnarnas arbetsyta",
        "ws_nav_today": "Idag",
        "ws_nav_agreements": "Överenskommelser",
        "ws_nav_register": "Registrera överenskommelse",
        "ws_nav_organizations": "Organisationer",
        "ws_nav_users": "Användare",
        "ws_nav_calendar": "Kalender",
        "ws_nav_outbox": "E-post",
        "ws_signed_in_as": "Inloggad som {name}",
        "ws_login_title": "Logga in i arbetsytan",
        "ws_login_intro": "Arbetsytan är till för samordnare hos Polisen och dess "
                          "samverkansparter som registrerar och följer upp "
                          "samverkansöverenskommelser.",
        "ws_password": "Lösenord",
        "ws_log_in": "Logga in",
        "ws_login_refused": "Fel e-postadress eller lösenord.",
        "ws_login_throttled": "För många misslyckade försök. Försök igen om {minutes} minuter.",
        "ws_password_required": "Skriv ditt lösenord.",
        "ws_read_only": "Du har läsbehörighet och kan inte ändra något.",
        "ws_changed_meanwhile": "Någon annan har ändrat detta medan du skrev. Din text finns "
                                "kvar nedan – jämför med den nya versionen och spara igen.",
        "ws_saved": "Sparat.",
        "ws_previous_page": "Föregående sida",
        "ws_next_page": "Nästa sida",
        "ws_page_of": "Sida {page} av {pages}",
    },
    "en": {
        "workspace_name": "Coordinators' workspace",
        "ws_nav_today": "Today",
        "ws_nav_agreements": "Agreements",
        "ws_nav_register": "Register an agreement",
        "ws_nav_organizations": "Organisations",
        "ws_nav_users": "Users",
        "ws_nav_calendar": "Calendar",
        "ws_nav_outbox": "E-mail",
        "ws_signed_in_as": "Signed in as {name}",
        "ws_login_title": "Sign in to the workspace",
        "ws_login_intro": "The workspace is for coordinators at the Police and its partners "
                          "who register and follow up collaboration agreements.",
        "ws_password": "Password",
        "ws_log_in": "Sign in",
        "ws_login_refused": "Wrong e-mail address or password.",
        "ws_login_throttled": "Too many failed attempts. Try again in {minutes} minutes.",
        "ws_password_required": "Enter your password.",
        "ws_read_only": "You have read access and cannot change anything.",
        "ws_changed_meanwhile": "Someone else changed this while you were typing. Your text "
                                "is kept below – compare it with the new version and save "
                                "again.",
        "ws_saved": "Saved.",
        "ws_previous_page": "Previous page",
        "ws_next_page": "Next page",
        "ws_page_of": "Page {page} of {pages}",
    },
}
