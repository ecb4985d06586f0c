"""What every area's pages read from a request the same way: ids in paths and query
strings, the version a form was filled in against, dates as typed; the limits of what a
field may hold, checked so that a text too long is refused next to its field, not with a
500."""

import re
from datetime import date
from typing import Any

from litestar import Request

from samverkan.errors import NotFound
from samverkan.schemas import MAX_ID
from samverkan.web.i18n import translate

NOT_FOUND = "Sidan finns inte (not found)"

# The schemas' limits (samverkan.schemas Name, Title, ShortText, LongText and the registration
# number; agreements.schemas Comment; a contact's job title; an e-mail address).
NAME_MAX = 200
TITLE_MAX = 300
SHORT_MAX = 200
LONG_MAX = 20_000
REGISTRATION_NUMBER_MAX = 60
COMMENT_MAX = 2000
JOB_TITLE_MAX = 200
EMAIL_MAX = 254
# What an e-mail address and a phone number may look like (registry.schemas' phone pattern).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()\-]{3,40}$")


def checked_id(value: int) -> int:
    """An id outside what any row can have names nothing: the same 404 as a missing row."""
    if not 1 <= value <= MAX_ID:
        raise NotFound(NOT_FOUND)
    return value


def query_id(request: Request, name: str) -> int | None:
    """An optional id in the query string; one that names no row is the same 404 as a
    missing row."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        raise NotFound(NOT_FOUND)
    return checked_id(int(value))


def expected_version(form: Any) -> int | None:
    """The version the page showed; a change made since then is refused, not overwritten."""
    value = str(form.get("version", "")).strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def parse_date(text: str) -> date | None:
    """A date as an <input type="date"> sends it (YYYY-MM-DD); None for anything else."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def check_text(errors: dict[str, str], lang: str, name: str, text: str, limit: int, *,
               too_long: str, required: str | None = None) -> None:
    """The first thing wrong with a typed text as errors[name], unless that field has an
    error already: empty where it must be given (the message `required`), or longer than
    limit (the message `too_long`, told max=limit)."""
    if name in errors:
        return
    if not text:
        if required:
            errors[name] = translate(lang, required)
    elif len(text) > limit:
        errors[name] = translate(lang, too_long, max=limit)
