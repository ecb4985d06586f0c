"""Turning an agreement's JSON (and its joint picture's) into HTML and PDF; pure and blocking,
run off the event loop."""

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

from samverkan.documents import picture as situation
from samverkan.documents.labels import CHOICES, LABELS

# fontTools stamps every font subset it writes with "now" unless SOURCE_DATE_EPOCH is set
# (the reproducible-builds convention); a fixed stamp keeps two renders byte-identical.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z

# Bump when the templates or the rendering change: it is part of every cache key and ETag.
TEMPLATE_VERSION = 2
TEMPLATES = Path(__file__).parent / "templates"
ATTACHMENT_NAME = "overenskommelse.json"
PICTURE_ATTACHMENT_NAME = "lagesbild.json"
AGREEMENT_DESCRIPTION = ("Överenskommelsen som data (JSON, samma som API:t) / "
                         "The agreement as data (JSON, as the API returns it)")
PICTURE_DESCRIPTION = ("Den gemensamma lägesbilden som data (JSON: bilden och de underlag som "
                       "räknas, utan interna) / The joint situation picture as data (JSON: the "
                       "picture and the inputs counted in it, internal ones left out)")
VARIANTS = {"a3b": "pdf/a-3b", "ua": "pdf/ua-1"}
LANGUAGES = ("sv", "en")
# Until the parties have signed, the document is a draft and says so on every page.
DRAFT_STATUSES = frozenset({"draft", "in_preparation", "awaiting_signature"})
NBSP = "\u00a0"
EN_DASH = "\u2013"


class RefusingFetcher(URLFetcher):
    """Refuses every URL: the document needs nothing from outside its own HTML and CSS.

    User text is escaped, so no markup of theirs reaches WeasyPrint; this is the second line,
    should a template ever let a URL through. WeasyPrint logs the refusal and goes on.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url, headers=None):  # noqa: ARG002 - WeasyPrint's signature
        self.refused.append(url)
        raise ValueError(f"Samverkan hämtar inga resurser vid utskrift (refused: {url[:100]})")


_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _css_string(value: str) -> Markup:
    """A quoted CSS string (for `content:` in @page boxes). JSON's \\uXXXX escapes are not
    CSS: CSS escapes a character as a backslash, its hex code and a space."""
    escaped = "".join(
        f"\\{ord(c):x} " if c in '"\\<>&\'' or ord(c) < 0x20 else c for c in str(value)
    )
    return Markup(f'"{escaped}"')


_ENVIRONMENT.filters["css_string"] = _css_string


def _date(value: str | dt.date | None, locale: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="long", locale=locale).replace(" ", NBSP)


def _datetime(value: str | None, locale: str, timezone: str) -> str:
    """The local date of a moment (when a commitment was confirmed)."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone))
    return _date(moment.date(), locale)


def _number(value: float | None, unit: str, locale: str) -> str:
    if value is None:
        return "–"
    text = format_decimal(value, locale=locale, format="#,##0.##")
    text = text.replace(" ", NBSP).replace("\u202f", NBSP)
    return f"{text}{NBSP}{unit}" if unit else text


def _period(start: str, end: str | None, labels: dict) -> str:
    first = _date(start, labels["locale"])
    last = _date(end, labels["locale"]) if end else labels["open_ended"]
    return f"{first} {EN_DASH} {last}"


