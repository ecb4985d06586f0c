"""Security of the server-rendered pages: CSRF protection and security headers."""

import os
import secrets
import time
from pathlib import Path

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from samverkan.settings import Settings
from samverkan.web.areas import area_of

CSRF_COOKIE = "samverkan_csrf"
# Litestar's CSRF middleware compares the cookie with the header x-csrftoken or the form
# field _csrf_token (litestar/middleware/csrf.py). The API, the health check, the OpenAPI
# schema and static files take no forms: API clients authenticate with a bearer token or a
# session cookie that the API's own rules guard, and must not need a CSRF token. The
# patterns are searched anywhere in the path, so each is anchored.
CSRF_EXCLUDE = [r"^/api(/|$)", r"^/health(/|$)", r"^/schema(/|$)", r"^/static/"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PAGE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Pages are reached by links that carry a sign-in token: never pass a URL on.
    "referrer-policy": "no-referrer",
    # Pages show people's names, addresses and commitments: no copies in caches.
    "cache-control": "no-store",
}


def secret_key(settings: Settings) -> str:
    """settings.secret_key, or a random key made once and kept in data_dir/secret_key
    (readable by the service's user only), so that every worker and restart agrees."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another worker may have created it a moment ago and not written it yet.
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to make a new key") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=secret_key(settings),
        cookie_name=CSRF_COOKIE,
        cookie_path="/",
        cookie_secure=settings.portal_cookies_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXCLUDE,
    )


async def page_headers(message: Message, scope: Scope) -> None:
    """A before-send hook: every response in an area of pages carries the security headers,
    error pages and redirects included (the hook sees what routing refuses, too)."""
    if message["type"] != "http.response.start" or scope["type"] != "http":
        return
    if area_of(scope["path"]) is None:
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in PAGE_HEADERS.items():
        headers[name] = value
