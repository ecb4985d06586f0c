"""What the portal's browser tests share: an agreement with partners to invite, made by a
coordinator through the live server's API, and signing in the way a partner does – the link
in the e-mail that reached the SMTP server, opened in Chromium, and the button pressed."""

from dataclasses import dataclass

from tests.browser.helpers import Mailbox
from tests.factories import Api
from tests.portal.links import invite, live_agreement, organization

CONTINUE = "Fortsätt till portalen"


async def new_person(browser, live_server):
    """Another person's browser beside the `page` fixture's: a profile of its own (the same
    settings as the `context` fixture's) and a tab whose errors land in the list returned."""
    context = await browser.new_context(base_url=live_server, locale="sv-SE",
                                        timezone_id="Europe/Stockholm")
    errors: list[str] = []
    return context, await new_tab(context, errors), errors


async def new_tab(context, errors: list[str]):
    """A tab of context whose console errors and uncaught exceptions go to errors."""
    page = await context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


@dataclass
class Partnership:
    """An agreement in preparation between two partner organisations and the police.

    Commitments, by owner: partner 1's `to_confirm`, `to_decline` and `left_open`; partner
    2's `p2_open` and `p2_to_confirm`; the police's `police`. Partner 1 is parties[0]."""

    agreement: dict
    partner1: dict
    partner2: dict
    police: dict
    commitments: dict[str, dict]

    @property
    def contact1(self) -> dict:
        return self.partner1["contacts"][0]

    @property
    def contact2(self) -> dict:
        return self.partner2["contacts"][0]


async def partnership(coordinator: Api) -> Partnership:
    partner1 = await organization(coordinator,
                                  {"name": "Åsa Öberg", "title": "Trygghetssamordnare"})
    partner2 = await organization(coordinator, {"name": "Bengt Berg", "title": "Bovärd"})
    police = await organization(coordinator, {"name": "Cecilia Ek", "title": "Kommunpolis"})
    agreement = await live_agreement(coordinator, partner1, partner2, police)
    owners = {"to_confirm": 0, "to_decline": 0, "left_open": 0, "p2_open": 1,
              "p2_to_confirm": 1, "police": 2}
    titles = {
        "to_confirm": "Trygghetsvandringar i centrum två gånger per termin",
        "to_decline": "Kameraövervakning vid resecentrum",
        "left_open": "Belysning längs gång- och cykelvägar",
        "p2_open": "Fastighetsvärdar i tjänst på kvällar",
        "p2_to_confirm": "Klotter saneras inom 24 timmar",
        "police": "Polisen deltar i trygghetsvandringarna",
    }
    commitments = {}
    for key, party in owners.items():
        commitments[key] = await coordinator.commitment(
            agreement, party, title=titles[key], description=f"Beskrivning av {titles[key]}.",
            due_date="2026-12-31",
        )
    return Partnership(agreement, partner1, partner2, police, commitments)


async def sign_in(page, mailbox: Mailbox, coordinator: Api, agreement: dict, contact: dict):
    """Invite the contact, open the link from the e-mail and press the button; returns the
    response to opening the link (its headers are the landing page's)."""
    await invite(coordinator, agreement, contact)
    link = await mailbox.url(contact["email"], "/portal/link/")
    opened = await page.goto(link)
    assert opened.status == 200
    await page.get_by_role("button", name=CONTINUE).click()
    await page.wait_for_url(f"**/portal/agreements/{agreement['id']}")
    return opened


def no_console_errors(errors: list[str]) -> None:
    """Nothing the page logged as an error: no Content-Security-Policy violation, no script
    error, no failed request."""
    assert errors == [], errors


def only_refused(errors: list[str], status: int) -> None:
    """The only errors logged say that an answer had this status (a page or a request the
    test made to be refused): Chromium's note, and htmx's for a request it sent. Then start
    counting afresh."""
    said = (f"the server responded with a status of {status}",
            f"Response Status Error Code {status} from ")
    unexpected = [e for e in errors if not any(s in e for s in said)]
    assert unexpected == [], unexpected
    errors.clear()
