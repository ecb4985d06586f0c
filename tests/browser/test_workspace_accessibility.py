"""Every workspace page, enumerated from the app's routes (a new page fails this test until
it has a place here), as Chromium renders it: axe-core finds no serious or critical WCAG 2.1
AA violation at a desktop's and a phone's width, and the pages log no errors.

Downloads (CSV, XLSX, PDF, the calendar feed), the language switch and the org number
check's fragment are not pages; the pages of the other modules' own browser tests check
them with their forms' errors showing too."""

import re
from datetime import timedelta

import pytest

from samverkan import clock
from tests.browser.portal import new_person, no_console_errors
from tests.browser.workspace import sign_in_staff
from tests.factories import make_user, unique

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NOT_PAGES = re.compile(r"(\.csv|\.xlsx|\.pdf|/feed/\{name:str\}|/language/\{lang:str\}|"
                       r"/check-org)$")


def pages(app) -> list[str]:
    return sorted(route.path for route in app.routes
                  if route.path.startswith("/workspace") and "GET" in route.methods
                  and not NOT_PAGES.search(route.path))


@pytest.fixture(scope="module")
async def world(live_coordinator) -> dict:
    """One agreement in preparation with commitments, a meeting and a lägesbild round, and a
    draft, so every kind of page has content."""
    api = live_coordinator
    today = clock.today()
    made = await api.agreement(title=unique("Trygg skolväg "))
    assert (await api.move(made, "in_preparation")).status_code == 200
    commitment = await api.commitment(made, 0, title="Skolvärdar vid övergångsställen",
                                      due_date=(today + timedelta(10)).isoformat())
    meeting = await api.post(f"/api/agreements/{made['id']}/follow-ups", json={
        "date": (today + timedelta(20)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgrupp", "location": "Stadshuset"})
    assert meeting.status_code == 201, meeting.text
    indicator = (await api.indicators())["anmalda_brott"]
    parties = [p["id"] for p in made["parties"]]
    round_ = await api.round(made, "2026-Q3", (today + timedelta(14)).isoformat(), [
        {"party_id": party, "indicator_ids": [indicator["id"]]} for party in parties])
    await api.submit_input(round_, parties[0], [{"indicator_id": indicator["id"], "value": 7}])
    draft = await api.agreement(title=unique("Utkast "))
    organization = made["parties"][0]["organization"]["id"]
    contact = (await api.get(f"/api/organizations/{organization}")).json()["contacts"][0]
    return {
        "agreement_id": made["id"], "commitment_id": commitment["id"],
        "follow_up_id": meeting.json()["id"], "round_id": round_["id"],
        "organization_id": organization, "contact_id": contact["id"],
        "draft_id": draft["id"], "party_id": parties[0],
    }


def url_of(path: str, world: dict) -> str:
    if "/register/{step:str}" in path:
        return None  # every step: see below
    if path.endswith("/register"):
        path = path.replace("{agreement_id:int}", str(world["draft_id"]))
    for name, value in world.items():
        path = path.replace(f"{{{name}:int}}", str(value))
    assert "{" not in path, f"{path}: the accessibility test knows no value for it"
    if path.endswith("/commitments/new"):
        path += f"?party={world['party_id']}"  # a commitment is added to one party
    return path


async def test_every_workspace_page_passes_axe(page, axe, console_errors, app, world,
                                               live_coordinator, browser, live_server):
    urls = [url for url in (url_of(p, world) for p in pages(app)) if url]
    steps = ["basics", "parties", "content", "commitments", "follow-up", "signatories", "review"]
    urls += [f"/workspace/agreements/{world['draft_id']}/register/{s}" for s in steps]
    admin_only = [url for url in urls if url.startswith("/workspace/users")]
    await sign_in_staff(page, live_coordinator.user)
    for url in urls:
        if url in admin_only:
            continue
        for size in (DESKTOP, PHONE):
            await page.set_viewport_size(size)
            response = await page.goto(url)
            assert response.status == 200, url
            violations = await axe(page)
            assert violations == [], f"{url} at {size['width']} px:\n" + "\n".join(violations)
    no_console_errors(console_errors)

    context, admin_page, errors = await new_person(browser, live_server)
    await sign_in_staff(admin_page, await make_user("admin"))
    for url in admin_only:
        for size in (DESKTOP, PHONE):
            await admin_page.set_viewport_size(size)
            assert (await admin_page.goto(url)).status == 200, url
            assert await axe(admin_page) == [], f"{url} at {size['width']} px"
    no_console_errors(errors)
    await context.close()
