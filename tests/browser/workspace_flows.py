"""Flows through the workspace in Chromium that several browser tests take: registering an
agreement step by step, as a coordinator does it with mouse and keyboard.

Each helper starts on the page its step is on and ends on the page the step leads to;
`register_agreement` takes the whole flow and returns the new agreement's id.
"""

import re
from dataclasses import dataclass, field

from tests.factories import org_number, unique

NEXT = "Spara och fortsätt"
LATER = "Spara och fortsätt senare"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_DRAFT = re.compile(r"/workspace/agreements/(\d+)/register/")


@dataclass
class NewParty:
    """An organisation added on the spot: a fresh org number unless one is given."""

    name: str = field(default_factory=lambda: unique("Organisation "))
    kind: str = "Kommun"  # the label of the kind, as the list shows it
    number: str = field(default_factory=lambda: org_number("2"))
    contact_name: str = "Kontakt Person"
    contact_email: str = field(default_factory=lambda: f"{unique('kontakt-')}@example.se")
    municipality: str | None = None  # e.g. "Luleå kommun"


async def axe_at_both_widths(page, axe) -> None:
    """No serious or critical axe violation on the page at a desktop's and a phone's width."""
    for size in (DESKTOP, PHONE):
        await page.set_viewport_size(size)
        assert await axe(page) == [], f"{page.url} at {size['width']} px"
    await page.set_viewport_size(DESKTOP)


async def go_on(page, slug: str) -> None:
    """Press "Spara och fortsätt" and wait for the next step (its slug, e.g. "content")."""
    await page.get_by_role("button", name=NEXT, exact=True).click()
    await page.wait_for_url(re.compile(rf"/register/{slug}(\?|#|$)"))


def draft_id(page) -> int:
    found = _DRAFT.search(page.url)
    assert found, page.url
    return int(found.group(1))


async def start_registration(page, title: str, *, kind: str = "Samverkansöverenskommelse",
                             period_start: str = "2026-01-01", period_end: str = "2029-12-31",
                             municipalities: tuple[str, ...] = ("Luleå kommun",),
                             cadence: str = "Varje kvartal") -> int:
    """Step 1 from /workspace/register: the draft's id, on the parties step."""
    if "/workspace/register" not in page.url:
        await page.goto("/workspace/register")
    await page.get_by_label(kind, exact=True).check()
    await page.get_by_label("Rubrik", exact=True).fill(title)
    await page.get_by_label("Gäller från", exact=True).fill(period_start)
    await page.get_by_label("Gäller till och med (valfritt)").fill(period_end)
    await page.get_by_label("Kommuner", exact=True).select_option(label=list(municipalities))
    await page.get_by_label("Hur ofta följs överenskommelsen upp?").select_option(label=cadence)
    await go_on(page, "parties")
    return draft_id(page)


async def add_registered_party(page, name: str) -> None:
    """On the parties step: search the registry for name and add it as a party."""
    await page.get_by_label("Sök på namn eller organisationsnummer").fill(name)
    await page.get_by_role("button", name="Sök", exact=True).click()
    await page.get_by_role("button", name=f"Lägg till som part – {name}").click()
    await page.get_by_role("status").filter(has_text="Parten är tillagd.").wait_for()


async def type_org_number(page, number: str, expect: str) -> str:
    """Type an org number key by key as a person does, and wait for the live check to say
    expect; its whole answer."""
    field_ = page.get_by_label("Organisationsnummer", exact=True)
    await field_.fill("")
    await field_.press_sequentially(number, delay=20)
    answer = page.locator("#new-org-number-check")
    await answer.filter(has_text=expect).wait_for()
    return await answer.inner_text()


async def add_new_party(page, party: NewParty) -> None:
    """On the parties step: add an organisation the registry does not have yet."""
    form = page.locator("#new-org-form")
    await form.get_by_label("Organisationens namn").fill(party.name)
    await type_org_number(page, party.number, f"Giltigt organisationsnummer: {party.number}")
    await form.get_by_label("Typ av organisation").select_option(label=party.kind)
    if party.municipality:
        await form.get_by_label("Kommun (valfritt)").select_option(label=party.municipality)
    await form.get_by_label("Kontaktpersonens namn").fill(party.contact_name)
    await form.get_by_label("Kontaktpersonens e-postadress").fill(party.contact_email)
    await form.get_by_role("button", name="Lägg till organisationen som part").click()
    await page.get_by_role("status").filter(has_text="Parten är tillagd.").wait_for()


