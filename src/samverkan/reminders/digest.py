"""One e-mail a day per recipient, gathering everything due for them: subject, text and HTML."""

from collections import defaultdict
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, select_autoescape

_LOCALES = {"sv": "sv_SE", "en": "en_GB"}

# What each built-in rule says about an item. A rule added later can instead put ready
# sentences in its items as text_sv / text_en.
_PHRASES = {
    "commitment_due": {
        "sv": "Åtagandet ”{title}” ({organization}) ska vara klart {date}.",
        "en": "The commitment “{title}” ({organization}) is due on {date}.",
    },
    "commitment_overdue": {
        "sv": "Åtagandet ”{title}” ({organization}) skulle ha varit klart {date} och är "
              "fortfarande öppet.",
        "en": "The commitment “{title}” ({organization}) was due on {date} and is still open.",
    },
    "commitment_unconfirmed": {
        "sv": "Åtagandet ”{title}” väntar på att {organization} bekräftar eller avböjer det.",
        "en": "The commitment “{title}” is waiting for {organization} to confirm or decline it.",
    },
    "meeting": {
        "sv": "Styrgruppsmöte {date}{time}{location}: {title}. Kalenderinbjudan bifogas.",
        "en": "Steering group meeting on {date}{time}{location}: {title}. "
              "A calendar invitation is attached.",
    },
    "agreement_ending": {
        "sv": "Överenskommelsen upphör {date}.",
        "en": "The agreement ends on {date}.",
    },
    "citizen_promise_renewal": {
        "sv": "Medborgarlöftet upphör {date} och har ingen efterföljare: dags att förnya det.",
        "en": "The citizen promise ends on {date} and has no successor: time to renew it.",
    },
    # A lägesbild round (situation/reminder_rules.py): before the deadline, and after it
    # (the rule names that phrase in the item).
    "situation_deadline": {
        "sv": "Lägesbildsunderlag för {period} ska lämnas senast {deadline}.",
        "en": "Input to the situation picture for {period} is due by {deadline}.",
    },
    "situation_deadline_overdue": {
        "sv": "Lägesbildsunderlag för {period} skulle ha lämnats {deadline}.",
        "en": "Input to the situation picture for {period} was due on {deadline}.",
    },
}

# Items with a page of their own (their link) beside their agreement's (agreement_link): the
# line links to that page, with these words.
_ACTIONS = {
    "situation_deadline": {"sv": "Lämna underlaget", "en": "Submit the input"},
}
_DEFAULT_ACTION = {"sv": "Öppna", "en": "Open"}

_TEXT = {
    "sv": {
        "subject": "Påminnelser från Samverkan – {day}",
        "greeting": "Hej {name}!",
        "intro": "Det här behöver din uppmärksamhet i samverkansöverenskommelserna:",
        "registration": "diarienummer",
        "open": "Öppna överenskommelsen",
        "footer": "Du får det här brevet för att du är kontaktperson, samordnare eller "
                  "undertecknare i en överenskommelse i Samverkan. Ett brev per dag samlar allt.",
        "at": " kl. ",
    },
    "en": {
        "subject": "Reminders from Samverkan – {day}",
        "greeting": "Hello {name},",
        "intro": "These items in your collaboration agreements need your attention:",
        "registration": "registration number",
        "open": "Open the agreement",
        "footer": "You receive this e-mail as a contact person, coordinator or signatory of an "
                  "agreement in Samverkan. One e-mail a day gathers everything.",
        "at": " at ",
    },
}

_environment = Environment(
    loader=PackageLoader("samverkan.reminders", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def long_date(value: date | str | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _long_date(value, language)


@lru_cache(maxsize=4096)
def _long_date(value: date, language: str) -> str:
    # Babel's formatting is the costliest step of a digest; a sweep repeats few dates.
    # A non-breaking space keeps "1 december" together on one line.
    return format_date(value, format="long", locale=_LOCALES[language]).replace(" ", "\u00a0", 1)


def sentence(item: dict, language: str) -> str:
    ready = item.get(f"text_{language}") or item.get("text_sv")
    if ready:
        return ready
    text = _TEXT[language]
    phrase = _PHRASES[item.get("phrase") or item["rule"]][language]
    return phrase.format(
        title=item.get("title", ""),
        organization=item.get("organization", ""),
        date=long_date(item.get("date"), language),
        period=item.get("period", ""),
        deadline=long_date(item.get("deadline"), language),
        time=f"{text['at']}{item['time']}" if item.get("time") else "",
        location=f", {item['location']}" if item.get("location") else "",
    )


def render(recipient_name: str, language: str, day: date, items: list[dict]) -> dict:
    """Subject, text and HTML of one digest; items grouped by agreement, in a stable order."""
    language = language if language in _TEXT else "sv"
    text = _TEXT[language]
    groups: dict[int | None, dict] = defaultdict(lambda: {"lines": []})
    for item in sorted(items, key=lambda i: (i.get("agreement_title") or "", i.get("date") or "",
                                             i.get("rule"), i.get("title") or "")):
        group = groups[item.get("agreement_id")]
        own_page = bool(item.get("agreement_link"))
        group.update(title=item.get("agreement_title") or "",
                     link=item["agreement_link"] if own_page else item.get("link"),
                     registration_number=item.get("registration_number"))
        line = {"text": sentence(item, language), "link": None, "label": None}
        if own_page and item.get("link"):
            action = _ACTIONS.get(item.get("rule"), _DEFAULT_ACTION)
            line.update(link=item["link"], label=action[language])
        group["lines"].append(line)
    context = {
        "text": text,
        "greeting": text["greeting"].format(name=recipient_name or "").replace(" !", "!"),
        "groups": list(groups.values()),
        "day": long_date(day, language),
        "language": language,
    }
    return {
        "subject": text["subject"].format(day=long_date(day, language)),
        "body_text": _environment.get_template("digest.txt").render(context),
        "body_html": _environment.get_template("digest.html").render(context),
    }
