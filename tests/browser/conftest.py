"""Fixtures of the browser tests: the real service in a subprocess, a real SMTP server, and
headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

- `live_server`: base URL (http://localhost:PORT) of `samverkan serve` on the test database.
- `live_client`, `live_coordinator`: httpx against the live server; a coordinator with a
  bearer token, so what it does (an invitation, say) is mailed with the live server's links.
- `smtp_server` (tests.reminders.smtp.SmtpServer) and `mailbox` (helpers.Mailbox): deliver
  the outbox to it and read the newest message, or the link in it, for an address.
- `browser` (one Chromium per session), `context` (fresh per test, base_url = live server),
  `page`, `console_errors` (what the page logged as an error: CSP violations among them).
- `axe`: `await axe(page)` → serious and critical WCAG 2.1 AA violations, one line each.

Without Chromium or axe-core the tests skip locally and fail in CI (helpers.require).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Mailbox,
    axe_source,
    axe_violations,
    require,
)
from tests.factories import Api, make_user
from tests.reminders.smtp import SmtpServer, free_port

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))
STARTUP_SECONDS = 60


@pytest.fixture(scope="session")
def live_server(database):
    """The real service, started as `samverkan serve` on the test process's own database
    (SAMVERKAN_DATABASE_URL / SAMVERKAN_DATA_DIR are inherited), without its reminder worker:
    the outbox waits for `mailbox`. Its public URL is http://localhost:PORT – a secure
    context for Chromium, which then keeps the portal's Secure cookies over plain HTTP."""
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "SAMVERKAN_PUBLIC_URL": url,
        "SAMVERKAN_WORKER_IN_SERVE": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log = tempfile.NamedTemporaryFile(prefix="samverkan-live-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [SAMVERKAN, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        _wait_until_healthy(process, f"http://127.0.0.1:{port}/health", Path(log.name))
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)


def _wait_until_healthy(process: subprocess.Popen, health: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the live server exited ({process.returncode}):\n{_tail(log)}",
                        pytrace=False)
        try:
            if httpx.get(health, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the live server did not answer {health} within {STARTUP_SECONDS} s:\n"
                f"{_tail(log)}", pytrace=False)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
async def live_client(live_server):
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
async def live_coordinator(live_client) -> Api:
    return Api(live_client, await make_user("coordinator"))


@pytest.fixture
async def own_coordinator(live_client) -> Api:
    """A coordinator of the test's own: their Today page shows only what the test made (the
    session's live_coordinator follows every other browser test's agreements too)."""
    return Api(live_client, await make_user("coordinator"))


# --- mail ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mailbox(smtp_server, database) -> Mailbox:
    return Mailbox(smtp_server)


# --- Chromium -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def browser():
    require(os.access(CHROMIUM, os.X_OK),
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        require(False, "Playwright is not installed: pip install -e '.[test]'")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser, live_server):
    """A fresh browser profile per test (no cookies, no storage), as a person in Sweden."""
    fresh = await browser.new_context(
        base_url=live_server, locale="sv-SE", timezone_id="Europe/Stockholm",
    )
    yield fresh
    await fresh.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logged or threw; request it beside `page` to assert there were none."""
    return []


@pytest.fixture
async def page(context, console_errors):
    opened = await context.new_page()
    opened.set_default_timeout(10_000)
    opened.on("console", lambda message: _console(message, console_errors))
    opened.on("pageerror", lambda error: console_errors.append(str(error)))
    return opened


def _console(message, errors: list[str]) -> None:
    url = message.location.get("url", "")
    # Chromium asks every origin for /favicon.ico uninvited; its 404 is nobody's error.
    if message.type == "error" and not url.endswith("/favicon.ico"):
        errors.append(f"{message.text} ({url})" if url else message.text)


@pytest.fixture(scope="session")
def axe():
    """`await axe(page)` (optionally tags=[...]): serious and critical violations as lines."""
    source = axe_source()

    async def check(page, tags: list[str] | None = None) -> list[str]:
        return await axe_violations(page, source, tags)

    return check
