"""What every area's pages read from a request the same way: ids in paths and query
strings, the version a form was filled in against, dates as typed."""

from datetime import date
from typing import Any

from litestar import Request

from samverkan.errors import NotFound
from samverkan.schemas import MAX_ID

NOT_FOUND = "Sidan finns inte (not found)"


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
