"""Screenshots of the portal's pages for docs/screenshots/, at a desktop's and a phone's width.

Not part of an ordinary run; refresh them with
    SAMVERKAN_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/browser/test_portal_screenshots.py
Each is the viewport only (what a person sees first, or a section scrolled into view), so
the files stay small.
"""

from datetime import timedelta

from samverkan import clock
from tests.browser.portal import CONTINUE
from tests.browser.screenshots import DESKTOP, PHONE, lulea_agreement, only_when_asked, shoot

pytestmark = only_when_asked


async def test_screenshots(page, live_coordinator, mailbox):
    agreement, kommun, c = await lulea_agreement(live_coordinator)
    contact = kommun["contacts"][0]

    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        await page.goto("/portal/login")
        await shoot(page, "portal", f"login-{suffix}")
    await page.set_viewport_size(DESKTOP)

    response = await live_coordinator.post(f"/api/agreements/{agreement['id']}/invitations",
                                           json={"contact_id": contact["id"]})
    assert response.status_code == 201, response.text
    await page.goto(await mailbox.url(contact["email"], "/portal/link/"))
    await shoot(page, "portal", "link-desktop")
    await page.get_by_role("button", name=CONTINUE).click()
    await page.wait_for_url(f"**/portal/agreements/{agreement['id']}")

    # One confirmed and reported on, one declined, one still awaiting an answer.
    await page.goto(f"/portal/commitments/{c['walks']['id']}")
    await page.get_by_label("Kommentar (frivillig)").fill(
        "Vi bjuder in fastighetsägarna och föreningarna i centrum.")
    await page.get_by_role("button", name="Bekräfta åtagandet").click()
    await page.get_by_role("status").wait_for()
    report = page.get_by_role("region", name="Rapportera läget")
    await report.get_by_label("Pågår").check()
    await report.get_by_label("Beskrivning").fill(
        "Första vandringen hölls i mars med tolv deltagare. Fyra platser med dålig "
        "belysning är anmälda till tekniska förvaltningen.")
    await report.get_by_label("Läget gäller den").fill(
        (clock.today() - timedelta(days=2)).isoformat())
    await report.get_by_role("button").click()
    await page.get_by_role("status").wait_for()
    await page.goto(f"/portal/commitments/{c['cameras']['id']}")
    await page.get_by_label("Varför avböjer ni?").fill(
        "Kameraövervakning beslutas av kommunstyrelsen; vi tar upp frågan där.")
    await page.get_by_role("button", name="Avböj åtagandet").click()
    await page.get_by_role("status").wait_for()

    pages = {
        "home": "/portal/",
        "agreement": f"/portal/agreements/{agreement['id']}",
        "commitment-answer": f"/portal/commitments/{c['lights']['id']}",
        "commitment-report": f"/portal/commitments/{c['walks']['id']}",
        "profile": "/portal/profile",
    }
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        for name, url in pages.items():
            await page.goto(url)
            await shoot(page, "portal", f"{name}-{suffix}")
        # Further down the pages: the commitments, the report form and the history.
        await page.goto(pages["agreement"])
        await page.locator("#own-commitments").evaluate("e => e.scrollIntoView()")
        await shoot(page, "portal", f"agreement-commitments-{suffix}")
        await page.goto(pages["commitment-report"])
        await page.locator("#report-title").evaluate("e => e.scrollIntoView()")
        await shoot(page, "portal", f"commitment-report-form-{suffix}")
        await page.goto(pages["commitment-answer"])
        await page.get_by_role("button", name="Avböj åtagandet").click()
        await page.locator("#decline-comment-error").wait_for()
        await page.locator("#decline-comment-error").scroll_into_view_if_needed()
        await shoot(page, "portal", f"commitment-error-{suffix}")

    await page.set_viewport_size(DESKTOP)
    await page.get_by_role("link", name="English").click()
    await page.goto(pages["agreement"])
    await shoot(page, "portal", "agreement-english-desktop")
    await page.goto("/portal/commitments/999999")
    await shoot(page, "portal", "not-found-desktop")
