"""The users page: admins see every account and make new ones with the API's rules (a
taken address is said next to the field); nobody else sees the page or its link."""

import pytest

from samverkan.accounts import service as accounts
from tests.factories import PASSWORD, unique
from tests.web.pages import Browser

pytestmark = pytest.mark.usefixtures("database")


def user_form(email: str, **values) -> dict:
    return {"name": "Vera Viewer", "email": email, "role": "viewer",
            "password": "ett långt och bra lösenord", **values}


async def test_admins_see_every_account(as_admin, admin, coordinator):
    page = await as_admin.get("/workspace/users")

    assert page.status_code == 200
    assert admin.user.email in page.text and coordinator.user.email in page.text
    assert "Samordnare" in page.text and "Administratör" in page.text
    assert 'href="/workspace/users" aria-current="page"' in page.text


async def test_an_admin_makes_an_account_that_can_sign_in(app, as_admin):
    email = f"{unique('ny-')}@example.se"

    created = await as_admin.post("/workspace/users", user_form(email.upper()))

    assert created.status_code == 303
    assert created.headers["location"] == "/workspace/users?done=dr_user_created"
    page = await as_admin.get(created.headers["location"])
    assert "Kontot är skapat." in page.text and email in page.text
    stored = await accounts.user_by_email(email)
    assert (stored.name, stored.role.value, stored.active) == ("Vera Viewer", "viewer", True)
    browser = Browser(app, first_page="/workspace/login")
    signed_in = await browser.post("/workspace/login", {"email": email,
                                                        "password": "ett långt och bra lösenord"})
    assert signed_in.status_code == 303
    await browser.close()


async def test_a_taken_address_is_said_next_to_the_field(as_admin, coordinator):
    refused = await as_admin.post("/workspace/users",
                                  user_form(coordinator.user.email, name="Dubbel Dubbelsson"))

    assert refused.status_code == 409
    assert f"Det finns redan ett konto med adressen {coordinator.user.email}." in refused.text
    assert 'id="user-email-error"' in refused.text
    assert 'value="Dubbel Dubbelsson"' in refused.text
    assert "ett långt och bra lösenord" not in refused.text  # typed again, never sent back


async def test_the_apis_password_and_address_rules_hold(as_admin):
    email = f"{unique('kort-')}@example.se"
    short = await as_admin.post("/workspace/users", user_form(email, password="kort"))
    assert short.status_code == 400
    assert "Lösenordet ska ha minst 12 tecken." in short.text
    assert f'value="{email}"' in short.text

    bad = await as_admin.post("/workspace/users", user_form("inte-en-adress"))
    assert bad.status_code == 400
    assert "Skriv en giltig e-postadress" in bad.text
    no_role = await as_admin.post("/workspace/users", user_form(email, role="superuser"))
    assert no_role.status_code == 400 and "Välj en roll." in no_role.text
    assert await accounts.user_by_email(email) is None


async def test_only_admins_have_the_page(as_coordinator, as_viewer):
    for browser in (as_coordinator, as_viewer):
        assert (await browser.get("/workspace/users")).status_code == 403
        email = f"{unique('nej-')}@example.se"
        assert (await browser.post("/workspace/users", user_form(email))).status_code == 403
        assert await accounts.user_by_email(email) is None
        page = await browser.get("/workspace/organizations")
        assert 'href="/workspace/users"' not in page.text


async def test_the_password_is_never_shown(as_admin):
    page = await as_admin.get("/workspace/users")
    assert 'type="password"' in page.text
    assert PASSWORD not in page.text
