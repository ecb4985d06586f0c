"""A browser without JavaScript for the pages' tests: its own cookies and client address,
forms posted with the CSRF token as a browser sends them."""

import re

import httpx
import pytest

from samverkan.web.security import CSRF_COOKIE
from tests.portal.links import client_address

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Browser:
    """One person's browser: its own cookies, its own client address (rate limits)."""

    def __init__(self, app, first_page: str = "/portal/login") -> None:
        # A page that sets the CSRF cookie, opened when a form is posted before any page.
        self.first_page = first_page
        transport = httpx.ASGITransport(app=app, client=(client_address(), 50000))
        # The portal's cookies are Secure outside development: the browser must use https.
        self.client = httpx.AsyncClient(transport=transport, base_url="https://testserver")

    async def get(self, url: str, **kwargs) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def form_token(self, url: str) -> str:
        """The CSRF token of the first form on the page at url."""
        page = await self.get(url)
        assert page.status_code == 200, page.text
        return CSRF_FIELD.search(page.text).group(1)

    async def post(self, url: str, data: dict | None = None, *, token: str | None = None,
                   csrf: bool = True) -> httpx.Response:
        data = dict(data or {})
        if csrf:
            if token is None:
                if CSRF_COOKIE not in self.client.cookies:
                    await self.get(self.first_page)
                token = self.client.cookies[CSRF_COOKIE]
            data["_csrf_token"] = token
        return await self.client.post(url, data=data)

    async def close(self) -> None:
        await self.client.aclose()


@pytest.fixture
async def browsers(app):
    opened = []

    def open_browser() -> Browser:
        opened.append(Browser(app))
        return opened[-1]

    yield open_browser
    for browser in opened:
        await browser.close()


async def signed_in_staff(app, user) -> Browser:
    """A browser signed in to the workspace as a test user (tests.factories.User), through
    the sign-in form as a person would."""
    from tests.factories import PASSWORD

    browser = Browser(app, first_page="/workspace/login")
    response = await browser.post("/workspace/login",
                                  {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return browser
