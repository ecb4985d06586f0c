"""Words of the workspace's calendar page and of the calendar feed's events."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "cal_title": "Kalender",
        "cal_intro": "Få datumen i dina överenskommelser direkt i din egen kalender, t.ex. "
                     "Outlook. Kalendern är personlig och visar det som hänt de senaste {back} "
                     "dagarna och det som kommer de närmaste {ahead} dagarna.",
        "cal_created_title": "Din nya kalenderadress",
        "cal_created_once": "Adressen visas bara den här gången. Kopiera den nu och lägg in den "
                            "i din kalender enligt instruktionerna nedan.",
        "cal_feed_url": "Kalenderadress",
        "cal_feed_url_hint": "Markera hela adressen och kopiera den.",
        "cal_secret": "Adressen är hemlig: den som har den kan se datumen i dina "
                      "överenskommelser. Dela den inte. Tappar du bort den, skapa en ny – den "
                      "gamla slutar då att fungera.",
        "cal_your_feed": "Din kalenderadress",
        "cal_active_since": "Du har en kalenderadress som skapades {when}.",
        "cal_lost_url": "Adressen visas bara när den skapas. Har du tappat bort den kan du "
                        "skapa en ny; den gamla slutar då att fungera.",
        "cal_no_feed": "Du har ingen kalenderadress.",
        "cal_create": "Skapa kalenderadress",
        "cal_create_new": "Skapa en ny kalenderadress",
        "cal_revoke": "Stäng av kalenderadressen",
        "cal_revoked_notice": "Kalenderadressen är avstängd och fungerar inte längre.",
        "cal_none_notice": "Du hade ingen kalenderadress att stänga av.",
        "cal_what_title": "Det här finns i kalendern",
        "cal_what_commitments": "Sista dag för öppna åtaganden (föreslagna, bekräftade och "
                                "pågående) som heldagshändelser.",
        "cal_what_follow_ups": "Styrgruppsmöten och uppföljningar, med tid och plats när de "
                               "är angivna.",
        "cal_what_endings": "Den sista dagen i överenskommelsernas avtalsperiod.",
        "cal_what_followed": "Kalendern tar med de överenskommelser där du är samordnare och "
                             "som inte är utkast, avslutade eller ersatta. Den uppdateras när "
                             "något ändras i överenskommelserna.",
        "cal_how_title": "Så lägger du in kalendern",
        "cal_how_intro": "Skapa en kalenderadress ovan och kopiera den. Lägg sedan in den som "
                         "en prenumeration – inte som en import, för då uppdateras den inte.",
        "cal_outlook": "Outlook",
        "cal_outlook_1": "Öppna kalendern i Outlook och välj Lägg till kalender.",
        "cal_outlook_2": "Välj Prenumerera från webben (Från Internet i äldre versioner).",
        "cal_outlook_3": "Klistra in adressen, ge kalendern ett namn och välj Importera eller "
                         "OK.",
        "cal_google": "Google Kalender",
        "cal_google_1": "Öppna Google Kalender i en webbläsare.",
        "cal_google_2": "Välj plustecknet vid Andra kalendrar och sedan Från webbadress.",
        "cal_google_3": "Klistra in adressen och välj Lägg till kalender.",
        "cal_apple": "Apple Kalender (Mac, iPhone, iPad)",
        "cal_apple_1": "På en Mac: välj Arkiv och sedan Ny kalenderprenumeration. På iPhone och "
                       "iPad: Inställningar, Kalender, Konton, Lägg till konto, Annat, Lägg "
                       "till prenumererad kalender.",
        "cal_apple_2": "Klistra in adressen och välj Prenumerera eller Nästa.",
        "cal_apple_3": "Välj hur ofta kalendern ska uppdateras, till exempel varje timme.",
        "cal_refresh_note": "Kalenderprogrammen hämtar adressen på nytt med jämna mellanrum, "
                            "oftast inom några timmar. En ändring i en överenskommelse syns "
                            "därför inte alltid direkt i din kalender.",
        # the feed's own words (the feed is in Swedish)
        "cal_feed_name": "Samverkan – {name}",
        "cal_feed_description": "Datum i de samverkansöverenskommelser du samordnar.",
        "cal_event_commitment": "Åtagande: {title} – {agreement}",
        "cal_event_follow_up": "{what} – {agreement}",
        "cal_event_agreement_end": "Överenskommelsen löper ut: {agreement}",
        "cal_event_party": "Part: {organization}",
        "cal_event_status": "Status: {status}",
    },
    "en": {
        "cal_title": "Calendar",
        "cal_intro": "Get the dates of your agreements straight into your own calendar, such "
                     "as Outlook. The calendar is personal and shows what happened in the last "
                     "{back} days and what is coming in the next {ahead} days.",
        "cal_created_title": "Your new calendar address",
        "cal_created_once": "The address is shown this one time only. Copy it now and add it "
                            "to your calendar as described below.",
        "cal_feed_url": "Calendar address",
        "cal_feed_url_hint": "Select the whole address and copy it.",
        "cal_secret": "The address is secret: anyone who has it can see the dates of your "
                      "agreements. Do not share it. If you lose it, create a new one – the old "
                      "one then stops working.",
        "cal_your_feed": "Your calendar address",
        "cal_active_since": "You have a calendar address created {when}.",
        "cal_lost_url": "The address is shown only when it is created. If you have lost it you "
                        "can create a new one; the old one then stops working.",
        "cal_no_feed": "You have no calendar address.",
        "cal_create": "Create a calendar address",
        "cal_create_new": "Create a new calendar address",
        "cal_revoke": "Turn off the calendar address",
        "cal_revoked_notice": "The calendar address is turned off and no longer works.",
        "cal_none_notice": "You had no calendar address to turn off.",
        "cal_what_title": "What the calendar holds",
        "cal_what_commitments": "The due dates of open commitments (proposed, confirmed and in "
                                "progress) as all-day events.",
        "cal_what_follow_ups": "Steering group meetings and follow-ups, with time and place "
                               "when they are given.",
        "cal_what_endings": "The last day of the agreements' periods.",
        "cal_what_followed": "The calendar includes the agreements you coordinate that are not "
                             "drafts, ended or superseded. It is updated when something in the "
                             "agreements changes.",
        "cal_how_title": "How to add the calendar",
        "cal_how_intro": "Create a calendar address above and copy it. Then add it as a "
                         "subscription – not as an import, which would not be updated.",
        "cal_outlook": "Outlook",
        "cal_outlook_1": "Open the calendar in Outlook and choose Add calendar.",
        "cal_outlook_2": "Choose Subscribe from web (From Internet in older versions).",
        "cal_outlook_3": "Paste the address, name the calendar and choose Import or OK.",
        "cal_google": "Google Calendar",
        "cal_google_1": "Open Google Calendar in a web browser.",
        "cal_google_2": "Choose the plus sign next to Other calendars, then From URL.",
        "cal_google_3": "Paste the address and choose Add calendar.",
        "cal_apple": "Apple Calendar (Mac, iPhone, iPad)",
        "cal_apple_1": "On a Mac: choose File, then New Calendar Subscription. On iPhone and "
                       "iPad: Settings, Calendar, Accounts, Add Account, Other, Add Subscribed "
                       "Calendar.",
        "cal_apple_2": "Paste the address and choose Subscribe or Next.",
        "cal_apple_3": "Choose how often the calendar is refreshed, for example every hour.",
        "cal_refresh_note": "Calendar programs fetch the address again at intervals, usually "
                            "within a few hours, so a change to an agreement does not always "
                            "show in your calendar at once.",
        "cal_feed_name": "Samverkan – {name}",
        "cal_feed_description": "Dates in the collaboration agreements you coordinate.",
        "cal_event_commitment": "Commitment: {title} – {agreement}",
        "cal_event_follow_up": "{what} – {agreement}",
        "cal_event_agreement_end": "The agreement ends: {agreement}",
        "cal_event_party": "Party: {organization}",
        "cal_event_status": "Status: {status}",
    },
}
