"""The Today page and the agreements list in Chromium: a coordinator signs in, sees what
needs them, finds agreements by text, sorts the list, and neither page has a serious or
critical accessibility violation at a desktop's or a phone's width, nor a console error."""

from datetime import timedelta

import pytest

from samverkan import clock
from tests.browser.portal import no_console_errors
from tests.browser.workspace import sign_in_staff
from tests.factories import unique

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def followed(own_coordinator) -> dict:
    """Three agreements with one word in common; one of them live with a proposed, an
    overdue and a soon-due commitment and a meeting, so that Today has lines to show."""
    api = own_coordinator
    word = unique("Trygghet")
    made = [await api.agreement(title=f"{word} {name}") for name in ("Cesar", "Adam", "Bertil")]
    live = made[0]
    assert (await api.move(live, "in_preparation")).status_code == 200
    today = clock.today()
    await api.commitment(live, 1, title="Trygghetsvandring i centrum",
                         due_date=(today + timedelta(days=5)).isoformat())
    await api.commitment(live, 0, title="Belysning i parken",
                         due_date=(today - timedelta(days=3)).isoformat())
    meeting = await api.post(f"/api/agreements/{live['id']}/follow-ups", json={
        "date": (today + timedelta(days=12)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgruppsmöte", "start_time": "09:00", "location": "Polishuset"})
    assert meeting.status_code == 201, meeting.text
    return {"word": word, "agreements": made}


async def accessible(page, axe) -> None:
    for width in (DESKTOP, PHONE):
        await page.set_viewport_size(width)
        violations = await axe(page)
        assert violations == [], f"{page.url} at {width['width']} px:\n" + "\n".join(violations)


async def test_today_shows_what_needs_the_coordinator(page, axe, console_errors,
                                                     own_coordinator, followed):
    await sign_in_staff(page, own_coordinator.user, "/workspace/")
    assert await page.locator("h1").inner_text() == "Idag"
    awaiting = page.get_by_role("region", name="Väntar på bekräftelse")
    await awaiting.get_by_role("link", name="Trygghetsvandring i centrum").first.wait_for()
    overdue = page.get_by_role("region", name="Försenade åtaganden")
    await overdue.get_by_role("link", name="Belysning i parken").first.wait_for()
    meetings = page.get_by_role("region", name="Uppföljningar de närmaste 30 dagarna")
    assert "kl. 09:00" in await meetings.inner_text()
    await accessible(page, axe)

    await page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Överenskommelser").click()
    await page.wait_for_url("**/workspace/agreements")
    no_console_errors(console_errors)


async def test_the_list_is_found_by_text_sorted_and_accessible(page, axe, console_errors,
                                                              own_coordinator, followed):
    word = followed["word"]
    await sign_in_staff(page, own_coordinator.user, "/workspace/agreements")
    await accessible(page, axe)

    await page.get_by_label("Sök").fill(word)
    await page.get_by_role("button", name="Visa").click()
    await page.get_by_role("heading", name="3 överenskommelser").wait_for()
    rows = page.locator("table tbody th a")
    assert await rows.count() == 3

    await page.get_by_role("link", name="Sortera på Titel").click()
    await page.locator('th[aria-sort="ascending"]').wait_for()
    assert await rows.all_inner_texts() == [f"{word} Adam", f"{word} Bertil", f"{word} Cesar"]
    await page.get_by_role("link", name="Sortera på Titel").click()
    await page.locator('th[aria-sort="descending"]').wait_for()
    assert await rows.all_inner_texts() == [f"{word} Cesar", f"{word} Bertil", f"{word} Adam"]
    assert await page.get_by_label("Sök").input_value() == word
    await accessible(page, axe)

    async with page.expect_download() as download:
        await page.get_by_role("link", name="Ladda ner som CSV (för Excel)").click()
    saved = await download.value
    assert saved.suggested_filename.startswith("samverkansoverenskommelser-")
    text = (await saved.path()).read_text(encoding="utf-8-sig")
    assert text.count(word) == 3

    await rows.first.click()
    await page.wait_for_url(f"**/workspace/agreements/{followed['agreements'][0]['id']}")
    no_console_errors([e for e in console_errors if "/workspace/agreements/" not in e])


async def test_a_bad_filter_is_explained_accessibly(page, axe, console_errors,
                                                   own_coordinator):
    await sign_in_staff(page, own_coordinator.user, "/workspace/agreements")
    response = await page.goto("/workspace/agreements?ending_before=31%2F12")
    assert response.status == 400
    await page.get_by_role("alert").get_by_role(
        "link", name="Skriv datumet som ÅÅÅÅ-MM-DD").wait_for()
    await accessible(page, axe)
    said = [e for e in console_errors if "status of 400" not in e]
    no_console_errors(said)
