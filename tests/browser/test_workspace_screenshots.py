"""Screenshots of the workspace's main pages for docs/screenshots/, at a desktop's and a
phone's width, taken by the tests' Chromium (docs/workspace.md shows them).

Not part of an ordinary run; refresh them with
    SAMVERKAN_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/browser/test_workspace_screenshots.py
"""

from tests.browser.screenshots import DESKTOP, PHONE, lulea_agreement, only_when_asked, shoot
from tests.browser.workspace import sign_in_staff
from tests.browser.workspace_flows import start_registration

pytestmark = only_when_asked


async def test_screenshots(page, live_coordinator):
    agreement, kommun, _ = await lulea_agreement(live_coordinator)
    draft = None
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        await page.goto("/workspace/login")
        await shoot(page, "workspace", f"login-{suffix}")
    await page.set_viewport_size(DESKTOP)
    await sign_in_staff(page, live_coordinator.user, "/workspace/register")
    draft = await start_registration(page, "Trygg skolväg i Hertsön")

    pages = {
        "today": "/workspace/",
        "agreements": "/workspace/agreements?q=Lule%C3%A5",
        "register-parties": f"/workspace/agreements/{draft}/register/parties",
        "agreement": f"/workspace/agreements/{agreement['id']}",
        "organization": f"/workspace/organizations/{kommun['id']}",
        "calendar": "/workspace/calendar",
    }
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        for name, url in pages.items():
            await page.goto(url)
            await shoot(page, "workspace", f"{name}-{suffix}")
        await page.goto(pages["agreement"])
        await page.locator("#commitments").evaluate("e => e.scrollIntoView()")
        await shoot(page, "workspace", f"agreement-commitments-{suffix}")
        await page.goto(pages["register-parties"])
        # A number the registry knows: the live check offers that organisation instead.
        number = page.get_by_label("Organisationsnummer", exact=True)
        await number.fill(kommun["org_number"])
        await number.press("Tab")
        await page.locator("#new-org-number-check").get_by_text("finns redan i registret").wait_for()
        await number.scroll_into_view_if_needed()
        await shoot(page, "workspace", f"register-org-check-{suffix}")
