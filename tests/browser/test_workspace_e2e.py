"""The coordinator workspace end to end, in headless Chromium against the running service:
a coordinator registers an agreement with three parties in the guided flow, reloads the page
half-way and carries on, finds the agreement again by search, downloads the list as CSV and
Excel, starts preparing it with the parties and invites one partner. The partner signs in
with the link from the real SMTP server and confirms their commitment in the portal – and
the coordinator's Today page no longer lists it as awaiting confirmation."""

import csv
import io
import re

from openpyxl import load_workbook

from tests.browser.portal import CONTINUE, new_person, no_console_errors
from tests.browser.workspace import sign_in_staff
from tests.browser.workspace_flows import (
    NewParty,
    add_commitment,
    add_follow_up,
    add_new_party,
    fill_content,
    fill_signatory,
    go_on,
    start_registration,
)
from tests.factories import unique


async def awaiting_confirmation(page) -> str:
    """The Today page's section of commitments awaiting a party's confirmation."""
    await page.goto("/workspace/")
    heading = page.get_by_role("heading", name=re.compile(r"^Väntar på bekräftelse"))
    return await page.locator("section", has=heading).inner_text()


async def test_register_find_export_invite_and_see_the_partner_confirm(
        page, console_errors, own_coordinator, browser, live_server, mailbox, tmp_path):
    title = unique("Trygg i Gammelstad ")
    parties = [NewParty(name=unique("Gammelstads kommun "), kind="Kommun"),
               NewParty(name=unique("Gammelstads Bostäder AB "), kind="Näringsliv"),
               NewParty(name=unique("Polisen Gammelstad "), kind="Polisen")]
    kommun = parties[0]
    await sign_in_staff(page, own_coordinator.user, "/workspace/register")

    # --- register, with a reload half-way ---------------------------------------------------
    agreement_id = await start_registration(page, title)
    for party in parties:
        await add_new_party(page, party)
    await go_on(page, "content")
    await fill_content(page, purpose="Färre inbrott och ökad trygghet i Gammelstad.")
    await go_on(page, "commitments")
    commitment_title = "Kommunen ordnar trygghetsvandringar varje termin"
    await add_commitment(page, kommun.name, commitment_title)
    # Half-way: the browser reloads (or the coordinator comes back tomorrow) – nothing is lost.
    await page.reload()
    await page.get_by_text(commitment_title).wait_for()
    for party in parties[1:]:
        await add_commitment(page, party.name, f"Åtagande för {party.name}")
    await go_on(page, "follow-up")
    await add_follow_up(page, "2026-12-10", "09:00", "Gammelstads skola")
    await go_on(page, "signatories")
    for party in parties:
        await fill_signatory(page, party.name, f"Undertecknare {party.name}", "Ordförande")
    await go_on(page, "review")
    await page.get_by_role("link", name="Klar – till överenskommelsens sida").click()
    await page.wait_for_url(f"**/workspace/agreements/{agreement_id}")
    registered = await own_coordinator.fresh({"id": agreement_id})
    assert registered["title"] == title
    assert sorted(p["organization"]["name"] for p in registered["parties"]) == sorted(
        p.name for p in parties)
    assert len(registered["commitments"]) == 3

    # --- find it again, and export the list -------------------------------------------------
    await page.goto("/workspace/agreements")
    await page.get_by_label("Sök", exact=True).fill(title)
    await page.get_by_role("button", name="Visa", exact=True).click()
    await page.wait_for_url(re.compile(r"/workspace/agreements\?"))
    found = page.get_by_role("link", name=title, exact=True)
    await found.wait_for()
    assert await page.locator("tbody tr").count() == 1

    async with page.expect_download() as csv_download:
        await page.get_by_role("link", name="Ladda ner som CSV (för Excel)").click()
    path = tmp_path / "list.csv"
    await (await csv_download.value).save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and title in rows[1], rows

    async with page.expect_download() as xlsx_download:
        await page.get_by_role("link", name="Ladda ner som Excel-fil (XLSX)").click()
    path = tmp_path / "list.xlsx"
    await (await xlsx_download.value).save_as(path)
    sheet = load_workbook(path, read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and title in values[1], values

    # --- prepare it with the parties, invite the municipality's contact ----------------------
    await found.click()
    await page.wait_for_url(f"**/workspace/agreements/{agreement_id}")
    await page.get_by_role("button", name="Börja bereda med parterna").click()
    await page.get_by_role("status").filter(has_text="Statusen är ändrad.").wait_for()
    assert commitment_title in await awaiting_confirmation(page)

    await page.goto(f"/workspace/agreements/{agreement_id}#invitations")
    contact_label = f"{kommun.contact_name}, {kommun.name} ({kommun.contact_email})"
    await page.get_by_label("Kontaktperson", exact=True).select_option(label=contact_label)
    await page.get_by_role("button", name="Skicka inbjudan").click()
    await page.get_by_role("status").filter(has_text="Inbjudan är skickad.").wait_for()
    no_console_errors(console_errors)

    # --- the partner confirms in the portal ---------------------------------------------------
    context, partner, partner_errors = await new_person(browser, live_server)
    link = await mailbox.url(kommun.contact_email, "/portal/link/")
    assert (await partner.goto(link)).status == 200
    await partner.get_by_role("button", name=CONTINUE).click()
    await partner.wait_for_url(f"**/portal/agreements/{agreement_id}")
    await partner.get_by_role("link", name=commitment_title, exact=True).click()
    await partner.get_by_role("button", name="Bekräfta åtagandet").click()
    await partner.get_by_role("status").filter(has_text="Åtagandet är bekräftat.").wait_for()
    no_console_errors(partner_errors)
    await context.close()

    # --- the coordinator's Today page has changed ---------------------------------------------
    section = await awaiting_confirmation(page)
    assert commitment_title not in section
    assert f"Åtagande för {parties[1].name}" in section
    no_console_errors(console_errors)
