"""An agreement's page in the workspace, in Chromium: a coordinator signs in, opens an
agreement with parties, commitments and a lägesbild round, finds no serious or critical
accessibility violation on the page, its edit form, its joint picture and its other forms
– at a desktop's and a phone's width – and changes the title through the form."""

from datetime import timedelta

import pytest

from samverkan import clock
from tests.browser.portal import no_console_errors, only_refused
from tests.browser.workspace import sign_in_staff
from tests.factories import unique

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def agreement(live_coordinator) -> dict:
    """An agreement in preparation with two parties, a confirmed and an overdue commitment,
    a follow-up, and a round with one submitted and one accepted input."""
    api = live_coordinator
    made = await api.agreement(title=unique("Trygg stadskärna "))
    assert (await api.move(made, "in_preparation")).status_code == 200
    today = clock.today()
    first, second = (p["id"] for p in made["parties"])
    confirmed = await api.commitment(made, 0, title="Trygghetsvandringar varje månad",
                                     due_date=(today + timedelta(20)).isoformat())
    moved = await api.post(f"/api/commitments/{confirmed['id']}/status",
                           json={"status": "confirmed", "comment": "Bekräftat på mötet"},
                           headers={"If-Match": f'"{confirmed["version"]}"'})
    assert moved.status_code == 200, moved.text
    await api.commitment(made, 1, title="Bättre belysning i parken",
                         due_date=(today - timedelta(5)).isoformat())
    meeting = await api.post(f"/api/agreements/{made['id']}/follow-ups", json={
        "date": (today + timedelta(30)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgruppsmöte", "location": "Stadshuset"})
    assert meeting.status_code == 201, meeting.text
    indicator = (await api.indicators())["anmalda_brott"]
    round_ = await api.round(made, "2026-Q3", "2026-10-15", [
        {"party_id": first, "indicator_ids": [indicator["id"]]},
        {"party_id": second, "indicator_ids": [indicator["id"]]}])
    await api.submit_input(round_, first, [{"indicator_id": indicator["id"], "value": 42}],
                           observations="Oro kring torget på kvällarna")
    await api.submit_input(round_, second, [{"indicator_id": indicator["id"], "value": 17}],
                           internal=True)
    accepted = await api.post(f"/api/rounds/{round_['id']}/inputs/{first}/accept")
    assert accepted.status_code == 200, accepted.text
    return made


async def checked(page, axe, width: dict) -> None:
    await page.set_viewport_size(width)
    violations = await axe(page)
    assert violations == [], f"{page.url} at {width['width']} px:\n" + "\n".join(violations)


async def test_the_agreement_pages_are_accessible_and_the_title_can_be_edited(
        page, axe, console_errors, live_coordinator, agreement):
    url = f"/workspace/agreements/{agreement['id']}"
    await sign_in_staff(page, live_coordinator.user, url)
    assert await page.locator("h1").inner_text() == agreement["title"]
    assert await page.locator('tr[id^="commitment-"]').count() == 2
    await page.get_by_text("Trygghetsvandringar varje månad").first.wait_for()
    await page.get_by_text("5 dagar försenat").wait_for()
    for width in (DESKTOP, PHONE):
        await checked(page, axe, width)
    no_console_errors(console_errors)

    await page.set_viewport_size(DESKTOP)
    await page.get_by_role("link", name="Visa den gemensamma lägesbilden").click()
    await page.locator("h1", has_text="Lägesbild 2026-Q3").wait_for()
    await page.get_by_text("Oro kring torget på kvällarna").wait_for()
    for width in (DESKTOP, PHONE):
        await checked(page, axe, width)

    # The forms with pages of their own.
    await page.set_viewport_size(DESKTOP)
    await page.goto(url)
    await page.get_by_role("link", name="Trygghetsvandringar varje månad").first.click()
    await page.locator("h1", has_text="Trygghetsvandringar varje månad").wait_for()
    for width in (DESKTOP, PHONE):
        await checked(page, axe, width)
    for path, heading in (("/follow-ups/new", "Nytt uppföljningstillfälle"),
                          ("/rounds/new", "Öppna en ny omgång")):
        await page.goto(url + path)
        await page.locator("h1", has_text=heading).wait_for()
        await checked(page, axe, DESKTOP)
    no_console_errors(console_errors)

    await page.set_viewport_size(DESKTOP)
    await page.goto(url)
    await page.get_by_role("link", name="Ändra uppgifterna").click()
    await page.locator("h1", has_text="Ändra överenskommelsen").wait_for()
    for width in (DESKTOP, PHONE):
        await checked(page, axe, width)

    # The form with an error, as a person who emptied the title sees it.
    await page.get_by_label("Rubrik").fill("")
    await page.get_by_role("button", name="Spara").click()
    await page.get_by_role("alert").filter(has_text="Skriv en rubrik.").wait_for()
    await checked(page, axe, PHONE)
    only_refused(console_errors, 400)

    title = unique("Trygg och levande stadskärna ")
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_role("button", name="Spara").click()
    await page.get_by_role("status").filter(has_text="Överenskommelsen är sparad.").wait_for()
    assert await page.locator("h1").inner_text() == title
    assert (await live_coordinator.fresh(agreement))["title"] == title
    history = page.locator("#history ~ div table").first
    assert "rubrik" in await history.inner_text()
    no_console_errors(console_errors)
