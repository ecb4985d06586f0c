"""What every workspace page shares: who is signed in, the page in the workspace's layout,
the role checks, signing in and out.

The workspace uses the staff session of the API (accounts): the same cookie, the same idle
and absolute lifetimes, the same login throttling. Without a live session every page but
sign-in (and the secret calendar feed) answers 303 to /workspace/login?next=<the page>.
Viewers read; a write by a viewer is the 403 page. Pages about users are for admins.
"""

import math
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect, Template

from samverkan.accounts import service as accounts
from samverkan.accounts.auth import session_cookie
from samverkan.accounts.service import CurrentUser, LoginRefused, LoginThrottled
from samverkan.accounts.tables import Role
from samverkan.db import write_transaction
from samverkan.errors import Forbidden
from samverkan.settings import get_settings
from samverkan.web.i18n import choose_language, translate
from samverkan.web.routes import local_path
from samverkan.web.templating import page

TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/workspace"
HOME = f"{PREFIX}/"
LOGIN = f"{PREFIX}/login"
SignedIn = NamedDependency[CurrentUser]

# What a page says after a form sent the browser back to it (303 ?done=…). A module adds
# its own with notices.update({...}) at import.
NOTICES: dict[str, str] = {"saved": "ws_saved", "logged_out": "logged_out"}


class NotSignedIn(Exception):
    """No live staff session: the page sends the visitor to sign in, and back afterwards."""


def _session_cookie(request: Request) -> str:
    return request.cookies.get(get_settings().session_cookie_name, "")


async def signed_in_user(request: Request) -> CurrentUser:
    """The dependency every workspace controller but sign-in declares as `user`."""
    cookie = _session_cookie(request)
    user = await accounts.user_for_session(cookie) if cookie else None
    if user is None:
        raise NotSignedIn()
    return user


SIGNED_IN = {"user": Provide(signed_in_user)}


def to_login(request: Request, _: NotSignedIn) -> Response:
    """Exception handler of the workspace router: sign in, then come back to this page."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += f"?{request.url.query}"
    # Litestar serves the start page at /workspace and /workspace/ alike.
    home = target in (HOME, PREFIX)
    response = Redirect(LOGIN if home else f"{LOGIN}?next={_quoted(target)}", status_code=303)
    if _session_cookie(request):
        # An ended session's cookie opens nothing; let the browser forget it.
        response.delete_cookie(get_settings().session_cookie_name, path="/")
    return response


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def may_write(user: CurrentUser) -> None:
    """Viewers read only: a form that changes something is refused with the 403 page."""
    if not user.may_write:
        raise Forbidden("Din roll får bara läsa, inte ändra (your role is read-only)")


def admin_only(user: CurrentUser) -> None:
    if user.role != Role.admin:
        raise Forbidden("Endast administratörer (administrators only)")


def language(request: Request) -> str:
    return choose_language(request)


def notice(request: Request, lang: str) -> str | None:
    key = NOTICES.get(request.query_params.get("done", ""))
    return translate(lang, key) if key else None


def workspace_page(request: Request, user: CurrentUser | None, template: str, *,
                   status_code: int = 200, current: str | None = None,
                   headers: dict[str, str] | None = None, **context: Any) -> Template:
    """A page in the workspace's layout: template is the file name under
    workspace/templates; `current` names the navigation entry to mark."""
    lang = choose_language(request)
    context.setdefault("notice", notice(request, lang))
    return page(request, f"workspace/{template}", lang=lang, status_code=status_code,
                headers=headers, user=user, current=current, **context)


class SignInPages(Controller):
    """Signing in with e-mail and password, and out again."""

    include_in_schema = False

    @get("/login")
    async def login_form(self, request: Request) -> Response:
        target = local_path(request.query_params.get("next"), HOME)
        cookie = _session_cookie(request)
        if cookie and await accounts.user_for_session(cookie) is not None:
            return Redirect(target, status_code=303)
        return workspace_page(request, None, "login.html", errors={}, values={},
                              next_path=target)

    @post("/login")
    async def login(self, request: Request) -> Response:
        form = await request.form()
        lang = language(request)
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        target = local_path(str(form.get("next", "")), HOME)
        errors = {}
        if not email:
            errors["email"] = translate(lang, "email_required")
        elif len(email) > 254 or "@" not in email:
            errors["email"] = translate(lang, "email_invalid")
        if not password:
            errors["password"] = translate(lang, "ws_password_required")
        status_code = 400
        headers = None
        if not errors:
            try:
                async with write_transaction():
                    user, token = await accounts.login(email, password[:1000])
            except LoginThrottled as exc:
                status_code = 429
                headers = {"Retry-After": str(exc.retry_after)}
                errors["email"] = translate(lang, "ws_login_throttled",
                                            minutes=max(1, math.ceil(exc.retry_after / 60)))
            except LoginRefused:
                # The login's own transaction was rolled back; the failure must outlive it.
                async with write_transaction():
                    await accounts.record_login_failure(email)
                errors["email"] = translate(lang, "ws_login_refused")
            else:
                max_age = get_settings().session_absolute_hours * 3600
                return Redirect(target, status_code=303, cookies=[session_cookie(token, max_age)])
        return workspace_page(request, None, "login.html", status_code=status_code,
                              headers=headers, errors=errors, values={"email": email},
                              next_path=target)

    @post("/logout")
    async def logout(self, request: Request) -> Response:
        cookie = _session_cookie(request)
        if cookie:
            async with write_transaction():
                await accounts.logout(cookie)
        return Redirect(f"{LOGIN}?done=logged_out", status_code=303,
                        cookies=[session_cookie("", 0)])