def context(agreement: dict, contacts: dict[int, dict], lang: str, timezone: str,
            picture: dict | None = None) -> dict:
    """What the template needs, computed from the agreement's JSON (the embedded file) and the
    latest joint picture's (embedded too; None when the agreement has no round yet)."""
    labels = LABELS[lang]
    choices = CHOICES[lang]
    locale = labels["locale"]
    parties = agreement["parties"]
    party_contacts = {
        p["primary_contact"]["id"]: p["primary_contact"] for p in parties if p["primary_contact"]
    }
    all_contacts = {**contacts, **party_contacts}
    focus_areas = sorted(agreement["focus_areas"], key=lambda f: (f["priority"], f["id"]))
    focus_titles = {f["id"]: f["title"] for f in focus_areas}
    by_party: dict[int, list[dict]] = {p["id"]: [] for p in parties}
    for commitment in agreement["commitments"]:
        responsible = all_contacts.get(commitment["responsible_contact_id"] or 0)
        by_party.setdefault(commitment["party_id"], []).append({
            **commitment,
            "responsible": responsible,
            "due": _date(commitment["due_date"], locale),
            "confirmed_when": _datetime(commitment["confirmed_at"], locale, timezone),
            "status_label": choices["commitment_status"][commitment["status"]],
            "recurrence_label": choices["cadence"].get(commitment["recurrence"] or "", ""),
            "focus_area": focus_titles.get(commitment["focus_area_id"] or 0, ""),
        })
    for items in by_party.values():
        items.sort(key=lambda c: (c["due_date"] or "9999", c["id"]))
    goals = [
        {
            **goal,
            "baseline_text": _number(goal["baseline"], goal["unit"], locale),
            "target_text": _number(goal["target"], goal["unit"], locale),
            "focus_area": focus_titles.get(goal["focus_area_id"] or 0, ""),
        }
        for goal in agreement["goals"]
    ]
    follow_ups = [
        {
            **f,
            "when": _date(f["date"], locale)
            + (f"{NBSP}kl.{NBSP}{f['start_time'][:5]}" if f["start_time"] and lang == "sv"
               else f",{NBSP}{f['start_time'][:5]}" if f["start_time"] else ""),
            "kind_label": choices["follow_up_kind"][f["kind"]],
        }
        for f in sorted(agreement["follow_ups"], key=lambda f: (f["date"], f["id"]))
    ]
    draft = agreement["status"] in DRAFT_STATUSES
    return {
        "a": agreement,
        "lang": lang,
        "stamp": _w3c(agreement["updated_at"]),
        "authors": ", ".join(p["organization"]["name"] for p in parties),
        "L": labels,
        "C": choices,
        "draft": draft,
        "kind_label": choices["kind"][agreement["kind"]],
        "status_label": choices["status"][agreement["status"]],
        "footer_note": f"{labels['version']} {agreement['version']}",
        "period": _period(agreement["period_start"], agreement["period_end"], labels),
        "cadence_label": choices["cadence"].get(agreement["follow_up_cadence"] or "", ""),
        "running_header": agreement["registration_number"] or labels["no_registration_number"],
        "parties": [
            {
                **p,
                "org_number": p["organization"]["org_number"],
                "kind_label": choices["organization_kind"].get(p["organization"]["kind"], ""),
                "commitments": by_party.get(p["id"], []),
                "signed_date": _date(p["signed_on"], locale),
                "method_label": choices["signature_method"].get(p["signature_method"] or "", ""),
            }
            for p in parties
        ],
        "focus_areas": focus_areas,
        "goals": goals,
        "follow_ups": follow_ups,
        "situation": situation.context(picture, lang, timezone),
        "reports": [],  # follow-up reports: likewise
    }


def html(agreement: dict, contacts: dict[int, dict], lang: str, timezone: str,
         picture: dict | None = None) -> str:
    return _ENVIRONMENT.get_template("agreement.html").render(
        **context(agreement, contacts, lang, timezone, picture)
    )


def round_context(cover: dict, picture: dict, lang: str, stamp: str, timezone: str) -> dict:
    """What round.html needs: the cover's facts of the agreement and the round's picture."""
    labels = LABELS[lang]
    section = situation.context(picture, lang, timezone)
    title = labels["round_title"].format(period=section["period"])
    return {
        "a": cover,
        "lang": lang,
        "stamp": _w3c(stamp),
        "authors": ", ".join(p["name"] for p in cover["parties"]),
        "L": labels,
        "draft": False,
        "document_title": title,
        "footer_note": title,
        "kind_label": CHOICES[lang]["kind"][cover["kind"]],
        "period": _period(cover["period_start"], cover["period_end"], labels),
        "running_header": cover["registration_number"] or labels["no_registration_number"],
        "situation": section,
    }


