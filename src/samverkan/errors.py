"""One exception hierarchy for the whole service, rendered as JSON errors in one place."""

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from samverkan.db import classify_integrity_error


class SamverkanError(Exception):
    """An error a client can act on; the message is written for a person."""

    status_code = 400

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class InvalidInput(SamverkanError):
    """The input breaks a rule: 400, like every other refusal of what a client sent."""

    status_code = 400


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
    """Too many attempts; retry_after (whole seconds) is sent as the Retry-After header."""

    status_code = 429

    def __init__(self, detail: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(detail, field=field)
        self.retry_after = retry_after


def error_body(status_code: int, detail: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if field:
        body["extra"] = [{"key": field, "message": detail}]
    return body


def handle_samverkan_error(_: Request, exc: SamverkanError) -> Response:
    body = error_body(exc.status_code, exc.detail, exc.field)
    if getattr(exc, "extra", None):
        # Refusals with many parts (a file's problems) list each one.
        body["extra"] = exc.extra
    headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests)
               else None)
    return Response(body, status_code=exc.status_code, headers=headers)


_REFUSAL_TEXT = {
    "unique": (409, "Uppgiften finns redan (unik i registret)"),
    "foreign_key": (409, "Uppgiften hänvisar till något som inte finns, eller används av annat"),
    "check": (400, "Uppgiften bryter mot en regel i registret"),
    "not_null": (400, "Ett obligatoriskt fält saknas"),
    "append_only": (409, "Granskningsloggen kan inte ändras"),
    "integrity": (409, "Databasen vägrade ändringen"),
}


def handle_database_error(request: Request, exc: Exception) -> Response:
    """The database's constraints are the last line: a refusal is a 4xx, never a 500."""
    refusal = classify_integrity_error(exc)
    if refusal is None:
        return handle_unexpected_error(request, exc)
    status_code, text = _REFUSAL_TEXT[refusal.kind]
    return Response(error_body(status_code, f"{text}: {refusal.detail}"), status_code=status_code)


# pydantic prefixes the messages of our own validators; a person does not need to see it.
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def _clean(problem: Any) -> Any:
    if isinstance(problem, dict) and isinstance(problem.get("message"), str):
        message = problem["message"]
        for prefix in _PYDANTIC_PREFIXES:
            message = message.removeprefix(prefix)
        return {**problem, "message": message}
    return problem


def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    if exc.status_code >= 500:
        request.logger.exception("request failed: %s %s", request.method, request.url.path)
    body = error_body(exc.status_code, exc.detail)
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        problems = [_clean(problem) for problem in exc.extra]
        body["extra"] = problems
        named = "; ".join(
            f"{p.get('key') or 'body'}: {p.get('message')}" for p in problems if isinstance(p, dict)
        )
        body["detail"] = f"Ogiltig indata (invalid input) – {named}" if named else exc.detail
    elif exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status_code, headers=exc.headers)


def handle_unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: log it with its traceback and answer without leaking internals."""
    request.logger.exception("unhandled error: %s %s", request.method, request.url.path)
    return Response(
        error_body(500, "Internt fel – händelsen är loggad (internal error, logged)"),
        status_code=500,
    )


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
