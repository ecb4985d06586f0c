"""The lägesbild in the partner portal, in headless Chromium against the running service: a
partner signs in, finds the open round on its start page, fills in values (with a decimal
comma and per place) and an observation, submits; the coordinator's API shows the input
submitted with those values; the joint picture shows the value and the trend chart. axe-core
finds no serious or critical violation on either page, nor on the form with its errors."""

from datetime import timedelta

from samverkan import clock
from samverkan.agreements.tables import Cadence
from samverkan.situation.periods import period_of
from tests.browser.portal import no_console_errors, only_refused, partnership, sign_in

PHONE = {"width": 390, "height": 844}
OBSERVATION = "Nytt klotter vid resecentrum; belysningen i gångtunneln är trasig."


async def indicators(coordinator) -> dict[str, dict]:
    response = await coordinator.get("/api/indicators")
    assert response.status_code == 200, response.text
    return {i["code"]: i for i in response.json()}


async def open_round(coordinator, agreement: dict, period: str, deadline: str,
                     requests: list[dict]) -> dict:
    response = await coordinator.post(f"/api/agreements/{agreement['id']}/rounds", json={
        "period": period, "deadline": deadline, "requests": requests})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_partner_submits_its_input_and_sees_the_joint_picture(
    page, live_coordinator, mailbox, axe, console_errors
):
    coordinator = live_coordinator
    world = await partnership(coordinator)
    agreement = world.agreement
    ours, theirs = agreement["parties"][0]["id"], agreement["parties"][1]["id"]
    codes = await indicators(coordinator)
    damage, index = codes["anmald_skadegorelse"], codes["trygghetsindex"]
    goal = await coordinator.post(f"/api/agreements/{agreement['id']}/goals", json={
        "title": "Minskad skadegörelse i centrum", "indicator_id": damage["id"],
        "baseline": 140, "target": 90})
    assert goal.status_code == 201, goal.text
    requests = [{"party_id": ours, "indicator_ids": [damage["id"], index["id"]]},
                {"party_id": theirs, "indicator_ids": [damage["id"]]}]
    # The previous quarter, submitted through the API, so that the chart has a line.
    current = period_of(Cadence.quarterly, clock.today())
    earlier = await open_round(coordinator, agreement, current.previous().code,
                               current.start.isoformat(), requests)
    url = f"/api/rounds/{earlier['id']}/inputs/{ours}"
    saved = await coordinator.put(url, json={"values": [
        {"indicator_id": damage["id"], "value": 131}]})
    assert saved.status_code == 200, saved.text
    assert (await coordinator.post(f"{url}/submit")).status_code == 200
    deadline = clock.today() + timedelta(days=14)
    round_ = await open_round(coordinator, agreement, current.code, deadline.isoformat(),
                              requests)

    # --- the partner signs in and finds the round on its start page ---------------------------
    await sign_in(page, mailbox, coordinator, agreement, world.contact1)
    await page.get_by_role("link", name="Mina överenskommelser").first.click()
    await page.wait_for_url("**/portal/")
    title = f"Underlag till lägesbilden {current.code}"
    await page.get_by_role("link", name=title).click()
    await page.wait_for_url(f"**/portal/rounds/{round_['id']}")
    assert await page.locator("h1").inner_text() == title
    main = await page.locator("main").inner_text()
    assert "Anmäld skadegörelse (st)" in main and "Trygghetsindex (index)" in main
    assert "Visas bara för samordnarna och er själva" in main
    assert await axe(page) == []
    no_console_errors(console_errors)

    # --- a value that is no number is explained next to its field -----------------------------
    def field(label: str):
        return page.get_by_label(label, exact=True)

    await field("Värde för hela området (Anmäld skadegörelse)").fill("118,5")
    await field("Plats 1 (Anmäld skadegörelse)").fill("Centrum")
    await field("Värde för plats 1 (Anmäld skadegörelse)").fill("41")
    await field("Värde för hela området (Trygghetsindex)").fill("sex")
    await page.get_by_label("Era iakttagelser under perioden").fill(OBSERVATION)
    await page.get_by_role("button", name="Skicka in").click()
    error = page.locator(f"#value-{index['id']}-error")
    await error.wait_for()
    assert "Skriv värdet för Trygghetsindex som ett tal" in await error.inner_text()
    index_field = field("Värde för hela området (Trygghetsindex)")
    assert await index_field.get_attribute("aria-invalid") == "true"
    # What was typed is still there.
    assert await field("Värde för hela området (Anmäld skadegörelse)").input_value() == "118,5"
    assert await page.get_by_label("Era iakttagelser under perioden").input_value() == OBSERVATION
    assert await axe(page) == []
    only_refused(console_errors, 400)

    # --- corrected and submitted ----------------------------------------------------------------
    await index_field.fill("6,5")
    await page.get_by_role("button", name="Skicka in").click()
    await page.get_by_role("status").filter(has_text="Underlaget är inskickat.").wait_for()
    assert await page.locator("form[action^='/portal/rounds/']").count() == 0
    shown = await page.get_by_role("region", name="Era värden").inner_text()
    assert "118,5" in shown and "Centrum" in shown and "6,5" in shown
    no_console_errors(console_errors)

    # --- the coordinator sees it through the API ------------------------------------------------
    response = await coordinator.get(f"/api/rounds/{round_['id']}/inputs")
    assert response.status_code == 200, response.text
    [submitted] = [i for i in response.json() if i["party_id"] == ours]
    assert submitted["status"] == "submitted"
    assert submitted["submitted_by"] == world.contact1["email"]
    assert submitted["observations"] == OBSERVATION
    assert {(v["indicator_id"], v["place"], v["value"]) for v in submitted["values"]} == {
        (damage["id"], "", 118.5), (damage["id"], "Centrum", 41), (index["id"], "", 6.5)}

    # --- the joint picture ----------------------------------------------------------------------
    await page.get_by_role("link", name="Visa den gemensamma lägesbilden").click()
    await page.wait_for_url(f"**/portal/agreements/{agreement['id']}/situation?round=*")
    assert await page.locator("h1").inner_text() == f"Lägesbild {current.code}"
    section = page.get_by_role("region", name="Anmäld skadegörelse (st)").first
    row = section.get_by_role("row").filter(has_text=world.partner1["name"]).filter(
        has_text="Hela området")
    cells = await row.inner_text()
    assert "118,5" in cells and "131" in cells  # this quarter and the one before
    chart = page.locator("figure.chart svg[role='img']")
    assert await chart.count() == 2
    caption = await page.locator("figure.chart figcaption").first.inner_text()
    assert "från 131 (" in caption and "till 118,5 (" in caption
    assert OBSERVATION in await page.locator("main").inner_text()
    missing = await page.locator("main").inner_text()
    assert f"{world.partner2['name']} har inte skickat in sitt underlag" in missing
    assert await axe(page) == []
    no_console_errors(console_errors)

    # At a phone's width nothing is wider than the screen: the chart shrinks to fit.
    await page.set_viewport_size(PHONE)
    await page.reload()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = await chart.first.bounding_box()
    assert box["width"] <= PHONE["width"]
    assert await axe(page) == []
    no_console_errors(console_errors)
