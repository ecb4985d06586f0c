"""One exception hierarchy for the whole service, rendered as JSON errors in one place."""

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException

from samverkan.db import classify_integrity_error


class SamverkanError(Exception):
    """An error a client can act on; the message is written for a person."""

    status_code = 400

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class InvalidInput(SamverkanError):
    status_code = 422


class NotFound(SamverkanError):
    status_code = 404


class Forbidden(SamverkanError):
    status_code = 403


class Conflict(SamverkanError):
    status_code = 409


class PreconditionFailed(SamverkanError):
    status_code = 412


class PreconditionRequired(SamverkanError):
    status_code = 428


class TooManyRequests(SamverkanError):
    status_code = 429


def error_body(status_code: int, detail: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if field:
        body["extra"] = [{"key": field, "message": detail}]
    return body


def handle_samverkan_error(_: Request, exc: SamverkanError) -> Response:
    return Response(error_body(exc.status_code, exc.detail, exc.field), status_code=exc.status_code)


_REFUSAL_TEXT = {
    "unique": (409, "Uppgiften finns redan (unik i registret)"),
    "foreign_key": (409, "Uppgiften hänvisar till något som inte finns, eller används av annat"),
    "check": (422, "Uppgiften bryter mot en regel i registret"),
    "not_null": (422, "Ett obligatoriskt fält saknas"),
    "append_only": (409, "Granskningsloggen kan inte ändras"),
    "integrity": (409, "Databasen vägrade ändringen"),
}


def handle_database_error(request: Request, exc: Exception) -> Response:
    """The database's constraints are the last line: a refusal is a 4xx, never a 500."""
    refusal = classify_integrity_error(exc)
    if refusal is None:
        request.logger.exception("unexpected database error")
        return Response(error_body(500, "Internt fel"), status_code=500)
    status_code, text = _REFUSAL_TEXT[refusal.kind]
    return Response(error_body(status_code, f"{text}: {refusal.detail}"), status_code=status_code)


def handle_http_exception(_: Request, exc: HTTPException) -> Response:
    body = error_body(exc.status_code, exc.detail)
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status_code, headers=exc.headers)


def require_version(current: int, expected: int | None) -> None:
    """Refuse a change based on an older version than the one stored (a lost update)."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            f"Uppgiften har ändrats av någon annan (version {current}, din ändring utgick från "
            f"version {expected}). Hämta den på nytt och gör om ändringen. "
            "(The resource has changed since you read it.)",
            field="If-Match",
        )


def stale() -> PreconditionFailed:
    return PreconditionFailed(
        "Uppgiften ändrades samtidigt av någon annan; hämta den på nytt. "
        "(The resource changed concurrently.)",
        field="If-Match",
    )
