"""Registering an agreement with three parties end to end in headless Chromium: one
organisation picked from the registry, two added on the spot (one after an invalid org number
and the live check's answer), the page reloaded half-way and the registration continued;
every step's page passes axe at a desktop's and a phone's width, nothing is logged as an
error, and the API then holds what was registered."""

import re

from tests.browser.portal import no_console_errors
from tests.browser.workspace import sign_in_staff
from tests.browser.workspace_flows import (
    LATER,
    NewParty,
    add_commitment,
    add_follow_up,
    add_new_party,
    add_registered_party,
    axe_at_both_widths,
    draft_id,
    fill_content,
    fill_signatory,
    go_on,
    register_agreement,
    start_registration,
    type_org_number,
)
from tests.factories import org_number, unique, with_wrong_check_digit


async def api_agreement(api, agreement_id: int) -> dict:
    response = await api.get(f"/api/agreements/{agreement_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_register_an_agreement_with_three_parties_reloading_half_way(
        page, live_coordinator, axe, console_errors):
    coordinator = live_coordinator
    police = await coordinator.organization(kind="police",
                                            name=unique("Lokalpolisområde Luleå "))
    kommun = NewParty(name=unique("Luleå kommun "), kind="Kommun", number=org_number("2"),
                      contact_name="Karin Ek", municipality="Luleå kommun")
    housing = NewParty(name=unique("Lulebo AB "), kind="Näringsliv", number=org_number("5"),
                       contact_name="Per Lund")
    title = unique("Trygg i Luleå ")

    await sign_in_staff(page, coordinator.user, "/workspace/register")
    assert await page.locator("h1").inner_text() == "Grunduppgifter"
    await axe_at_both_widths(page, axe)

    # --- 1 basics -----------------------------------------------------------------------
    agreement_id = await start_registration(page, title,
                                            municipalities=("Luleå kommun", "Bodens kommun"))
    assert await page.get_by_role("status").inner_text() == (
        "Utkastet är sparat. Lägg nu till parterna.")
    assert await page.locator('[aria-current="step"]').inner_text() == "Parter"
    await axe_at_both_widths(page, axe)

    # --- 2 parties --------------------------------------------------------------------
    await add_registered_party(page, police["name"])
    wrong = with_wrong_check_digit(kommun.number)
    answer = await type_org_number(page, wrong, "kontrollsiffran stämmer inte")
    assert "Organisationsnumret är ogiltigt" in answer
    await axe_at_both_widths(page, axe)  # with the live check's answer shown
    await add_new_party(page, kommun)
    # A number already in the registry: its name, and a button to add that one instead.
    known = await type_org_number(page, police["org_number"], "finns redan i registret")
    assert police["name"] in known
    assert await page.locator("#new-org-number-check").get_by_text(
        f"{police['name']} är redan part i överenskommelsen.").count() == 1
    await add_new_party(page, housing)
    parties = page.get_by_role("group")
    for name in (police["name"], kommun.name, housing.name):
        assert await parties.filter(has_text=name).count() >= 1
    await page.get_by_role("group", name=re.compile(re.escape(housing.name))).get_by_label(
        "Roll i överenskommelsen").fill("Bostadsbolag")
    await axe_at_both_widths(page, axe)
    await go_on(page, "content")

    # --- 3 content ----------------------------------------------------------------------
    await axe_at_both_widths(page, axe)
    indicator = next(iter((await coordinator.indicators()).values()))
    await fill_content(page, purpose="Ett tryggare Luleå för alla.",
                       focus_area="Trygg stadskärna", goal="Färre som känner sig otrygga",
                       indicator=indicator["name_sv"], baseline="12,5", target="8")
    await axe_at_both_widths(page, axe)
    await go_on(page, "commitments")

    # --- 4 commitments, reloaded half-way -------------------------------------------------
    await axe_at_both_widths(page, axe)
    await add_commitment(page, police["name"], "Trygghetsvandringar varje månad", "2026-06-30")
    await page.reload()
    assert draft_id(page) == agreement_id
    await page.get_by_role("region", name=police["name"]).get_by_role("row").filter(
        has_text="Trygghetsvandringar varje månad").wait_for()
    await add_commitment(page, kommun.name, "Bättre belysning i parkerna")
    await add_commitment(page, housing.name, "Värdar i trapphusen")
    await axe_at_both_widths(page, axe)
    # Leave, and come back through the resume link: the first step not done yet.
    await page.get_by_role("button", name=LATER).click()
    await page.wait_for_url("**/workspace/?done=rg_saved_later")
    await page.goto(f"/workspace/agreements/{agreement_id}/register")
    await page.wait_for_url(f"**/workspace/agreements/{agreement_id}/register/follow-up")

    # --- 5 follow-up ----------------------------------------------------------------------
    await axe_at_both_widths(page, axe)
    await page.get_by_label("Hur ofta följs överenskommelsen upp?").select_option(
        label="Varje halvår")
    await add_follow_up(page, "2026-09-15", "13:30", "Stadshuset")
    await axe_at_both_widths(page, axe)
    await go_on(page, "signatories")

    # --- 6 signatories --------------------------------------------------------------------
    await axe_at_both_widths(page, axe)
    await fill_signatory(page, police["name"], "Lars Berg", "Lokalpolisområdeschef",
                         "lars.berg@example.se")
    await fill_signatory(page, kommun.name, "Anna Lind", "Kommunstyrelsens ordförande")
    await fill_signatory(page, housing.name, "Eva Holm", "Vd", method="Elektronisk underskrift")
    await go_on(page, "review")

    # --- 7 review ---------------------------------------------------------------------
    await axe_at_both_widths(page, axe)
    review = await page.locator("main").inner_text()
    for text in (title, police["name"], kommun.name, housing.name, "Ett tryggare Luleå för alla.",
                 "Trygghetsvandringar varje månad", "Stadshuset", "Lars Berg", "Eva Holm"):
        assert text in review, text
    no_console_errors(console_errors)
    await page.get_by_role("link", name="Klar – till överenskommelsens sida").click()
    await page.wait_for_url(f"**/workspace/agreements/{agreement_id}")

    # --- what the API now holds -------------------------------------------------------
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["status"] == "draft" and saved["title"] == title
    assert sorted(saved["municipality_codes"]) == ["2580", "2582"]
    assert coordinator.user.id in saved["coordinator_user_ids"]
    by_name = {p["organization"]["name"]: p for p in saved["parties"]}
    assert set(by_name) == {police["name"], kommun.name, housing.name}
    assert by_name[kommun.name]["organization"]["org_number"] == kommun.number
    assert by_name[kommun.name]["primary_contact"]["email"] == kommun.contact_email
    assert by_name[housing.name]["role"] == "Bostadsbolag"
    owners = {c["title"]: c["party_id"] for c in saved["commitments"]}
    assert owners == {
        "Trygghetsvandringar varje månad": by_name[police["name"]]["id"],
        "Bättre belysning i parkerna": by_name[kommun.name]["id"],
        "Värdar i trapphusen": by_name[housing.name]["id"],
    }
    assert [(f["date"], f["start_time"], f["location"]) for f in saved["follow_ups"]] == [
        ("2026-09-15", "13:30:00", "Stadshuset")]
    assert saved["follow_up_cadence"] == "half_yearly"
    assert {p["organization"]["name"]: (p["signatory_name"], p["signature_method"])
            for p in saved["parties"]} == {
        police["name"]: ("Lars Berg", "paper"), kommun.name: ("Anna Lind", "paper"),
        housing.name: ("Eva Holm", "e_signature")}
    assert saved["goals"][0]["indicator_id"] == indicator["id"]
    assert saved["goals"][0]["baseline"] == 12.5
    assert [f["title"] for f in saved["focus_areas"]] == ["Trygg stadskärna"]


async def test_the_reusable_flow_registers_an_agreement(page, live_coordinator, console_errors):
    coordinator = live_coordinator
    registered = await coordinator.organization(kind="police")
    await sign_in_staff(page, coordinator.user, "/workspace/register")
    title = unique("Återanvänd ")
    agreement_id = await register_agreement(page, title,
                                            registered_party=registered["name"])
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["title"] == title
    assert len(saved["parties"]) == 3
    assert len(saved["commitments"]) == 3
    assert all(p["signatory_name"] for p in saved["parties"])
    assert registered["id"] in {p["organization"]["id"] for p in saved["parties"]}
