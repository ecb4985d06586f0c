"""The pages' words, Swedish first and English second, and which language a page speaks.

The agreement's own vocabulary (purpose, focus areas, statuses, kinds …) is the printed
agreement's (documents/labels.py), so a page and the PDF beside it use the same words.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import pass_context
from litestar import Request

from samverkan.documents.labels import CHOICES, LABELS

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
# Set by the language switch; outranks the signed-in contact's preference.
LANGUAGE_COOKIE = "samverkan_lang"
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "service_name": "Samverkan",
        "portal_name": "Partnerportalen",
        "skip_to_content": "Hoppa till innehållet",
        "main_navigation": "Huvudmeny",
        "language_switch": "Språk",
        "signed_in_as": "Inloggad som {name}, {organization}",
        "log_out": "Logga ut",
        "footer_text": "Samverkan – registret över samverkansöverenskommelser mellan Polisen "
                       "och kommuner, myndigheter, näringsliv och ideell sektor.",
        "footer_help": "Frågor om en överenskommelse besvaras av samordnaren hos Polisen.",
        "breadcrumbs": "Du är här",
        # navigation
        "my_agreements": "Mina överenskommelser",
        "my_details": "Mina uppgifter",
        # sign-in
        "login_title": "Logga in i partnerportalen",
        "login_intro": "Partnerportalen är till för dig som är kontaktperson hos en part i en "
                       "samverkansöverenskommelse med Polisen. Du loggar in med en länk som vi "
                       "skickar till din e-postadress – du behöver inget lösenord.",
        "email": "E-postadress",
        "email_hint": "Den adress som Polisen har registrerat för dig, t.ex. namn@kommun.se.",
        "send_link": "Skicka inloggningslänk",
        "link_sent_title": "Kolla din e-post",
        "link_sent": "Om adressen finns registrerad hos oss har vi skickat ett e-postmeddelande "
                     "med en inloggningslänk. Länken gäller i {minutes} minuter och kan bara "
                     "användas en gång.",
        "link_sent_help": "Kommer inget meddelande? Kontrollera skräpposten, eller be "
                          "samordnaren hos Polisen att kontrollera din e-postadress.",
        "email_required": "Skriv din e-postadress.",
        "email_invalid": "Skriv en giltig e-postadress, t.ex. namn@kommun.se.",
        "logged_out": "Du är utloggad.",
        "session_ended": "Du behöver logga in för att se sidan.",
        "link_title": "Logga in med länken",
        "link_intro": "Du har öppnat en inloggningslänk till partnerportalen. Fortsätt med "
                      "knappen. Länken kan bara användas en gång.",
        "continue": "Fortsätt till portalen",
        "link_invalid_title": "Länken fungerar inte längre",
        "link_invalid": "Länken är redan använd eller har gått ut. Av säkerhetsskäl kan en "
                        "länk bara användas en gång och bara under en begränsad tid.",
        "request_new_link": "Begär en ny inloggningslänk",
        # my agreements
        "home_intro": "Här är överenskommelserna där {organization} är part.",
        "no_agreements": "{organization} är inte part i någon överenskommelse som är "
                         "öppen för parterna just nu.",
        "awaits_you": "Att göra",
        "nothing_awaits": "Inget väntar på er just nu.",
        "to_confirm": "Åtaganden att bekräfta eller avböja",
        "reports_due": "Åtaganden att rapportera om",
        "due_on": "Klart senast {date}",
        "overdue": "Försenat",
        "no_due_date": "Inget slutdatum",
        # agreement
        "agreement_facts": "Uppgifter om överenskommelsen",
        "download_pdf": "Ladda ner överenskommelsen som PDF",
        "pdf_note": "PDF/A, för utskrift och arkiv",
        "our_commitments": "Våra åtaganden",
        "our_commitments_intro": "{organization} ansvarar för de här åtagandena. Öppna ett "
                                 "åtagande för att bekräfta, avböja eller rapportera.",
        "no_own_commitments": "{organization} har inga åtaganden i överenskommelsen.",
        "other_commitments": "Andra parters åtaganden",
        "no_other_commitments": "De andra parterna har inga registrerade åtaganden.",
        "party": "Part",
        "action": "Åtgärd",
        "answer": "Svara",
        "report": "Rapportera",
        "show": "Visa",
        "unnamed_focus_area": "Utan fokusområde",
        "follow_ups": "Uppföljning",
        "baseline_target": "Utgångsvärde → målvärde",
        # commitment
        "commitment_facts": "Uppgifter om åtagandet",
        "agreement": "Överenskommelse",
        "description": "Beskrivning",
        "answered_by": "Besvarat av {who} {date}",
        "their_comment": "Kommentar",
        "response": "Svar",
        "respond_title": "Bekräfta eller avböj",
        "respond_intro": "Bekräfta att {organization} åtar sig det här, eller avböj och "
                         "berätta varför.",
        "confirm_title": "Bekräfta åtagandet",
        "confirm": "Bekräfta åtagandet",
        "confirm_comment": "Kommentar (frivillig)",
        "decline_title": "Avböj åtagandet",
        "decline": "Avböj åtagandet",
        "decline_comment": "Varför avböjer ni?",
        "decline_comment_hint": "Samordnaren hos Polisen läser er motivering.",
        "comment_required": "Skriv varför ni avböjer åtagandet.",
        "comment_too_long": "Kommentaren får vara högst {max} tecken.",
        "report_title": "Rapportera läget",
        "report_intro": "Berätta hur arbetet med åtagandet går. Rapporten syns för "
                        "samordnaren och sparas i historiken.",
        "report_status": "Hur går det?",
        "report_note": "Beskrivning",
        "report_note_hint": "Vad har gjorts, vad återstår? (frivilligt)",
        "report_as_of": "Läget gäller den",
        "report_as_of_hint": "Datum, t.ex. {example}. Får inte ligga i framtiden.",
        "send_report": "Skicka rapporten",
        "status_required": "Välj hur det går.",
        "date_invalid": "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. {example}.",
        "date_in_future": "Datumet får inte ligga i framtiden.",
        "note_too_long": "Beskrivningen får vara högst {max} tecken.",
        "history": "Rapporter",
        "no_reports": "Inga rapporter ännu.",
        "reported_by": "Rapporterad av",
        "reported_at": "Inskickad",
        "not_answerable": "Åtagandet väntar inte på svar och kan inte rapporteras just nu.",
        "agreement_closed": "Överenskommelsen är avslutad och kan inte ändras.",
        "confirmed_notice": "Åtagandet är bekräftat.",
        "declined_notice": "Ni har avböjt åtagandet. Samordnaren får se er motivering.",
        "reported_notice": "Rapporten är skickad.",
        "form_errors": "Formuläret har fel. Rätta dem och försök igen.",
        "back_to_agreement": "Tillbaka till överenskommelsen",
        # report statuses
        "reported_in_progress": "Pågår",
        "reported_done": "Genomfört",
        "reported_not_done": "Ej genomfört",
        # profile
        "profile_intro": "De här uppgifterna ser samordnaren hos Polisen och de andra "
                         "parterna i era överenskommelser.",
        "name": "Namn",
        "name_required": "Skriv ditt namn.",
        "name_too_long": "Namnet får vara högst {max} tecken.",
        "job_title": "Befattning",
        "phone": "Telefon",
        "phone_hint": "Siffror, mellanslag, +, - och parenteser.",
        "phone_invalid": "Skriv telefonnumret med siffror, t.ex. 010-123 45 67.",
        "title_too_long": "Befattningen får vara högst {max} tecken.",
        "language": "Språk i e-post och portal",
        "organization": "Organisation",
        "email_change": "E-postadressen kan inte ändras här. Be samordnaren hos Polisen för "
                        "er överenskommelse att ändra den.",
        "save": "Spara",
        "saved_notice": "Dina uppgifter är sparade.",
        "language_required": "Välj språk.",
        "commitment_changed": "Åtagandet har ändrats sedan du öppnade sidan. Läs igenom det "
                              "igen innan du svarar.",
        "error_prefix": "Fel: ",
        "changed_meanwhile": "Uppgifterna ändrades samtidigt av någon annan. Kontrollera dem "
                             "och spara igen.",
        # errors
        "error_400_title": "Felaktig begäran",
        "error_400": "Sidan kunde inte visas eftersom begäran var felaktig.",
        "error_403_title": "Formuläret kunde inte skickas",
        "error_403": "Av säkerhetsskäl kunde formuläret inte tas emot. Gå tillbaka, ladda "
                     "om sidan och försök igen.",
        "error_404_title": "Sidan finns inte",
        "error_404": "Sidan du söker finns inte, eller så har du inte tillgång till den.",
        "error_405_title": "Det går inte att göra så",
        "error_405": "Sidan kan inte användas på det sättet.",
        "error_409_title": "Det gick inte att genomföra",
        "error_409": "Ändringen kunde inte göras eftersom uppgifterna har ändrats.",
        "error_429_title": "För många försök",
        "error_429": "Du har gjort för många försök på kort tid. Vänta en stund och försök "
                     "igen.",
        "error_429_retry": "Försök igen om {minutes} minuter.",
        "error_500_title": "Något gick fel",
        "error_500": "Ett tekniskt fel uppstod. Felet är loggat. Försök igen senare.",
        "error_503_title": "Tjänsten är tillfälligt otillgänglig",
        "error_503": "Försök igen om en stund.",
        "go_home": "Till startsidan",
        "go_login": "Till inloggningen",
    },
    "en": {
        "service_name": "Samverkan",
        "portal_name": "Partner portal",
        "skip_to_content": "Skip to content",
        "main_navigation": "Main menu",
        "language_switch": "Language",
        "signed_in_as": "Signed in as {name}, {organization}",
        "log_out": "Sign out",
        "footer_text": "Samverkan – the registry of collaboration agreements between the "
                       "Swedish Police and municipalities, agencies, businesses and NGOs.",
        "footer_help": "Questions about an agreement are answered by its coordinator at the "
                       "Police.",
        "breadcrumbs": "You are here",
        "my_agreements": "My agreements",
        "my_details": "My details",
        "login_title": "Sign in to the partner portal",
        "login_intro": "The partner portal is for contact persons of the parties to a "
                       "collaboration agreement with the Police. You sign in with a link we "
                       "send to your e-mail address – no password needed.",
        "email": "E-mail address",
        "email_hint": "The address the Police has registered for you, e.g. name@kommun.se.",
        "send_link": "Send sign-in link",
        "link_sent_title": "Check your e-mail",
        "link_sent": "If the address is registered with us, we have sent you an e-mail with "
                     "a sign-in link. The link is valid for {minutes} minutes and can be used "
                     "once.",
        "link_sent_help": "No message? Check your spam folder, or ask the coordinator at the "
                          "Police to check your e-mail address.",
        "email_required": "Enter your e-mail address.",
        "email_invalid": "Enter a valid e-mail address, e.g. name@kommun.se.",
        "logged_out": "You are signed out.",
        "session_ended": "You need to sign in to see that page.",
        "link_title": "Sign in with the link",
        "link_intro": "You have opened a sign-in link to the partner portal. Continue with "
                      "the button. The link can be used once.",
        "continue": "Continue to the portal",
        "link_invalid_title": "The link no longer works",
        "link_invalid": "The link has already been used or has expired. For your security a "
                        "link can be used only once and only for a limited time.",
        "request_new_link": "Request a new sign-in link",
        "home_intro": "These are the agreements {organization} is a party to.",
        "no_agreements": "{organization} is not a party to any agreement open to the "
                         "parties right now.",
        "awaits_you": "To do",
        "nothing_awaits": "Nothing awaits you right now.",
        "to_confirm": "Commitments to confirm or decline",
        "reports_due": "Commitments to report on",
        "due_on": "Due {date}",
        "overdue": "Overdue",
        "no_due_date": "No due date",
        "agreement_facts": "About the agreement",
        "download_pdf": "Download the agreement as PDF",
        "pdf_note": "PDF/A, for printing and archiving",
        "our_commitments": "Our commitments",
        "our_commitments_intro": "{organization} is responsible for these commitments. Open "
                                 "one to confirm, decline or report on it.",
        "no_own_commitments": "{organization} has no commitments in this agreement.",
        "other_commitments": "Other parties' commitments",
        "no_other_commitments": "The other parties have no registered commitments.",
        "party": "Party",
        "action": "Action",
        "answer": "Respond",
        "report": "Report",
        "show": "View",
        "unnamed_focus_area": "No focus area",
        "follow_ups": "Follow-up",
        "baseline_target": "Baseline → target",
        "commitment_facts": "About the commitment",
        "agreement": "Agreement",
        "description": "Description",
        "answered_by": "Answered by {who} on {date}",
        "their_comment": "Comment",
        "response": "Response",
        "respond_title": "Confirm or decline",
        "respond_intro": "Confirm that {organization} takes this on, or decline and tell us "
                         "why.",
        "confirm_title": "Confirm the commitment",
        "confirm": "Confirm the commitment",
        "confirm_comment": "Comment (optional)",
        "decline_title": "Decline the commitment",
        "decline": "Decline the commitment",
        "decline_comment": "Why do you decline?",
        "decline_comment_hint": "The coordinator at the Police reads your reason.",
        "comment_required": "Say why you decline the commitment.",
        "comment_too_long": "The comment can be at most {max} characters.",
        "report_title": "Report progress",
        "report_intro": "Tell us how the work on the commitment is going. The report is seen "
                        "by the coordinator and kept in the history.",
        "report_status": "How is it going?",
        "report_note": "Description",
        "report_note_hint": "What has been done, what remains? (optional)",
        "report_as_of": "The report is as of",
        "report_as_of_hint": "A date, e.g. {example}. Not in the future.",
        "send_report": "Send the report",
        "status_required": "Choose how it is going.",
        "date_invalid": "Enter the date as YYYY-MM-DD, e.g. {example}.",
        "date_in_future": "The date cannot be in the future.",
        "note_too_long": "The description can be at most {max} characters.",
        "history": "Reports",
        "no_reports": "No reports yet.",
        "reported_by": "Reported by",
        "reported_at": "Sent",
        "not_answerable": "The commitment is not awaiting an answer and cannot be reported on "
                          "right now.",
        "agreement_closed": "The agreement has ended and cannot be changed.",
        "confirmed_notice": "The commitment is confirmed.",
        "declined_notice": "You have declined the commitment. The coordinator will see your "
                           "reason.",
        "reported_notice": "The report has been sent.",
        "form_errors": "The form has errors. Correct them and try again.",
        "back_to_agreement": "Back to the agreement",
        "reported_in_progress": "In progress",
        "reported_done": "Done",
        "reported_not_done": "Not done",
        "profile_intro": "The coordinator at the Police and the other parties to your "
                         "agreements see these details.",
        "name": "Name",
        "name_required": "Enter your name.",
        "name_too_long": "The name can be at most {max} characters.",
        "job_title": "Job title",
        "phone": "Phone",
        "phone_hint": "Digits, spaces, +, - and brackets.",
        "phone_invalid": "Enter the phone number in digits, e.g. 010-123 45 67.",
        "title_too_long": "The job title can be at most {max} characters.",
        "language": "Language of e-mails and the portal",
        "organization": "Organisation",
        "email_change": "The e-mail address cannot be changed here. Ask the coordinator of "
                        "your agreement at the Police to change it.",
        "save": "Save",
        "saved_notice": "Your details are saved.",
        "language_required": "Choose a language.",
        "commitment_changed": "The commitment has changed since you opened the page. Read it "
                              "again before you respond.",
        "error_prefix": "Error: ",
        "changed_meanwhile": "Someone else changed your details at the same time. Check them "
                             "and save again.",
        "error_400_title": "Bad request",
        "error_400": "The page could not be shown because the request was not valid.",
        "error_403_title": "The form could not be sent",
        "error_403": "For your security the form could not be accepted. Go back, reload the "
                     "page and try again.",
        "error_404_title": "Page not found",
        "error_404": "The page you are looking for does not exist, or you do not have access "
                     "to it.",
        "error_405_title": "That cannot be done",
        "error_405": "The page cannot be used that way.",
        "error_409_title": "That could not be done",
        "error_409": "The change could not be made because the information has changed.",
        "error_429_title": "Too many attempts",
        "error_429": "You have made too many attempts in a short time. Wait a while and try "
                     "again.",
        "error_429_retry": "Try again in {minutes} minutes.",
        "error_500_title": "Something went wrong",
        "error_500": "A technical error occurred and has been logged. Please try again later.",
        "error_503_title": "The service is temporarily unavailable",
        "error_503": "Please try again shortly.",
        "go_home": "To the start page",
        "go_login": "To sign-in",
    },
}


def supported(lang: str | None) -> str | None:
    return lang if lang in LANGUAGES else None


def choose_language(request: Request, preferred: str | None = None) -> str:
    """The explicit switch (cookie) first, then the signed-in person's preference, then
    Swedish."""
    return (supported(request.cookies.get(LANGUAGE_COOKIE)) or supported(preferred)
            or DEFAULT_LANGUAGE)


def translate(lang: str, key: str, **values: Any) -> str:
    """A message of the catalogue, else a word of the printed agreement's vocabulary."""
    text = MESSAGES[lang].get(key)
    if text is None:
        text = LABELS[lang][key]
    return text.format(**values) if values else text


def choice(lang: str, group: str, value: Any) -> str:
    """The name of a choice (status, kind, cadence …) as the printed agreement gives it."""
    key = getattr(value, "value", value)
    return CHOICES[lang][group].get(key, str(key))


def _locale(lang: str) -> str:
    return LABELS[lang]["locale"]


def long_date(lang: str, value: date | None) -> str:
    return format_date(value, "long", locale=_locale(lang)) if value else ""


def date_time(lang: str, value: datetime | None, timezone: str) -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(ZoneInfo(timezone)), "d MMM y HH:mm",
                           locale=_locale(lang))


def number(lang: str, value: float | None) -> str:
    """34.0 → "34", 1200.5 → "1 200,5" in Swedish."""
    return "" if value is None else format_decimal(value, locale=_locale(lang))


# --- the same, for templates: the page's language comes from the context's `lang` ---------


@pass_context
def t(context, key: str, **values: Any) -> str:
    return translate(context["lang"], key, **values)


@pass_context
def label(context, group: str, value: Any) -> str:
    return choice(context["lang"], group, value)
