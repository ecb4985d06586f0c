"""The workspace's directory pages in Chromium: a coordinator finds an organisation, opens
it, adds a contact (first with an error) and an organisation, opens the calendar page and
makes a feed, and reads the e-mail outbox; an admin opens the users page. Each page, and
each form's error state, has no serious or critical axe-core violation at a desktop's and a
phone's width, and nothing is logged as an error but the refusals the test asked for."""

from datetime import UTC, datetime

import pytest

from samverkan.db import write_transaction
from samverkan.reminders import repository as outbox
from samverkan.reminders import service as reminders
from tests.browser.portal import no_console_errors, only_refused
from tests.browser.workspace import sign_in_staff
from tests.factories import Api, make_user, org_number, unique, with_wrong_check_digit

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def organization(live_coordinator) -> dict:
    """An organisation with a contact, party to an agreement the coordinator follows."""
    agreement = await live_coordinator.agreement(title=unique("Trygg hamn "))
    return agreement["parties"][0]["organization"] | {"agreement": agreement}


async def failed_message() -> dict:
    """A message the mail server refused for good, as the outbox keeps it."""
    to = f"{unique('studsar-')}@example.se"
    async with write_transaction():
        message_id = await reminders.enqueue(
            "digest", to, "Bo Studs", "sv",
            {"subject": f"Påminnelser {to}", "body_text": "Hej", "body_html": ""},
            now=datetime(2021, 6, 1, 6, 0, tzinfo=UTC))
        await outbox.update_message(message_id, {
            "status": "failed", "attempts": 1,
            "last_error": "550 5.1.1 Mailbox unavailable"})
    return (await outbox.messages([message_id]))[0]


async def accessible(page, axe, console_errors, refused: int | None = None) -> None:
    """No serious or critical violation at either width; nothing logged as an error but a
    refusal of this status."""
    for width in (DESKTOP, PHONE):
        await page.set_viewport_size(width)
        violations = await axe(page)
        assert violations == [], f"{page.url} at {width['width']} px:\n" + "\n".join(violations)
    await page.set_viewport_size(DESKTOP)
    if refused:
        only_refused(console_errors, refused)
    no_console_errors(console_errors)


async def test_a_coordinator_finds_an_organisation_and_adds_a_contact(
        page, axe, console_errors, live_coordinator, organization):
    await sign_in_staff(page, live_coordinator.user, "/workspace/organizations")
    await page.locator("h1", has_text="Organisationer").wait_for()
    await accessible(page, axe, console_errors)

    await page.get_by_label("Namn eller organisationsnummer").fill(organization["name"])
    await page.get_by_role("button", name="Sök", exact=True).click()
    await page.get_by_role("heading", name="Sökresultat: 1 organisationer").wait_for()
    await accessible(page, axe, console_errors)

    await page.get_by_role("link", name=organization["name"]).click()
    await page.locator("h1", has_text=organization["name"]).wait_for()
    agreement = organization["agreement"]
    assert await page.get_by_role("link", name=agreement["title"]).get_attribute("href") == \
        f"/workspace/agreements/{agreement['id']}"
    await accessible(page, axe, console_errors)

    await page.get_by_role("link", name="Lägg till kontaktperson").click()
    await page.locator("h1", has_text="Ny kontaktperson").wait_for()
    await accessible(page, axe, console_errors)
    await page.get_by_label("Namn").fill("Nora Nilsson")
    await page.get_by_label("E-postadress").fill("inte en adress")
    await page.get_by_role("button", name="Lägg till kontaktpersonen").click()
    await page.locator("#contact-email-error").wait_for()
    assert await page.get_by_label("Namn").input_value() == "Nora Nilsson"
    await accessible(page, axe, console_errors, refused=400)

    email = f"{unique('nora-')}@example.se"
    await page.get_by_label("E-postadress").fill(email)
    await page.get_by_role("button", name="Lägg till kontaktpersonen").click()
    await page.get_by_role("status").filter(has_text="Kontaktpersonen är tillagd.").wait_for()
    assert await page.get_by_role("link", name=email).count() == 1
    await accessible(page, axe, console_errors)


async def test_a_coordinator_adds_an_organisation_after_a_wrong_number(
        page, axe, console_errors, live_coordinator):
    await sign_in_staff(page, live_coordinator.user, "/workspace/organizations/new")
    await page.locator("h1", has_text="Lägg till en organisation").wait_for()
    await accessible(page, axe, console_errors)

    name = unique("Brottsofferjouren ")
    number = org_number("8")
    await page.get_by_label("Namn").fill(name)
    await page.get_by_label("Organisationsnummer").fill(with_wrong_check_digit(number))
    await page.get_by_label("Typ av organisation").select_option("ngo")
    await page.get_by_role("button", name="Lägg till organisationen").click()
    await page.locator("#org-number-error").wait_for()
    assert "kontrollsiffran" in await page.locator("#org-number-error").inner_text()
    await accessible(page, axe, console_errors, refused=400)

    await page.get_by_label("Organisationsnummer").fill(number)
    await page.get_by_role("button", name="Lägg till organisationen").click()
    await page.get_by_role("status").filter(has_text="Organisationen är tillagd.").wait_for()
    await page.locator("h1", has_text=name).wait_for()
    await accessible(page, axe, console_errors)


async def test_the_calendar_and_the_outbox_pages(page, axe, console_errors, live_client):
    # A coordinator of one's own: a feed is personal.
    coordinator = Api(live_client, await make_user("coordinator"))
    await sign_in_staff(page, coordinator.user, "/workspace/calendar")
    await page.locator("h1", has_text="Kalender").wait_for()
    await accessible(page, axe, console_errors)

    await page.get_by_role("button", name="Skapa kalenderadress").click()
    address = page.get_by_role("textbox", name="Kalenderadress")
    await address.wait_for()
    assert (await address.input_value()).endswith(".ics")
    assert "/feed/" not in page.url
    await accessible(page, axe, console_errors)

    message = await failed_message()
    await page.goto("/workspace/outbox")
    await page.locator("h1", has_text="E-post från tjänsten").wait_for()
    await page.get_by_role("cell", name=message["subject"], exact=True).wait_for()
    await accessible(page, axe, console_errors)
    await page.get_by_role("button", name=f"till {message['recipient']}").click()
    await page.get_by_role("status").filter(has_text="Meddelandet skickas igen").wait_for()
    await accessible(page, axe, console_errors)
    async with write_transaction():  # no later delivery pass sends it
        await outbox.update_message(message["id"], {"status": "cancelled"})
    await page.get_by_role("link", name="Skickade").click()
    await page.get_by_role("heading", name="Skickade meddelanden").wait_for()
    await accessible(page, axe, console_errors)


async def test_an_admin_has_the_users_page(page, axe, console_errors, live_client):
    admin = await make_user("admin")
    await sign_in_staff(page, admin, "/workspace/users")
    await page.locator("h1", has_text="Användare").wait_for()
    assert await page.get_by_role("link", name="Användare").get_attribute("aria-current") == "page"
    await accessible(page, axe, console_errors)

    await page.get_by_label("Namn").fill("Lars Läsare")
    await page.get_by_label("E-postadress").fill(admin.email)
    await page.get_by_label("Lösenord").fill("ett långt och bra lösenord")
    await page.get_by_role("button", name="Skapa kontot").click()
    await page.locator("#user-email-error").wait_for()
    await accessible(page, axe, console_errors, refused=409)
