"""Routes every area of pages includes: the language switch (a plain link, works without JS)."""

from typing import Annotated

from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect

from samverkan.settings import get_settings
from samverkan.web.areas import area_of
from samverkan.web.i18n import LANGUAGE_COOKIE, LANGUAGES

ONE_YEAR = 365 * 24 * 3600


def local_path(target: str | None, fallback: str) -> str:
    """Only a path on this site (no scheme, no host, no //host): never an open redirect."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return fallback
    return target


@get("/language/{lang:str}", include_in_schema=False, sync_to_thread=False)
def switch_language(
    request: Request,
    lang: Annotated[str, PathParameter()],
    next_path: Annotated[str | None, QueryParameter(name="next", required=False)] = None,
) -> Redirect:
    """Remember the chosen language in a cookie (it outranks the profile's preference) and
    go back to the page the switch was on."""
    if lang not in LANGUAGES:
        raise NotFoundException()
    area = area_of(request.url.path)
    home = area.home if area else "/"
    cookie = Cookie(key=LANGUAGE_COOKIE, value=lang, path="/", max_age=ONE_YEAR,
                    httponly=True, samesite="lax", secure=get_settings().portal_cookies_secure)
    return Redirect(local_path(next_path, home), status_code=303, cookies=[cookie])