async def fill_content(page, *, purpose: str, focus_area: str | None = None,
                       goal: str | None = None, indicator: str | None = None,
                       baseline: str = "", target: str = "") -> None:
    """On the content step: the purpose, a focus area and a goal, each added at once."""
    await page.get_by_label("Syfte", exact=True).fill(purpose)
    if focus_area:
        await page.get_by_label("Fokusområdets rubrik").fill(focus_area)
        await page.get_by_role("button", name="Lägg till fokusområdet").click()
        await page.get_by_role("status").filter(has_text="Sparat.").wait_for()
    if goal:
        await page.get_by_label("Målets rubrik").fill(goal)
        if indicator:
            await page.get_by_label("Indikator i lägesbilden (valfritt)").select_option(
                label=indicator)
        await page.get_by_label("Utgångsvärde (valfritt)").fill(baseline)
        await page.get_by_label("Målvärde (valfritt)").fill(target)
        await page.get_by_role("button", name="Lägg till målet").click()
        await page.get_by_role("status").filter(has_text="Sparat.").wait_for()


async def add_commitment(page, party: str, title: str, due: str | None = None) -> None:
    """On the commitments step: a commitment of the party (its organisation's name)."""
    group = page.get_by_role("group", name=f"Nytt åtagande för {party}")
    await group.get_by_label("Åtagande", exact=True).fill(title)
    if due:
        await group.get_by_label("Klart senast (valfritt)").fill(due)
    await group.get_by_role("button", name=re.compile("^Lägg till åtagandet")).click()
    await page.get_by_role("region", name=party).get_by_role("row").filter(has_text=title).wait_for()


async def add_follow_up(page, day: str, start: str = "", location: str = "",
                        kind: str = "Styrgruppsmöte") -> None:
    """On the follow-up step: one planned follow-up."""
    await page.get_by_label(kind, exact=True).check()
    await page.get_by_label("Datum", exact=True).fill(day)
    if start:
        await page.get_by_label("Klockslag (valfritt)").fill(start)
    if location:
        await page.get_by_label("Plats (valfritt)").fill(location)
    await page.get_by_role("button", name="Lägg till tillfället").click()
    await page.get_by_role("status").filter(has_text="Sparat.").wait_for()


async def fill_signatory(page, party: str, name: str, title: str = "",
                         email: str = "", method: str | None = "På papper") -> None:
    """On the signatories step: who signs for the party (its organisation's name)."""
    group = page.get_by_role("group", name=f"Undertecknare för {party}")
    await group.get_by_label("Namn", exact=True).fill(name)
    if title:
        await group.get_by_label("Befattning").fill(title)
    if email:
        await group.get_by_label("E-postadress (valfritt)").fill(email)
    if method:
        await group.get_by_label("Sätt att skriva under").select_option(label=method)


async def register_agreement(page, title: str, *, registered_party: str | None = None,
                             new_parties: list[NewParty] | None = None,
                             municipalities: tuple[str, ...] = ("Luleå kommun",)) -> int:
    """The whole flow from /workspace/register (signed in as a coordinator) to the review:
    the parties (an organisation from the registry and/or new ones), a purpose, one
    commitment per party, a follow-up meeting and a signatory per party. Ends on the
    agreement's page; returns its id."""
    agreement_id = await start_registration(page, title, municipalities=municipalities)
    names = []
    if registered_party:
        await add_registered_party(page, registered_party)
        names.append(registered_party)
    for party in new_parties or [NewParty(), NewParty(kind="Polisen")]:
        await add_new_party(page, party)
        names.append(party.name)
    await go_on(page, "content")
    await fill_content(page, purpose=f"Syftet med {title}.")
    await go_on(page, "commitments")
    for name in names:
        await add_commitment(page, name, f"Åtagande för {name}")
    await go_on(page, "follow-up")
    await add_follow_up(page, "2026-09-15", "13:30", "Stadshuset")
    await go_on(page, "signatories")
    for name in names:
        await fill_signatory(page, name, f"Undertecknare {name}", "Ordförande")
    await go_on(page, "review")
    await page.get_by_role("link", name="Klar – till överenskommelsens sida").click()
    await page.wait_for_url(f"**/workspace/agreements/{agreement_id}")
    return agreement_id
