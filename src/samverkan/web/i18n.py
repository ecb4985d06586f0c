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
        # the lägesbild: a party's input to a round
        "round_title": "Underlag till lägesbilden {period}",
        "round_facts": "Uppgifter om omgången",
        "round_period": "Period",
        "round_deadline": "Sista dag att lämna underlag",
        "deadline_passed": "Sista dagen har passerat",
        "deadline_on": "senast {date}",
        "input_status": "Ert underlag",
        "our_input": "Ert underlag",
        "input_status_not_started": "Inte påbörjat",
        "input_status_draft": "Utkast",
        "input_status_submitted": "Inskickat",
        "input_status_accepted": "Godkänt",
        "input_status_returned": "Tillbakaskickat",
        "internal": "Internt",
        "input_submitted_at": "Inskickat",
        "submitted_by": "{date} av {who}",
        "return_comment_title": "Samordnaren har skickat tillbaka underlaget",
        "return_comment_help": "Ändra det som behövs och skicka in underlaget igen.",
        "round_intro": "Lämna era siffror och iakttagelser för perioden. Ni kan spara ett utkast "
                       "och fortsätta senare. När ni skickar in ser samordnaren underlaget, och "
                       "de andra parterna ser det i den gemensamma lägesbilden.",
        "round_values": "Värden",
        "round_values_intro": "Skriv ett värde för hela området för varje indikator. Decimaler "
                              "skrivs med komma, t.ex. 12,5. Lämna tomt det ni inte har uppgift "
                              "om.",
        "round_no_indicators": "Ni har inte ombetts om några indikatorer i den här omgången, men "
                               "ni kan lämna iakttagelser.",
        "value_whole_area": "Värde för hela området",
        "value_hint": "Ett tal, t.ex. 12,5.",
        "values_per_place": "Värden per plats (frivilligt)",
        "values_per_place_hint": "T.ex. en stadsdel, ett torg eller en skola. Behöver ni fler "
                                 "rader? Spara utkastet, så kommer nya tomma rader.",
        "place_n": "Plats {n}",
        "place_value_n": "Värde för plats {n}",
        "observations_title": "Iakttagelser",
        "observations_label": "Era iakttagelser under perioden (frivilligt)",
        "observations_hint": "Vad har ni sett och hört? T.ex. nya otrygga platser, händelser, "
                             "eller vad som har blivit bättre.",
        "internal_label": "Internt underlag",
        "internal_hint": "Visas bara för samordnarna och er själva – inte för de andra parterna "
                         "och inte i exporter.",
        "round_buttons_help": "Spara ett utkast om ni vill fortsätta senare. Skicka in när "
                              "underlaget är klart; därefter kan bara samordnaren skicka tillbaka "
                              "det för ändring.",
        "save_draft": "Spara utkast",
        "submit_input": "Skicka in",
        "round_closed_notice": "Omgången är stängd och tar inte emot fler underlag.",
        "input_submitted_help": "Underlaget är inskickat. Samordnaren går igenom det och kan "
                                "skicka tillbaka det om något behöver ändras.",
        "input_accepted_help": "Samordnaren har godkänt underlaget.",
        "your_values": "Era värden",
        "indicator": "Indikator",
        "place": "Plats",
        "value": "Värde",
        "whole_area": "Hela området",
        "no_values_given": "Inga värden lämnade.",
        "no_observations_given": "Inga iakttagelser lämnade.",
        "see_joint_picture": "Visa den gemensamma lägesbilden",
        "value_invalid": "Skriv värdet för {indicator} som ett tal, t.ex. 12,5.",
        "place_required": "Skriv vilken plats värdet på rad {row} gäller ({indicator}).",
        "place_too_long": "Platsens namn får vara högst {max} tecken ({indicator}, rad {row}).",
        "place_twice": "Platsen {place} finns redan för {indicator}.",
        "place_value_invalid": "Skriv värdet för {place} ({indicator}) som ett tal, t.ex. 12,5.",
        "place_value_required": "Skriv ett värde för {place} ({indicator}).",
        "observations_too_long": "Iakttagelserna får vara högst {max} tecken.",
        "input_changed": "Underlaget har ändrats sedan du öppnade sidan, kanske av en kollega "
                         "eller av samordnaren. Kontrollera uppgifterna och spara igen.",
        "input_not_editable": "Underlaget är redan inskickat och kan inte ändras. Samordnaren kan "
                              "skicka tillbaka det för ändring.",
        "input_refused": "Underlaget kunde inte sparas. Kontrollera uppgifterna och försök igen.",
        "input_saved_notice": "Utkastet är sparat. Skicka in det när det är klart.",
        "input_submitted_notice": "Underlaget är inskickat. Tack!",
        "source_reported_crime": "Anmälda brott",
        "source_ntu": "Nationella trygghetsundersökningen (NTU)",
        "source_safety_survey": "Kommunens trygghetsmätning",
        "source_est_report": "EST-rapport",
        "source_citizen_dialogue": "Medborgardialog",
        "source_school_social_services": "Skola och socialtjänst",
        "source_rescue_service": "Räddningstjänsten",
        "source_business_survey": "Näringslivets undersökning",
        "source_other": "Annan källa",
        "higher_is_better": "Högre värden är bättre",
        "lower_is_better": "Lägre värden är bättre",
        # the lägesbild: the joint picture
        "picture_title": "Lägesbild",
        "picture_none": "Det finns ingen lägesbild ännu: samordnaren har inte öppnat någon "
                        "omgång för överenskommelsen.",
        "picture_intro": "Den gemensamma lägesbilden för {agreement}, sammanställd av parternas "
                         "inskickade underlag. Underlag som en annan part har markerat som "
                         "internt visas inte; era egna interna underlag är märkta Internt.",
        "picture_periods": "Perioder",
        "round_status": "Omgången",
        "round_status_open": "Öppen – underlag tas emot",
        "round_status_closed": "Stängd",
        "picture_own_input": "Lämna eller visa ert underlag för perioden",
        "picture_indicators": "Indikatorer",
        "picture_no_indicators": "Inga indikatorer i den här omgången.",
        "goal_named": "Mål: {title}",
        "goal_line": "utgångsvärde {baseline}, målvärde {target}",
        "previous_value": "Föregående period",
        "change": "Förändring",
        "from_baseline": "Från utgångsvärdet",
        "to_target": "Kvar till målvärdet",
        "progress_share": "{share} % av vägen",
        "no_value": "Saknas",
        "chart_in_words": "Diagrammet i ord",
        "picture_observations": "Parternas iakttagelser",
        "picture_no_observations": "Inga iakttagelser har lämnats.",
        "picture_missing": "Det här saknas",
        "missing_not_submitted": "{organization} har inte skickat in sitt underlag "
                                 "({indicators}).",
        "missing_values": "{organization} saknar värden för {indicators}.",
        "picture_nothing_missing": "Alla parter har lämnat det som efterfrågades.",
        "agreement_situation_intro": "Parterna lämnar underlag till en gemensam lägesbild, "
                                     "period för period. Här är omgångarna och hur det står till "
                                     "med underlaget från {organization}.",
        "fill_in": "Fyll i",
        "agreement_no_rounds": "Ingen omgång för lägesbilden har öppnats ännu.",
        "inputs_due": "Underlag till lägesbilden att lämna",
        # errors
        "error_400_title": "Felaktig begäran",
        "error_400": "Sidan kunde inte visas eftersom begäran var felaktig.",
        "error_403_title": "Formuläret kunde inte skickas",
        "error_403": "Av säkerhetsskäl kunde formuläret inte tas emot. Gå tillbaka, ladda "
                     "om sidan och försök igen.",
        "error_forbidden_title": "Du saknar behörighet",
        "error_forbidden": "Din roll ger inte rätt att göra det här. Läsbehörighet räcker för att "
                           "se uppgifterna; för att ändra dem behöver du vara samordnare, och "
                           "användare hanteras av en administratör.",
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
        "round_title": "Input to the situation picture {period}",
        "round_facts": "About the round",
        "round_period": "Period",
        "round_deadline": "Inputs due",
        "deadline_passed": "Past the deadline",
        "deadline_on": "due {date}",
        "input_status": "Your input",
        "our_input": "Your input",
        "input_status_not_started": "Not started",
        "input_status_draft": "Draft",
        "input_status_submitted": "Submitted",
        "input_status_accepted": "Accepted",
        "input_status_returned": "Returned",
        "internal": "Internal",
        "input_submitted_at": "Submitted",
        "submitted_by": "{date} by {who}",
        "return_comment_title": "The coordinator has returned your input",
        "return_comment_help": "Make the changes needed and submit the input again.",
        "round_intro": "Give your figures and observations for the period. You can save a "
                       "draft and continue later. Once you submit, the coordinator sees your "
                       "input, and the other parties see it in the joint situation picture.",
        "round_values": "Values",
        "round_values_intro": "Enter a value for the whole area for each indicator, e.g. 12.5 "
                              "(a decimal comma works too). Leave empty what you have no figure "
                              "for.",
        "round_no_indicators": "You have not been asked for any indicator in this round, but you "
                               "can give observations.",
        "value_whole_area": "Value for the whole area",
        "value_hint": "A number, e.g. 12.5.",
        "values_per_place": "Values per place (optional)",
        "values_per_place_hint": "E.g. a district, a square or a school. Need more rows? Save "
                                 "the draft and new empty rows appear.",
        "place_n": "Place {n}",
        "place_value_n": "Value for place {n}",
        "observations_title": "Observations",
        "observations_label": "Your observations for the period (optional)",
        "observations_hint": "What have you seen and heard? E.g. new unsafe places, incidents, "
                             "or what has improved.",
        "internal_label": "Internal input",
        "internal_hint": "Shown only to the coordinators and yourselves – not to the other "
                         "parties, nor in exports.",
        "round_buttons_help": "Save a draft to continue later. Submit when the input is ready; "
                              "after that only the coordinator can return it for changes.",
        "save_draft": "Save draft",
        "submit_input": "Submit",
        "round_closed_notice": "The round is closed and takes no more inputs.",
        "input_submitted_help": "The input has been submitted. The coordinator reviews it and "
                                "may return it if something needs changing.",
        "input_accepted_help": "The coordinator has accepted the input.",
        "your_values": "Your values",
        "indicator": "Indicator",
        "place": "Place",
        "value": "Value",
        "whole_area": "Whole area",
        "no_values_given": "No values given.",
        "no_observations_given": "No observations given.",
        "see_joint_picture": "Show the joint situation picture",
        "value_invalid": "Enter the value for {indicator} as a number, e.g. 12.5.",
        "place_required": "Enter the place the value on row {row} is for ({indicator}).",
        "place_too_long": "A place's name can be at most {max} characters ({indicator}, row "
                          "{row}).",
        "place_twice": "The place {place} is already given for {indicator}.",
        "place_value_invalid": "Enter the value for {place} ({indicator}) as a number, e.g. 12.5.",
        "place_value_required": "Enter a value for {place} ({indicator}).",
        "observations_too_long": "The observations can be at most {max} characters.",
        "input_changed": "The input has changed since you opened the page, perhaps by a "
                         "colleague or the coordinator. Check it and save again.",
        "input_not_editable": "The input has already been submitted and cannot be changed. The "
                              "coordinator can return it for changes.",
        "input_refused": "The input could not be saved. Check it and try again.",
        "input_saved_notice": "The draft is saved. Submit it when it is ready.",
        "input_submitted_notice": "The input has been submitted. Thank you!",
        "source_reported_crime": "Reported crime",
        "source_ntu": "Swedish Crime Survey (NTU)",
        "source_safety_survey": "Municipal safety survey",
        "source_est_report": "EST report",
        "source_citizen_dialogue": "Citizen dialogue",
        "source_school_social_services": "School and social services",
        "source_rescue_service": "Rescue service",
        "source_business_survey": "Business survey",
        "source_other": "Other source",
        "higher_is_better": "Higher values are better",
        "lower_is_better": "Lower values are better",
        "picture_title": "Situation picture",
        "picture_none": "There is no situation picture yet: the coordinator has not opened a "
                        "round for the agreement.",
        "picture_intro": "The joint situation picture of {agreement}, compiled from the parties' "
                         "submitted inputs. Inputs another party has marked internal are not "
                         "shown; your own internal inputs are marked Internal.",
        "picture_periods": "Periods",
        "round_status": "The round",
        "round_status_open": "Open – inputs are accepted",
        "round_status_closed": "Closed",
        "picture_own_input": "Give or view your input for the period",
        "picture_indicators": "Indicators",
        "picture_no_indicators": "No indicators in this round.",
        "goal_named": "Goal: {title}",
        "goal_line": "baseline {baseline}, target {target}",
        "previous_value": "Previous period",
        "change": "Change",
        "from_baseline": "From the baseline",
        "to_target": "To the target",
        "progress_share": "{share}% of the way",
        "no_value": "Missing",
        "chart_in_words": "The chart in words",
        "picture_observations": "The parties' observations",
        "picture_no_observations": "No observations have been given.",
        "picture_missing": "Still missing",
        "missing_not_submitted": "{organization} has not submitted its input ({indicators}).",
        "missing_values": "{organization} has no values for {indicators}.",
        "picture_nothing_missing": "Every party has given what it was asked for.",
        "agreement_situation_intro": "The parties give inputs to a joint situation picture, "
                                     "period by period. These are the rounds and where the input "
                                     "of {organization} stands.",
        "fill_in": "Fill in",
        "agreement_no_rounds": "No round of the situation picture has been opened yet.",
        "inputs_due": "Inputs to the situation picture to give",
        "error_400_title": "Bad request",
        "error_400": "The page could not be shown because the request was not valid.",
        "error_403_title": "The form could not be sent",
        "error_403": "For your security the form could not be accepted. Go back, reload the "
                     "page and try again.",
        "error_forbidden_title": "You do not have permission",
        "error_forbidden": "Your role does not allow this. Read access lets you see the "
                           "details; to change them you need to be a coordinator, and users "
                           "are managed by an administrator.",
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


def extend(catalogue: dict[str, dict[str, str]], source: str) -> None:
    """Add an area's messages (the workspace's modules each bring theirs). Both languages
    must name the same keys, and no key may be defined twice: a clash would silently change
    another page's words."""
    if set(catalogue) != set(LANGUAGES) or set(catalogue["sv"]) != set(catalogue["en"]):
        missing = set(catalogue.get("sv", {})) ^ set(catalogue.get("en", {}))
        raise ValueError(f"{source}: Swedish and English differ in {sorted(missing)}")
    for lang in LANGUAGES:
        clash = set(catalogue[lang]) & set(MESSAGES[lang])
        if clash:
            raise ValueError(f"{source}: messages already defined: {sorted(clash)}")
        MESSAGES[lang].update(catalogue[lang])


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
