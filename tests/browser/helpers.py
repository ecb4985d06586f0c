"""What the browser tests share besides fixtures: the rule for a missing browser, the mailbox
on the real SMTP server, and the accessibility check (axe-core from the npm registry).

See docs/operations.md, "Browser tests", for what a machine needs to run them.
"""

import os
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from samverkan.reminders import service
from tests.reminders.smtp import SmtpServer

CHROMIUM = "/usr/bin/chromium"
# Chromium as root in a container: no sandbox, no GPU, /dev/shm may be small, and no calls
# home (this network refuses them, many at a time).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# The issue asks for WCAG 2.1 AA: the rules axe tags for it.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
URL = re.compile(r"https?://[^\s<>\"')\]]+")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def require(present: bool, reason: str) -> None:
    """What the browser tests cannot run without: in CI its absence fails them (a green run
    must not hide tests that never ran); on a developer's machine they skip, saying why."""
    if present:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI must run the browser tests; see docs/operations.md)",
                    pytrace=False)
    pytest.skip(reason)


class Mailbox:
    """The real SMTP server (aiosmtpd) that the outbox is delivered to, and what it received.

    Nothing leaves the outbox by itself (the live server runs without its worker): deliver()
    runs one delivery pass in the test process, as the worker would, over every due message
    in the shared database. Addresses are unique per test, so each test reads only its own.
    """

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def deliver(self) -> None:
        result = await service.deliver(worker="browser-tests", backend=self.server.backend())
        assert not result.server_unavailable, "the test SMTP server did not answer"

    def messages(self, address: str) -> list[EmailMessage]:
        return [received.email for received in self.server.to(address)]

    async def latest(self, address: str) -> EmailMessage:
        """Deliver what is due, then the newest message the server received for address."""
        await self.deliver()
        received = self.messages(address)
        assert received, f"no e-mail reached {address}"
        return received[-1]

    async def url(self, address: str, path: str = "/") -> str:
        """The one link in the text part of the newest message to address whose path starts
        with path, e.g. url(email, "/portal/link/")."""
        message = await self.latest(address)
        text = text_of(message)
        found = {u.rstrip(".,;:!?") for u in URL.findall(text)}
        wanted = sorted(u for u in found if _path(u).startswith(path))
        assert len(wanted) == 1, (
            f"expected one link to {path}… in the mail to {address}, found {wanted}:\n{text}"
        )
        return wanted[0]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].partition("/")[2]


def axe_source() -> str:
    require(AXE_JS.exists(),
            f"axe-core is not installed ({AXE_JS}): run `make install` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


async def axe_violations(page, source: str, tags: list[str] | None = None) -> list[str]:
    """Run axe-core on the page as it is now: the serious and critical violations, one
    readable line each (rule, impact, what is wrong, where), so that `assert ... == []` says
    what to fix.

    axe is evaluated through the DevTools protocol, not added as a <script>: the portal's
    Content-Security-Policy (script-src 'self', no inline script) rightly blocks an injected
    inline script, and the context keeps enforcing that policy for the page's own scripts.
    """
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(source)
    results = await page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        tags or WCAG_21_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – at {', '.join(v['targets'][:5])}"
        + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
        for v in results
        if v["impact"] in ("serious", "critical")
    ]
