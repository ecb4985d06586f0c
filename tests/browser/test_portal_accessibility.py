"""Every portal page, as Chromium renders it, passes axe-core's WCAG 2.1 AA rules without a
serious or critical violation: the pages for signing in, the partner's pages (with the
forms' errors shown too), the error pages, and the busiest pages at a phone's width."""

import uuid
from datetime import timedelta

import pytest

from samverkan import clock
from tests.browser.portal import (
    CONTINUE,
    new_person,
    new_tab,
    no_console_errors,
    only_refused,
    partnership,
    sign_in,
)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
async def partner(browser, live_server, live_coordinator, mailbox):
    """One partner signed in for the module's pages (its own browser profile), with a
    commitment confirmed and reported on, so that every kind of section has content."""
    world = await partnership(live_coordinator)
    context, page, _ = await new_person(browser, live_server)
    await sign_in(page, mailbox, live_coordinator, world.agreement, world.contact1)
    await page.goto(f"/portal/commitments/{world.commitments['to_confirm']['id']}")
    await page.get_by_role("button", name="Bekräfta åtagandet").click()
    await page.get_by_role("status").filter(has_text="Åtagandet är bekräftat.").wait_for()
    report = page.get_by_role("region", name="Rapportera läget")
    await report.get_by_label("Pågår").check()
    await report.get_by_label("Beskrivning").fill("Två vandringar hållna.")
    await report.get_by_role("button").click()
    await page.get_by_role("status").filter(has_text="Rapporten är skickad.").wait_for()
    await page.close()
    yield context, world
    await context.close()


@pytest.fixture
async def partner_page(partner, console_errors):
    """A new tab of the signed-in partner's browser, its errors in console_errors."""
    context, world = partner
    page = await new_tab(context, console_errors)
    yield page, world
    await page.close()


async def expect_page(page, url: str, status: int = 200, h1: str | None = None) -> None:
    response = await page.goto(url)
    assert response.status == status, url
    if h1:
        assert await page.locator("h1").inner_text() == h1


async def checked(page, axe, console_errors, refused: int | None = None) -> None:
    """No serious or critical violation; nothing logged but the page's own error status."""
    assert await axe(page) == []
    if refused:
        only_refused(console_errors, refused)
    no_console_errors(console_errors)


# --- pages for visitors without a session ----------------------------------------------------


async def test_the_sign_in_page_in_swedish_and_english(page, axe, console_errors):
    await expect_page(page, "/portal/login", h1="Logga in i partnerportalen")
    await checked(page, axe, console_errors)

    await page.get_by_role("link", name="English").click()
    await page.locator("h1", has_text="Sign in to the partner portal").wait_for()
    assert await page.locator("html").get_attribute("lang") == "en"
    await checked(page, axe, console_errors)


async def test_the_sign_in_page_with_an_error_and_the_link_sent_answer(page, axe, console_errors):
    await expect_page(page, "/portal/login")
    await page.get_by_label("E-postadress").fill("inte en adress")
    await page.get_by_role("button", name="Skicka inloggningslänk").click()
    await page.locator(".field-error").wait_for()
    await checked(page, axe, console_errors, refused=400)

    await page.get_by_label("E-postadress").fill(f"{uuid.uuid4().hex}@example.se")
    await page.get_by_role("button", name="Skicka inloggningslänk").click()
    await page.locator("h1", has_text="Kolla din e-post").wait_for()
    await checked(page, axe, console_errors, refused=400)


async def test_the_link_landing_page_and_the_invalid_link_page(page, axe, console_errors):
    # Any token shows the landing page: opening a link checks and uses nothing.
    await expect_page(page, f"/portal/link/{uuid.uuid4().hex}", h1="Logga in med länken")
    await checked(page, axe, console_errors)

    await page.get_by_role("button", name=CONTINUE).click()
    await page.locator("h1", has_text="Länken fungerar inte längre").wait_for()
    await checked(page, axe, console_errors, refused=400)


async def test_the_not_found_page_without_a_session(page, axe, console_errors):
    await expect_page(page, "/portal/no-such-page", 404, h1="Sidan finns inte")
    await checked(page, axe, console_errors, refused=404)


# --- the partner's pages -----------------------------------------------------------------------


async def test_my_agreements(partner_page, axe, console_errors):
    page, _ = partner_page
    await expect_page(page, "/portal/", h1="Mina överenskommelser")
    await checked(page, axe, console_errors)


async def test_the_agreement_page(partner_page, axe, console_errors):
    page, world = partner_page
    await expect_page(page, f"/portal/agreements/{world.agreement['id']}",
                      h1=world.agreement["title"])
    await checked(page, axe, console_errors)


async def test_a_commitment_awaiting_an_answer_and_its_decline_error(
    partner_page, axe, console_errors
):
    page, world = partner_page
    commitment = world.commitments["left_open"]
    await expect_page(page, f"/portal/commitments/{commitment['id']}", h1=commitment["title"])
    await checked(page, axe, console_errors)

    await page.get_by_role("button", name="Avböj åtagandet").click()
    await page.locator("#decline-comment-error").wait_for()
    await checked(page, axe, console_errors, refused=400)


async def test_a_confirmed_commitment_with_its_reports_and_a_report_error(
    partner_page, axe, console_errors
):
    page, world = partner_page
    commitment = world.commitments["to_confirm"]
    await expect_page(page, f"/portal/commitments/{commitment['id']}", h1=commitment["title"])
    assert await page.get_by_role("region", name="Rapporter").get_by_role("row").count() == 2
    await checked(page, axe, console_errors)

    tomorrow = clock.today() + timedelta(days=1)
    report = page.get_by_role("region", name="Rapportera läget")
    await report.get_by_label("Läget gäller den").fill(tomorrow.isoformat())
    await report.get_by_role("button").click()
    await page.locator("#report-as-of-error").wait_for()
    await page.locator("#report-status-error").wait_for()
    await checked(page, axe, console_errors, refused=400)


async def test_the_profile_page(partner_page, axe, console_errors):
    page, _ = partner_page
    await expect_page(page, "/portal/profile", h1="Mina uppgifter")
    await checked(page, axe, console_errors)

    await page.get_by_label("Namn").fill("")
    await page.get_by_role("button", name="Spara").click()
    await page.locator("#profile-name-error").wait_for()
    await checked(page, axe, console_errors, refused=400)


async def test_the_not_found_page_of_a_signed_in_partner(partner_page, axe, console_errors):
    page, world = partner_page
    # Another party's commitment: the same page as one that does not exist.
    await expect_page(page, f"/portal/commitments/{world.commitments['police']['id']}", 404,
                      h1="Sidan finns inte")
    await checked(page, axe, console_errors, refused=404)


# --- at a phone's width --------------------------------------------------------------------


@pytest.mark.parametrize("which", ["home", "agreement", "answer", "report"])
async def test_the_busiest_pages_at_a_phone_width(partner_page, axe, console_errors, which):
    page, world = partner_page
    await page.set_viewport_size(PHONE)
    url = {
        "home": "/portal/",
        "agreement": f"/portal/agreements/{world.agreement['id']}",
        "answer": f"/portal/commitments/{world.commitments['to_decline']['id']}",
        "report": f"/portal/commitments/{world.commitments['to_confirm']['id']}",
    }[which]
    await expect_page(page, url)
    await checked(page, axe, console_errors)
    # Nothing wider than the screen: wide tables scroll in their own region.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
