"""Signing in: bearer tokens and session cookies, roles, throttling and the users admin."""

from datetime import timedelta

import httpx
import pytest

from samverkan import clock
from samverkan.accounts import repository as accounts_repository
from samverkan.accounts.security import token_hash
from samverkan.accounts.tables import Session
from samverkan.audit import service as audit
from samverkan.settings import get_settings
from tests.factories import PASSWORD, Api, User, make_user, org_number, unique

WRONG_LOGIN = "Fel e-postadress eller lösenord (wrong e-mail or password)"


@pytest.fixture
async def browser(app):
    """A client of its own, so a session cookie it gets never reaches another test."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as own:
        yield own


def cookie_header(value: str) -> dict:
    return {"Cookie": f"{get_settings().session_cookie_name}={value}"}


async def login(browser, email: str, password: str = PASSWORD):
    return await browser.post("/api/auth/login", json={"email": email, "password": password})


async def signed_in(browser, email: str) -> str:
    response = await login(browser, email)
    assert response.status_code == 200, response.text
    return response.cookies[get_settings().session_cookie_name]


# --- bearer tokens and roles ----------------------------------------------------------------


async def test_without_credentials_the_api_answers_401(browser):
    response = await browser.get("/api/organizations")
    assert response.status_code == 401
    assert "Inloggning krävs" in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer " + "x" * 43, "Bearer", "Basic dXNlcjpwYXNz", "garbage", "Bearer ' OR 1=1 --"],
)
async def test_a_bad_token_answers_401(browser, authorization):
    response = await browser.get("/api/organizations", headers={"Authorization": authorization})
    assert response.status_code == 401


async def test_a_revoked_token_answers_401(client):
    api = Api(client, await make_user("coordinator"))
    assert (await api.get("/api/auth/me")).status_code == 200
    [token] = (await api.get("/api/auth/tokens")).json()
    response = await api.delete(f"/api/auth/tokens/{token['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["revoked_at"] is not None
    assert (await api.get("/api/auth/me")).status_code == 401


async def test_a_viewer_reads_but_may_not_write(viewer):
    assert (await viewer.get("/api/organizations")).status_code == 200
    name = unique("Läsare ")
    response = await viewer.post(
        "/api/organizations", json={"name": name, "kind": "agency", "org_number": org_number("2")}
    )
    assert response.status_code == 403
    assert "bara läsa" in response.json()["detail"]
    found = await viewer.get("/api/organizations", params={"q": name})
    assert found.json()["total"] == 0


# --- API tokens -------------------------------------------------------------------------------


async def test_a_new_token_works_and_is_shown_only_once(client):
    api = Api(client, await make_user("viewer"))
    response = await api.post("/api/auth/tokens", json={"name": "Skript", "expires_in_days": 30})
    assert response.status_code == 201, response.text
    created = response.json()
    second = Api(client, User(api.user.id, api.user.email, "viewer", created["token"]))
    assert (await second.get("/api/auth/me")).json()["email"] == api.user.email
    listed = (await api.get("/api/auth/tokens")).json()
    assert [t["name"] for t in listed] == ["test", "Skript"]
    assert all("token" not in t for t in listed)


async def test_revoking_twice_is_refused_and_audited_once(client):
    api = Api(client, await make_user("coordinator"))
    created = (await api.post("/api/auth/tokens", json={"name": unique("n")})).json()
    url = f"/api/auth/tokens/{created['id']}"
    first = await api.delete(url)
    assert first.status_code == 200, first.text
    second = await api.delete(url)
    assert second.status_code == 409
    assert "redan återkallad" in second.json()["detail"]
    tokens = {t["id"]: t for t in (await api.get("/api/auth/tokens")).json()}
    assert tokens[created["id"]]["revoked_at"] == first.json()["revoked_at"]
    events = await audit.entity_history("api_token", created["id"])
    assert [event.action for event in events] == ["create", "revoke"]


async def test_another_users_token_cannot_be_revoked(client):
    owner = Api(client, await make_user("viewer"))
    other = Api(client, await make_user("coordinator"))
    [token] = (await owner.get("/api/auth/tokens")).json()
    response = await other.delete(f"/api/auth/tokens/{token['id']}")
    assert response.status_code == 404
    assert (await owner.get("/api/auth/me")).status_code == 200
    assert [e.action for e in await audit.entity_history("api_token", token["id"])] == ["create"]


# --- sessions ---------------------------------------------------------------------------------


async def test_login_sets_a_strict_session_cookie_that_signs_in(browser):
    user = await make_user("viewer")
    response = await login(browser, user.email.upper())
    assert response.status_code == 200, response.text
    assert response.json()["email"] == user.email
    [set_cookie] = response.headers.get_list("set-cookie")
    name, _, rest = set_cookie.partition("=")
    assert name == get_settings().session_cookie_name
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in rest.split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"

    me = await browser.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == user.email and me.json()["role"] == "viewer"


async def test_logout_ends_the_session_on_the_server(browser):
    user = await make_user("coordinator")
    value = await signed_in(browser, user.email)
    browser.cookies.clear()
    assert (await browser.get("/api/auth/me", headers=cookie_header(value))).status_code == 200
    response = await browser.post("/api/auth/logout", headers=cookie_header(value))
    assert response.status_code == 200, response.text
    # The cookie is cleared in the browser, and the value is worthless if kept anyway.
    assert "max-age=0" in response.headers["set-cookie"].lower()
    replayed = await browser.get("/api/auth/me", headers=cookie_header(value))
    assert replayed.status_code == 401


async def test_wrong_password_and_unknown_address_get_the_same_answer(browser):
    user = await make_user("viewer")
    wrong_password = await login(browser, user.email, "fel lösenord helt enkelt")
    unknown = await login(browser, f"{unique('ingen-')}@example.se", PASSWORD)
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()
    assert wrong_password.json()["detail"] == WRONG_LOGIN
    assert "set-cookie" not in wrong_password.headers


async def test_repeated_failures_are_throttled_until_the_window_has_passed(browser, monkeypatch):
    settings = get_settings()
    user = await make_user("viewer")
    for _ in range(settings.login_max_failures):
        assert (await login(browser, user.email, "gissat lösenord")).status_code == 401
    # Now even the right password is refused for a while.
    throttled = await login(browser, user.email, PASSWORD)
    assert throttled.status_code == 429
    assert "För många misslyckade inloggningar" in throttled.json()["detail"]
    retry_after = int(throttled.headers["retry-after"])
    assert 0 < retry_after <= settings.login_failure_window_minutes * 60
    assert "set-cookie" not in throttled.headers
    # Another address is not affected.
    other = await make_user("viewer")
    assert (await login(browser, other.email)).status_code == 200

    later = clock.now() + timedelta(seconds=retry_after + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = await login(browser, user.email)
    assert response.status_code == 200, response.text
    # A success forgets the earlier failures: one more mistake is not yet throttled.
    assert (await login(browser, user.email, "gissat igen")).status_code == 401
    assert (await login(browser, user.email)).status_code == 200


async def test_an_idle_session_expires(browser):
    user = await make_user("viewer")
    value = await signed_in(browser, user.email)
    browser.cookies.clear()
    idle = timedelta(minutes=get_settings().session_idle_minutes)

    async def last_seen(ago: timedelta) -> None:
        await Session.update({Session.last_seen_at: clock.now() - ago}).where(
            Session.token_hash == token_hash(value)
        )

    await last_seen(idle - timedelta(minutes=2))
    assert (await browser.get("/api/auth/me", headers=cookie_header(value))).status_code == 200
    await last_seen(idle + timedelta(minutes=1))
    assert (await browser.get("/api/auth/me", headers=cookie_header(value))).status_code == 401
    # The expired session is gone, not merely refused.
    assert not await Session.exists().where(Session.token_hash == token_hash(value))


async def test_the_password_is_stored_as_an_argon2_hash(admin):
    email = f"{unique('hash-')}@example.se"
    password = "ett långt och hemligt lösenord"
    response = await admin.post(
        "/api/users", json={"email": email, "name": "Hashad", "password": password}
    )
    assert response.status_code == 201, response.text
    stored = (await accounts_repository.user_by_email(email))["password_hash"]
    assert stored.startswith("$argon2")
    assert password not in stored
    assert "password" not in response.json() and "password_hash" not in response.json()


# --- users ------------------------------------------------------------------------------------


async def test_only_admins_manage_users(coordinator, viewer, admin):
    assert (await coordinator.get("/api/users")).status_code == 403
    assert (await viewer.get("/api/users")).status_code == 403
    body = {"email": f"{unique('nekad-')}@example.se", "name": "Nekad", "password": PASSWORD}
    refused = await coordinator.post("/api/users", json=body)
    assert refused.status_code == 403
    assert "administratörer" in refused.json()["detail"]
    listed = await admin.get("/api/users")
    assert listed.status_code == 200
    emails = [user["email"] for user in listed.json()]
    assert coordinator.user.email in emails and body["email"] not in emails


async def test_an_admin_creates_a_user_who_can_sign_in(admin, browser):
    email = f"{unique('ny-')}@example.se"
    response = await admin.post(
        "/api/users",
        json={"email": email, "name": "Ny Användare", "role": "viewer", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "viewer" and response.json()["active"] is True
    signed = await login(browser, email)
    assert signed.status_code == 200 and signed.json()["role"] == "viewer"
    events = await audit.entity_history("user", response.json()["id"])
    assert [(e.action, e.actor) for e in events] == [("create", admin.user.email)]
    assert "password" not in str(events[0].after)


async def test_a_taken_email_is_a_conflict(admin):
    email = f"{unique('dubbel-')}@example.se"
    body = {"email": email, "name": "Första", "password": PASSWORD}
    assert (await admin.post("/api/users", json=body)).status_code == 201
    response = await admin.post("/api/users", json={**body, "email": email.upper(), "name": "Andra"})
    assert response.status_code == 409
    assert response.json()["extra"][0]["key"] == "email"
    assert "finns redan" in response.json()["detail"]


async def test_a_short_password_is_refused_naming_the_field(admin):
    email = f"{unique('kort-')}@example.se"
    response = await admin.post(
        "/api/users", json={"email": email, "name": "Kort", "password": "kort"}
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "password"
    assert await accounts_repository.user_by_email(email) is None
