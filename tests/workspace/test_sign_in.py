"""Signing in to the workspace and out again, and what a visitor without a session gets."""

import pytest

from tests.factories import PASSWORD
from tests.web.pages import Browser

pytestmark = pytest.mark.usefixtures("database")


async def test_a_page_without_session_sends_to_sign_in_and_back(app, coordinator):
    browser = Browser(app, first_page="/workspace/login")
    away = await browser.get("/workspace/agreements?q=Luleå")
    assert away.status_code == 303
    # The page's address, query and all, travels as one value of next=.
    assert away.headers["location"] == (
        "/workspace/login?next=/workspace/agreements%3Fq%3DLule%25C3%25A5")
    form = await browser.get(away.headers["location"])
    assert 'name="next" value="/workspace/agreements?q=Lule%C3%A5"' in form.text
    signed_in = await browser.post("/workspace/login", {
        "email": coordinator.user.email, "password": PASSWORD,
        "next": "/workspace/agreements?q=Lule%C3%A5"})
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/workspace/agreements?q=Lule%C3%A5"
    assert "Luleå" in (await browser.get(signed_in.headers["location"])).text
    await browser.close()


async def test_a_wrong_password_is_said_in_swedish_and_keeps_the_address(app, coordinator):
    browser = Browser(app, first_page="/workspace/login")
    refused = await browser.post("/workspace/login",
                                 {"email": coordinator.user.email, "password": "fel"})
    assert refused.status_code == 400
    assert "Fel e-postadress eller lösenord." in refused.text
    assert f'value="{coordinator.user.email}"' in refused.text
    empty = await browser.post("/workspace/login", {"email": "", "password": ""})
    assert empty.status_code == 400
    assert "Skriv ditt lösenord." in empty.text
    await browser.close()


async def test_an_open_redirect_is_not_followed(app, coordinator):
    browser = Browser(app, first_page="/workspace/login")
    signed_in = await browser.post("/workspace/login", {
        "email": coordinator.user.email, "password": PASSWORD, "next": "//evil.example/"})
    assert signed_in.headers["location"] == "/workspace/"
    await browser.close()


async def test_logging_out_ends_the_session_on_the_server(as_coordinator):
    token = as_coordinator.client.cookies["samverkan_session"]
    out = await as_coordinator.post("/workspace/logout")
    assert out.status_code == 303
    assert out.headers["location"] == "/workspace/login?done=logged_out"
    assert "Du är utloggad." in (await as_coordinator.get(out.headers["location"])).text
    as_coordinator.client.cookies.set("samverkan_session", token)
    assert (await as_coordinator.get("/workspace/agreements")).status_code == 303


async def test_the_start_page_sends_to_plain_sign_in(app):
    browser = Browser(app, first_page="/workspace/login")
    for start in ("/workspace", "/workspace/"):
        away = await browser.get(start)
        assert away.status_code == 303
        assert away.headers["location"] == "/workspace/login"
    await browser.close()
