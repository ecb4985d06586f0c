"""Errors on pages render as a page in the layout; the API keeps its JSON (errors.py)."""

import math
from collections.abc import Callable

from litestar import Request, Response

from samverkan.errors import Forbidden
from samverkan.web import i18n
from samverkan.web.areas import Area, area_of
from samverkan.web.templating import page

Handler = Callable[[Request, Exception], Response]

_EXPLAINED = {400, 403, 404, 405, 409, 429, 500, 503}


def error_page(
    request: Request, area: Area, status_code: int, headers: dict[str, str] | None = None,
    exc: Exception | None = None,
):
    """The page for an error status. It says what happened in general words only: what
    exactly was refused, or whether something exists, is not for the page to tell. A 403
    is either a form without its CSRF token or a role that may not do this (Forbidden):
    each says its own."""
    lang = i18n.choose_language(request)
    shown = status_code if status_code in _EXPLAINED else (500 if status_code >= 500 else 400)
    if isinstance(exc, Forbidden):
        shown = "forbidden"
    retry_minutes = None
    if headers and headers.get("Retry-After", "").isdigit():
        retry_minutes = max(1, math.ceil(int(headers["Retry-After"]) / 60))
    return page(
        request,
        "web/error.html",
        lang=lang,
        status_code=status_code,
        headers=headers,
        layout=area.layout,
        home=area.home,
        status=shown,
        retry_minutes=retry_minutes,
    )


def pages_or(api_handler: Handler) -> Handler:
    """An exception handler that answers a page under the page paths and the API's JSON
    everywhere else. The API's handler still runs first, so the status it chooses and what
    it logs are the same for both."""

    def handler(request: Request, exc: Exception) -> Response:
        response = api_handler(request, exc)
        area = area_of(request.url.path)
        if area is None:
            return response
        retry_after = response.headers.get("Retry-After")
        return error_page(request, area, response.status_code,
                          {"Retry-After": retry_after} if retry_after else None, exc)

    return handler
