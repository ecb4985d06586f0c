"""Authentication of API requests (session cookie or bearer token) and role guards."""

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from samverkan.accounts import service
from samverkan.accounts.tables import Role
from samverkan.settings import get_settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_cookie(value: str, max_age: int) -> Cookie:
    """The staff session's cookie, set by the API's login and the workspace's sign-in page
    alike (an empty value with max_age 0 clears it)."""
    settings = get_settings()
    return Cookie(key=settings.session_cookie_name, value=value, max_age=max_age, path="/",
                  httponly=True, samesite="lax", secure=settings.secure_cookies)


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        user = None
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                user = await service.user_for_api_token(token.strip())
        else:
            cookie = connection.cookies.get(get_settings().session_cookie_name)
            if cookie:
                user = await service.user_for_session(cookie)
        if user is None:
            raise NotAuthorizedException(
                "Inloggning krävs: logga in eller skicka en giltig API-nyckel "
                "(authentication required)",
                headers={"WWW-Authenticate": 'Bearer realm="samverkan"'},
            )
        return AuthenticationResult(user=user, auth=None)


# The guards are coroutines although they do not wait for anything: Litestar runs a plain
# function guard in its thread pool, a hand-off per request that cost more than the check.


async def writers_only(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Viewers read; only coordinators and admins change anything.

    Routes about the user's own account (logout, own API tokens) say so with
    opt={"any_role": True}.
    """
    if handler.opt.get("any_role") or handler.opt.get("exclude_from_auth"):
        return
    if connection.scope["method"] not in READ_METHODS and not connection.user.may_write:
        raise PermissionDeniedException(
            "Din roll får bara läsa, inte ändra (your role is read-only)"
        )


async def admins_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user.role != Role.admin:
        raise PermissionDeniedException("Endast administratörer (administrators only)")