def round_html(cover: dict, picture: dict, lang: str, stamp: str,
               timezone: str = "Europe/Stockholm") -> str:
    return _ENVIRONMENT.get_template("round.html").render(
        **round_context(cover, picture, lang, stamp, timezone)
    )


def _w3c(value: str) -> str:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


_RDF_END = b"</rdf:RDF>"


def _xmp_language(lang_tag: str):
    """A finisher adding dc:language to the XMP packet (WeasyPrint writes only /Lang)."""
    description = (
        '<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="">'
        f"<dc:language><rdf:Bag><rdf:li>{lang_tag}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description>"
    ).encode()

    def finish(document, pdf) -> None:
        reference = pdf.catalog.get("Metadata")
        if reference is None:
            return
        stream = pdf.objects[int(reference.split()[0])]
        content = b"".join(
            part if isinstance(part, bytes) else str(part).encode() for part in stream.stream
        )
        if _RDF_END in content:
            stream.stream = [content.replace(_RDF_END, description + _RDF_END, 1)]

    return finish


def pdf(source_html: str, *, stamp: str, attachments: list[tuple[str, bytes, str]],
        lang: str, variant: str, identifier: bytes) -> bytes:
    """The PDF of one rendered HTML: deterministic for the same inputs. `stamp` (ISO 8601) is
    the attachments' created and modified date; attachments are (name, bytes, description)."""
    fetcher = RefusingFetcher()
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    files = [
        Attachment(string=data, name=name, description=description, created=moment,
                   modified=moment, relationship="Data", url_fetcher=fetcher)
        for name, data, description in attachments
    ]
    document = HTML(string=source_html, url_fetcher=fetcher, base_url=None).render()
    return document.write_pdf(
        pdf_variant=VARIANTS[variant],
        pdf_identifier=identifier,
        attachments=files,
        uncompressed_pdf=False,
        finisher=_xmp_language(LABELS[lang]["lang"]),
    )


def render(agreement_json: bytes, contacts: dict[int, dict], lang: str, variant: str,
           timezone: str = "Europe/Stockholm", picture_json: bytes | None = None) -> bytes:
    """The whole document from the agreement's API JSON and its latest joint picture's (bytes,
    embedded as they are; no picture when the agreement has no round yet)."""
    agreement = json.loads(agreement_json)
    picture = json.loads(picture_json) if picture_json is not None else None
    identifier = hashlib.sha256(
        agreement_json + (picture_json or b"")
        + repr((sorted(contacts.items()), lang, variant, TEMPLATE_VERSION)).encode()
    ).hexdigest()[:32].encode()
    source = html(agreement, contacts, lang, timezone, picture)
    attachments = [(ATTACHMENT_NAME, agreement_json, AGREEMENT_DESCRIPTION)]
    if picture_json is not None:
        attachments.append((PICTURE_ATTACHMENT_NAME, picture_json, PICTURE_DESCRIPTION))
    return pdf(source, stamp=agreement["updated_at"], attachments=attachments, lang=lang,
               variant=variant, identifier=identifier)


def render_round(cover_json: bytes, picture_json: bytes, lang: str, variant: str,
                 stamp: str, timezone: str = "Europe/Stockholm") -> bytes:
    """One round printed on its own: a cover with the agreement's facts, then the round's
    joint picture; the picture's JSON is embedded as it is."""
    cover = json.loads(cover_json)
    picture = json.loads(picture_json)
    identifier = hashlib.sha256(
        cover_json + picture_json
        + repr((stamp, lang, variant, timezone, TEMPLATE_VERSION)).encode()
    ).hexdigest()[:32].encode()
    source = round_html(cover, picture, lang, stamp, timezone)
    return pdf(source, stamp=stamp,
               attachments=[(PICTURE_ATTACHMENT_NAME, picture_json, PICTURE_DESCRIPTION)],
               lang=lang, variant=variant, identifier=identifier)
