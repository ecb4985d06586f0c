"""The portal's e-mails – an invitation, a sign-in link, a changed commitment – each with one
link, rendered as text and HTML in the contact's language (Swedish or English)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta
from jinja2 import Environment, PackageLoader, select_autoescape

from samverkan.settings import get_settings
from samverkan.web import links

_LOCALES = {"sv": "sv_SE", "en": "en_GB"}

_TEXT = {
    "sv": {
        "greeting": "Hej {name}!",
        "invitation_subject": "Inbjudan till Samverkans partnerportal: {agreement}",
        "invitation": "{inviter} har bjudit in dig att följa överenskommelsen ”{agreement}”"
                      "{registration} för {organization}. I partnerportalen ser du "
                      "överenskommelsen, bekräftar eller avböjer era åtaganden och rapporterar "
                      "hur arbetet går.",
        "sign_in_subject": "Din inloggningslänk till Samverkans partnerportal",
        "sign_in": "Du har bett om en länk för att logga in i Samverkans partnerportal som "
                   "kontaktperson för {organization}.",
        "changed_subject": "Ett åtagande har ändrats och behöver bekräftas igen: {commitment}",
        "changed": "Samordnaren har ändrat åtagandet ”{commitment}”{due} i överenskommelsen "
                   "”{agreement}”{registration}. {organization} har bekräftat det tidigare; nu "
                   "väntar det på att ni bekräftar eller avböjer det igen.",
        "due": ", som ska vara klart {date},",
        "registration": " (diarienummer {number})",
        "button": "Öppna partnerportalen",
        "copy": "Fungerar inte knappen? Kopiera adressen till webbläsaren:",
        "valid_until": "Länken gäller i {duration}, till {until}, och kan bara användas en gång.",
        "valid_for": "Länken gäller i {duration} och kan bara användas en gång.",
        "at": " kl. ",
        "renew": "Har länken gått ut eller redan använts kan du be om en ny på {url}.",
        "footer": "Länken är personlig: vidarebefordra inte det här brevet. Väntade du dig inte "
                  "brevet kan du bortse från det.",
    },
    "en": {
        "greeting": "Hello {name},",
        "invitation_subject": "Invitation to the Samverkan partner portal: {agreement}",
        "invitation": "{inviter} has invited you to follow the agreement “{agreement}”"
                      "{registration} for {organization}. In the partner portal you see the "
                      "agreement, confirm or decline your organisation's commitments and report "
                      "how the work is going.",
        "sign_in_subject": "Your sign-in link to the Samverkan partner portal",
        "sign_in": "You asked for a link to sign in to the Samverkan partner portal as a contact "
                   "person of {organization}.",
        "changed_subject": "A commitment has changed and needs your confirmation again: "
                           "{commitment}",
        "changed": "The coordinator has changed the commitment “{commitment}”{due} in the "
                   "agreement “{agreement}”{registration}. {organization} confirmed it before; "
                   "it now awaits your confirmation or decline again.",
        "due": ", due on {date},",
        "registration": " (registration number {number})",
        "button": "Open the partner portal",
        "copy": "If the button does not work, copy the address into your browser:",
        "valid_until": "The link is valid for {duration}, until {until}, and can be used once.",
        "valid_for": "The link is valid for {duration} and can be used once.",
        "at": " at ",
        "renew": "If the link has expired or has been used, you can ask for a new one at {url}.",
        "footer": "The link is personal: do not forward this e-mail. If you did not expect it, "
                  "you can ignore it.",
    },
}

_environment = Environment(
    loader=PackageLoader("samverkan.portal", "templates/mail"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Recipient:
    name: str
    language: str  # "sv" | "en"
    organization: str


@dataclass(frozen=True)
class AgreementNote:
    """What an e-mail says about the agreement it leads to."""

    title: str
    registration_number: str | None


def _language(language: str) -> str:
    return language if language in _TEXT else "sv"


def _duration(delta: timedelta, language: str) -> str:
    # A threshold no duration reaches keeps the unit: "7 dygn", not "1 vecka".
    unit = "day" if delta >= timedelta(days=1) else "minute"
    return format_timedelta(delta, granularity=unit, threshold=10**6,
                            locale=_LOCALES[language])


def _moment(value: datetime, language: str) -> str:
    local = value.astimezone(ZoneInfo(get_settings().timezone))
    return (format_date(local.date(), format="long", locale=_LOCALES[language])
            + _TEXT[language]["at"]
            + format_time(local, "HH:mm", locale=_LOCALES[language]))


def _registration(agreement: AgreementNote, text: dict) -> str:
    if not agreement.registration_number:
        return ""
    return text["registration"].format(number=agreement.registration_number)


def _render(subject: str, recipient: Recipient, paragraph: str, token: str,
            lifetime: timedelta, expires_at: datetime, language: str) -> dict:
    text = _TEXT[language]
    validity = (
        text["valid_until"].format(duration=_duration(lifetime, language),
                                   until=_moment(expires_at, language))
        if lifetime >= timedelta(days=1)
        else text["valid_for"].format(duration=_duration(lifetime, language))
    )
    context = {
        "language": language,
        "subject": subject,
        "greeting": text["greeting"].format(name=recipient.name).replace(" !", "!"),
        "paragraph": paragraph,
        "link": links.portal_link(token),
        "button": text["button"],
        "copy": text["copy"],
        "validity": validity,
        "renew": text["renew"].format(url=links.portal_sign_in()),
        "footer": text["footer"],
    }
    return {
        "subject": subject,
        "body_text": _environment.get_template("link.txt").render(context),
        "body_html": _environment.get_template("link.html").render(context),
    }


def invitation(recipient: Recipient, inviter: str, agreement: AgreementNote, token: str,
               lifetime: timedelta, expires_at: datetime) -> dict:
    """Subject, text and HTML of an invitation to an agreement, from inviter."""
    language = _language(recipient.language)
    text = _TEXT[language]
    paragraph = text["invitation"].format(
        inviter=inviter, agreement=agreement.title, organization=recipient.organization,
        registration=_registration(agreement, text),
    )
    subject = text["invitation_subject"].format(agreement=agreement.title)
    return _render(subject, recipient, paragraph, token, lifetime, expires_at, language)


def sign_in(recipient: Recipient, token: str, lifetime: timedelta, expires_at: datetime) -> dict:
    """Subject, text and HTML of a sign-in link the contact asked for."""
    language = _language(recipient.language)
    text = _TEXT[language]
    paragraph = text["sign_in"].format(organization=recipient.organization)
    return _render(text["sign_in_subject"], recipient, paragraph, token, lifetime, expires_at,
                   language)


def commitment_changed(recipient: Recipient, commitment: str, due: date | None,
                       agreement: AgreementNote, token: str, lifetime: timedelta,
                       expires_at: datetime) -> dict:
    """Subject, text and HTML of the news that a confirmed commitment changed (and is due
    on due, if it has a due date)."""
    language = _language(recipient.language)
    text = _TEXT[language]
    due_text = ""
    if due:
        due_text = text["due"].format(
            date=format_date(due, format="long", locale=_LOCALES[language])
        )
    paragraph = text["changed"].format(
        commitment=commitment, due=due_text, agreement=agreement.title,
        organization=recipient.organization, registration=_registration(agreement, text),
    )
    subject = text["changed_subject"].format(commitment=commitment)
    return _render(subject, recipient, paragraph, token, lifetime, expires_at, language)
