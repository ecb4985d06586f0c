"""Who may open what in the workspace, route by route, enumerated from the app itself: a new
route fails this test until it is placed in one of the groups below.

- Without a session every page and form but signing in, the language switch and the secret
  calendar feed sends the visitor to sign in (303), and nothing is written.
- A viewer reads every page, and every form that would change something is the 403 page.
- Users are for admins: a coordinator gets the 403 page.
"""

import re

import pytest

from samverkan.audit.tables import AuditEvent
from tests.web.pages import Browser

pytestmark = pytest.mark.usefixtures("database")

# Reached without a session.
PUBLIC = {
    ("GET", "/workspace/login"), ("POST", "/workspace/login"), ("POST", "/workspace/logout"),
    ("GET", "/workspace/language/{lang:str}"), ("GET", "/workspace/calendar/feed/{name:str}"),
}
# A viewer's own session and calendar: not a change of anything shared.
VIEWER_MAY_POST = {"/workspace/logout", "/workspace/login", "/workspace/calendar",
                   "/workspace/calendar/revoke"}
ADMIN_ONLY = {"/workspace/users"}


def workspace_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in app.routes if route.path.startswith("/workspace")
        for method in route.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture
async def ids(coordinator) -> dict[str, str]:
    """A real row for every kind of id a workspace path names."""
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    follow_up = await coordinator.post(f"/api/agreements/{agreement['id']}/follow-ups", json={
        "date": "2026-12-15", "kind": "steering_group_meeting", "title": "Styrgrupp"})
    assert follow_up.status_code == 201, follow_up.text
    party = agreement["parties"][0]
    organization_id = party["organization"]["id"]
    organization = (await coordinator.get(f"/api/organizations/{organization_id}")).json()
    return {
        "agreement_id": str(agreement["id"]), "commitment_id": str(commitment["id"]),
        "follow_up_id": str(follow_up.json()["id"]), "party_id": str(party["id"]),
        "organization_id": str(organization_id),
        "contact_id": str(organization["contacts"][0]["id"]),
        # Rows that need not exist: the refusal comes before anything is looked up.
        "round_id": "2147483647", "message_id": "2147483647",
        "step": "parties", "lang": "en", "name": "no-such-feed.ics",
    }


def concrete(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in ids, f"{path}: the access test knows no value for {{{name}}}"
        return ids[name]

    return re.sub(r"\{(\w+):\w+\}", value, path)


async def audit_count() -> int:
    return await AuditEvent.count()


async def test_every_route_is_in_a_known_group(app):
    known_prefixes = ("/workspace/agreements", "/workspace/register", "/workspace/organizations",
                      "/workspace/contacts", "/workspace/calendar", "/workspace/users",
                      "/workspace/outbox", "/workspace/login", "/workspace/logout",
                      "/workspace/language")
    for method, path in workspace_routes(app):
        assert path == "/workspace" or path.startswith(known_prefixes), (method, path)


async def test_without_a_session_everything_but_sign_in_sends_to_sign_in(app, ids):
    visitor = Browser(app, first_page="/workspace/login")
    before = await audit_count()
    for method, path in workspace_routes(app):
        if (method, path) in PUBLIC:
            continue
        url = concrete(path, ids)
        if method == "GET":
            response = await visitor.get(url)
        else:
            response = await visitor.post(url, {"title": "Inbrott", "status": "active"})
        assert response.status_code == 303, (method, url, response.status_code)
        assert response.headers["location"].startswith("/workspace/login"), (method, url)
    assert await audit_count() == before


async def test_a_viewer_reads_and_cannot_change_anything(app, ids, as_viewer):
    before = await audit_count()
    for method, path in workspace_routes(app):
        if (method, path) in PUBLIC or path in ADMIN_ONLY:
            continue
        url = concrete(path, ids)
        if method == "GET":
            response = await as_viewer.get(url)
            # Pages that exist answer; a registration step of a draft the viewer cannot
            # continue, or a feed name that names nothing, are refusals, never errors.
            assert response.status_code in (200, 303, 403, 404), (url, response.status_code)
            assert response.status_code != 500
        elif path not in VIEWER_MAY_POST:
            response = await as_viewer.post(url, {"title": "Inbrott", "status": "active",
                                                  "comment": "x"})
            assert response.status_code == 403, (method, url, response.status_code)
            assert "Du saknar behörighet" in response.text, (method, url)
    assert await audit_count() == before


async def test_users_are_for_admins_only(app, as_coordinator, as_admin):
    assert (await as_coordinator.get("/workspace/users")).status_code == 403
    refused = await as_coordinator.post("/workspace/users", {"email": "x@example.se"})
    assert refused.status_code == 403
    assert (await as_admin.get("/workspace/users")).status_code == 200
    assert 'href="/workspace/users"' not in (await as_coordinator.get("/workspace/")).text
    assert 'href="/workspace/users"' in (await as_admin.get("/workspace/")).text
