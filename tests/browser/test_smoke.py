"""The browser-test machinery itself: Chromium reaches the live service, which works on the
test process's own database; mail from the outbox arrives at the SMTP server with a link
that opens; axe-core finds what a screen-reader user would miss, under the portal's
Content-Security-Policy, which stays in force."""

from samverkan.conf import DB
from samverkan.db import write_transaction
from samverkan.reminders import service
from tests.factories import unique

# The policy the portal's pages send (docs/portal.md): no inline script.
CSP = "default-src 'self'; script-src 'self'; frame-ancestors 'none'"

BROKEN_FORM = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Rapportera läget</title></head>
<body><main>
  <h1>Rapportera läget</h1>
  <svg role="img" width="10" height="10"><circle cx="5" cy="5" r="5"/></svg>
  <form method="post"><input name="note"><button>Skicka</button></form>
  <script>document.title = "inline script ran";</script>
</main></body></html>"""

FIXED_FORM = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Rapportera läget</title></head>
<body><main>
  <h1>Rapportera läget</h1>
  <svg role="img" width="10" height="10" aria-label="Polisen"><circle cx="5" cy="5" r="5"/></svg>
  <form method="post"><label for="note">Kommentar</label><input id="note" name="note">
  <button>Skicka</button></form>
</main></body></html>"""


async def test_chromium_shows_what_the_test_process_wrote_through_the_live_service(
    page, coordinator, console_errors
):
    organization = await coordinator.organization()

    await page.set_extra_http_headers({"Authorization": f"Bearer {coordinator.user.token}"})
    response = await page.goto(f"/api/organizations/{organization['id']}")

    assert response.status == 200
    assert organization["name"] in await page.locator("body").inner_text()
    response = await page.goto("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": DB.engine_type}
    assert console_errors == []


async def test_a_mailed_link_arrives_at_the_smtp_server_and_opens(page, live_server, mailbox):
    to = f"{unique('lank-')}@example.se"
    link = f"{live_server}/health"
    async with write_transaction():
        await service.enqueue("test", to, "Åsa Öberg", "sv", {
            "subject": "Din länk till Samverkan",
            "body_text": f"Hej!\n\nÖppna länken: {link}.\nDen gäller i 15 minuter.\n",
            "body_html": f'<p>Hej!</p><p><a href="{link}">Öppna länken</a></p>',
        })

    assert await mailbox.url(to, "/health") == link
    assert (await mailbox.latest(to))["Subject"] == "Din länk till Samverkan"
    response = await page.goto(link)
    assert response.status == 200 and "ok" in await page.locator("body").inner_text()


async def test_axe_finds_what_a_screen_reader_user_would_miss_and_csp_stays_in_force(
    page, axe, console_errors
):
    shown = {"html": BROKEN_FORM}

    async def serve(route):
        await route.fulfill(status=200, body=shown["html"], headers={
            "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP,
        })

    # A page of the live server's own origin, so the same security context as the portal's.
    await page.route("**/browser-smoke", serve)
    await page.goto("/browser-smoke")

    violations = await axe(page)
    assert sorted(v.split(" ", 1)[0] for v in violations) == ["label", "svg-img-alt"], violations
    assert "label (critical): Form elements must have labels – at input" in "\n".join(violations)
    # The policy blocked the page's inline script, and said so; running axe broke no rule.
    assert await page.title() == "Rapportera läget"
    assert len(console_errors) == 1 and "Content Security Policy" in console_errors[0]

    shown["html"] = FIXED_FORM
    await page.goto("/browser-smoke")
    assert await axe(page) == []
    assert len(console_errors) == 1
