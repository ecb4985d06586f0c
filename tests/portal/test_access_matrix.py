"""The portal's access matrix: every portal route, with every object a path or a form can
name, asked by every kind of caller who must not see it.

Callers: nobody; a session cookie past its idle time and one past its absolute time; a
browser that has just tried an expired link (an invitation, a sign-in link) or a used one; a
logged-out session's cookie replayed; a signed-in partner of an unrelated organisation; a
signed-in partner of the other party of a shared agreement. The victim is organisation A:
its agreements, commitments and contacts are what no caller may see or change.

Objects: each agreement, commitment and lägesbild round id of the world below (own, the
other party's in a shared agreement, of an agreement the caller is no party to, of a draft),
ids of no row (0, negative, past 32 and 64 bits), segments that are no id, other spellings
int() reads as the victim's ids ("+7", "07", " 7", Arabic-Indic digits); the joint picture of
an agreement asked for with a round of another agreement (or a ?round that names no row);
used, expired, unknown and malformed link tokens. Every form is sent valid and invalid, and
carries ids no portal form has (commitment_id, agreement_id, party_id, round_id, contact_id,
organization_id, email...), as if edited in the browser. Every path is also asked with the
methods it does not serve.

What must hold for every request: no 500; no text the caller may not see (agreement and
commitment titles, registration numbers, descriptions, organisation names, contact names and
addresses, the observations of inputs – an internal one even on a shared agreement's joint
picture) in the body or the Location header; without a live session every partner page is a
303 to /portal/login; what is not the caller's answers the very 404 page of a path that does
not exist; and afterwards not one commitment, report, agreement, contact or input has changed.

The routes come from the application itself: a portal route the matrix does not know fails
the test, so a new route cannot skip the matrix.
"""

import html
import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, unquote

import httpx
import pytest

from samverkan import clock
from samverkan.accounts.security import token_hash
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.db import write_transaction
from samverkan.portal.tables import PortalSession
from samverkan.registry import service as registry
from samverkan.settings import get_settings
from samverkan.situation import repository as situation_repository
from samverkan.situation import service as situation
from samverkan.situation.periods import parse_period
from samverkan.situation.schemas import InputWrite, ValueInput
from samverkan.web.security import CSRF_COOKIE
from tests.factories import unique
from tests.portal.links import (
    address,
    change_settings,
    client_address,
    invite,
    links_of,
    live_agreement,
    messages,
    organization,
    token_in,
    travel,
)

pytestmark = pytest.mark.usefixtures("database")

CSRF_FIELD = re.compile(r'(name="_csrf_token" value=")[^"]*(")')
NEXT = re.compile(r'(\?next=)[^"]*')
LOGIN = "/portal/login"
# A path no route has: its 404 page is what every object that is not the caller's must get.
NO_SUCH_PAGE = "/portal/no-such-page"


# --- the routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A portal route and method, what its path names ("agreement", "commitment", "round",
    "picture" – an agreement and maybe a ?round –, "token", "email" in the form,
    "language"), whether it needs a session, and the forms it is sent:
    "valid" (what would be accepted from the owner) and "invalid" (what its checks refuse:
    the refusal must not come before the access check)."""

    path: str
    method: str
    names: str | None
    private: bool
    forms: tuple[str, ...] = ("valid",)


ROUTES = [
    Route("/portal", "GET", None, True),
    Route("/portal/agreements/{agreement_id:int}", "GET", "agreement", True),
    Route("/portal/agreements/{agreement_id:int}/document.pdf", "GET", "agreement", True),
    Route("/portal/commitments/{commitment_id:int}", "GET", "commitment", True),
    Route("/portal/commitments/{commitment_id:int}/confirm", "POST", "commitment", True,
          ("valid", "invalid")),
    Route("/portal/commitments/{commitment_id:int}/decline", "POST", "commitment", True,
          ("valid", "invalid")),
    Route("/portal/commitments/{commitment_id:int}/reports", "POST", "commitment", True,
          ("valid", "invalid")),
    Route("/portal/agreements/{agreement_id:int}/situation", "GET", "picture", True),
    Route("/portal/rounds/{round_id:int}", "GET", "round", True),
    Route("/portal/rounds/{round_id:int}", "POST", "round", True, ("valid", "invalid")),
    Route("/portal/profile", "GET", None, True),
    Route("/portal/profile", "POST", None, True, ("valid", "invalid")),
    Route("/portal/login", "GET", None, False),
    Route("/portal/login", "POST", "email", False),
    Route("/portal/link/{token:str}", "GET", "token", False),
    Route("/portal/link/{token:str}", "POST", "token", False),
    Route("/portal/language/{lang:str}", "GET", "language", False),
    # Last: it ends a signed-in caller's session.
    Route("/portal/logout", "POST", None, False),
]
PLACEHOLDER = re.compile(r"\{[^}]+\}")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def unserved() -> list[Route]:
    """Each portal path with each method it does not serve: a 405, whatever it names."""
    served: dict[str, set[str]] = {}
    for route in ROUTES:
        served.setdefault(route.path, set()).add(route.method)
    first = {route.path: route for route in reversed(ROUTES)}
    return [Route(path, method, first[path].names, first[path].private)
            for path, methods in served.items() for method in METHODS if method not in methods]


def portal_routes(app) -> set[tuple[str, str]]:
    """(path, method) of every route the application serves under /portal."""
    found = set()
    for route in app.routes:
        if route.path == "/portal" or route.path.startswith("/portal/"):
            for method in getattr(route, "route_handler_map", {}):
                if method not in ("OPTIONS", "HEAD"):
                    found.add((route.path, method))
    return found


def test_the_matrix_knows_every_portal_route(app):
    served = portal_routes(app)
    known = {(route.path, route.method) for route in ROUTES}
    assert served, "no portal routes found: has the portal moved?"
    assert not served - known, (
        "portal routes the access matrix does not walk; add them to ROUTES in "
        f"{__name__} with what they name: {sorted(served - known)}"
    )
    assert not known - served, f"the matrix walks routes that are gone: {sorted(known - served)}"


# --- the objects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thing:
    """Something a path or a form names: label for messages and the path segment (or the
    e-mail address)."""

    label: str
    segment: str
    query: str = ""  # the joint picture's ?round=…

    @property
    def id(self) -> int | None:
        """The id the route reads from the segment: Litestar parses an {x:int} segment with
        int() after percent-decoding, so "+7", "07", "%207" and "٧" all name row 7."""
        try:
            return int(unquote(self.segment))
        except ValueError:
            return None


# Ids that name no row, and segments that are no id at all.
NOT_ROWS = [
    Thing("missing", "2147483000"),
    Thing("zero", "0"),
    Thing("negative", "-1"),
    Thing("past int32", "2147483648"),
    Thing("past int64", "99999999999999999999999"),
    Thing("letters", "abc"),
    Thing("decimal", "1.5"),
    Thing("exponent", "1e3"),
    Thing("hex", "0x1F"),
    Thing("nul", "%00"),
    Thing("slash", "1%2F2"),
]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def aliases(label: str, row_id: int) -> list[Thing]:
    """Other spellings of the same id that int() reads as it."""
    return [Thing(f"{label} as +id", f"+{row_id}"), Thing(f"{label} as 0id", f"0{row_id}"),
            Thing(f"{label} with a space", f"%20{row_id}"),
            Thing(f"{label} in Arabic-Indic digits", quote(str(row_id).translate(ARABIC_INDIC)))]


@dataclass
class World:
    """Organisation A (the victim) is party of S with B, of P with D and of a draft with B;
    C (a stranger) is party of G with E. Each organisation has one contact, A two. Each
    agreement has a lägesbild round (keyed like it) with inputs: in S, A's internal and
    submitted, B's a draft; in P, A's submitted; in the draft, A's submitted; in G, C's a
    draft and E's submitted."""

    texts: dict[str, str] = field(default_factory=dict)  # label -> text only some may see
    agreements: dict[str, dict] = field(default_factory=dict)
    commitments: dict[str, dict] = field(default_factory=dict)
    contacts: dict[str, dict] = field(default_factory=dict)
    organizations: dict[str, dict] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)  # agreement key -> its round's id

    def agreement_things(self) -> list[Thing]:
        return [Thing(f"agreement {k}", str(a["id"])) for k, a in self.agreements.items()] + \
            aliases("agreement S", self.agreements["S"]["id"])

    def commitment_things(self) -> list[Thing]:
        return [Thing(f"commitment {k}", str(c["id"])) for k, c in self.commitments.items()] + \
            aliases("commitment S-A", self.commitments["S-A"]["id"])

    def round_things(self) -> list[Thing]:
        return [Thing(f"round {k}", str(r)) for k, r in self.rounds.items()] + \
            aliases("round S", self.rounds["S"])

    def picture_things(self) -> list[Thing]:
        """Each agreement's joint picture, and some with a ?round: of the same agreement, of
        another one, and rounds that name no row."""
        mixed = [(a, r) for a in ("S", "G") for r in self.rounds] + [("P", "P")]
        return self.agreement_things() + [
            Thing(f"agreement {a} with round {r}", str(self.agreements[a]["id"]),
                  f"round={self.rounds[r]}") for a, r in mixed
        ] + [Thing(f"agreement S with round {label}", str(self.agreements["S"]["id"]),
                   f"round={quote(value)}")
             for label, value in (("zero", "0"), ("missing", "2147483000"), ("letters", "abc"),
                                  ("past int64", "99999999999999999999999"), ("negative", "-1"),
                                  ("S as +id", f"+{self.rounds['S']}"),
                                  ("S with a space", f" {self.rounds['S']}"))]

    def round_key(self, thing: Thing) -> str | None:
        return next((k for k, r in self.rounds.items() if r == thing.id), None)

    def agreement_key(self, thing: Thing) -> str | None:
        return next((k for k, a in self.agreements.items() if a["id"] == thing.id), None)

    def commitment_key(self, thing: Thing) -> str | None:
        return next((k for k, c in self.commitments.items() if c["id"] == thing.id), None)


async def build_world(coordinator) -> World:
    world = World()
    for key, count in (("A", 2), ("B", 1), ("C", 1), ("D", 1), ("E", 1)):
        people = [{"name": unique(f"Kontakt {key}{i} "), "email": address(f"matrix-{key}{i}")}
                  for i in range(count)]
        org = await organization(coordinator, *people)
        world.organizations[key] = org
        world.texts[f"org {key}"] = org["name"]
        for i, person in enumerate(org["contacts"]):
            world.contacts[f"{key}{i}"] = person
            world.texts[f"contact {key}{i} name"] = person["name"]
            world.texts[f"contact {key}{i} email"] = person["email"]
    orgs = world.organizations
    for key, parties, status in (("S", "AB", "in_preparation"), ("P", "AD", "in_preparation"),
                                 ("Draft", "AB", "draft"), ("G", "CE", "in_preparation")):
        agreement = await live_agreement(coordinator, *(orgs[p] for p in parties),
                                         status=status)
        world.agreements[key] = agreement
        world.texts[f"agreement {key} title"] = agreement["title"]
        world.texts[f"agreement {key} number"] = agreement["registration_number"]
        for index, party in enumerate(parties):
            names = [f"{key}-{party}"] + ([f"{key}-{party}2"] if (key, party) == ("S", "A")
                                          else [])
            for name in names:
                values = {"description": unique(f"Beskrivning {name} ")}
                if (key, party) == ("P", "A"):
                    # A's second contact is named only in the private agreement.
                    values["responsible_contact_id"] = world.contacts["A1"]["id"]
                made = await coordinator.commitment(agreement, index, **values)
                world.commitments[name] = made
                world.texts[f"commitment {name} title"] = made["title"]
                world.texts[f"commitment {name} description"] = made["description"]
    await build_rounds(coordinator, world)
    return world


# The inputs to each agreement's round: (party letter, submitted, internal).
INPUTS = {"S": [("A", True, True), ("B", False, False)], "P": [("A", True, False)],
          "Draft": [("A", True, False)], "G": [("C", False, False), ("E", True, False)]}
PARTIES = {"S": "AB", "P": "AD", "Draft": "AB", "G": "CE"}


async def build_rounds(coordinator, world: World) -> None:
    [indicator] = (await situation.indicators_by_codes(["anmald_skadegorelse"])).values()
    actor = Actor(id=None, label="matrix@example.se")
    for key, agreement in world.agreements.items():
        parties = {letter: party["id"]
                   for letter, party in zip(PARTIES[key], agreement["parties"], strict=True)}
        requests = [{"party_id": p, "indicator_ids": [indicator.id]} for p in parties.values()]
        if key == "Draft":
            # No round can be opened for a draft: one is put there as if left from before.
            round_id = await draft_round(agreement["id"], requests)
        else:
            response = await coordinator.post(f"/api/agreements/{agreement['id']}/rounds",
                                              json={"period": "2026-Q1",
                                                    "deadline": "2026-04-15",
                                                    "requests": requests})
            assert response.status_code == 201, response.text
            round_id = response.json()["id"]
        world.rounds[key] = round_id
        for letter, submitted, internal in INPUTS[key]:
            observations = unique(f"Iakttagelse {key}-{letter} ")
            world.texts[f"input {key}-{letter} observations"] = observations
            data = InputWrite(internal=internal, observations=observations,
                              values=[ValueInput(indicator_id=indicator.id, value=7)])
            async with write_transaction():
                await situation.save_input(actor, round_id, parties[letter], data)
                if submitted:
                    await situation.submit_input(actor, round_id, parties[letter])


async def draft_round(agreement_id: int, requests: list[dict]) -> int:
    period = parse_period("2026-Q1")
    now = clock.now()
    async with write_transaction():
        round_id = await situation_repository.insert_round({
            "agreement_id": agreement_id, "period_kind": period.kind,
            "period_start": period.start, "period_end": period.end,
            "deadline": period.end, "status": "open", "created_by": "matrix@example.se",
            "created_at": now, "updated_at": now,
        })
        await situation_repository.insert_requests([
            {"round": round_id, "party_id": r["party_id"], "indicator": i}
            for r in requests for i in r["indicator_ids"]])
    return round_id


# What each signed-in caller may see; everybody else may see none of world.texts.
MAY_SEE = {
    # B is the other party of S: S as its parties see it (A's commitments read-only, A's
    # primary contact), nothing of P, of the draft, of G.
    # A's input to S is internal: B sees neither its values nor its observations.
    "B0": {"org A", "org B", "contact A0 name", "contact A0 email", "contact B0 name",
           "contact B0 email", "agreement S title", "agreement S number",
           "commitment S-A title", "commitment S-A2 title", "commitment S-B title",
           "commitment S-A description", "commitment S-A2 description",
           "commitment S-B description", "input S-B observations"},
    # C has nothing to do with A: only G.
    "C0": {"org C", "org E", "contact C0 name", "contact C0 email", "contact E0 name",
           "contact E0 email", "agreement G title", "agreement G number",
           "commitment G-C title", "commitment G-E title", "commitment G-C description",
           "commitment G-E description", "input G-C observations", "input G-E observations"},
}
# The objects each signed-in caller may open (its own commitments: may open and act on).
VISIBLE_AGREEMENTS = {"B0": {"S"}, "C0": {"G"}}
OWN_COMMITMENTS = {"B0": {"S-B"}, "C0": {"G-C"}}
# The rounds whose input form each caller answers for its own party.
OWN_ROUNDS = {"B0": {"S"}, "C0": {"G"}}


# --- the callers -------------------------------------------------------------------------------


class Caller:
    """A browser with its own client address. After its setup its cookies are pinned: every
    request of the walk sends exactly those, whatever the previous answer set or deleted,
    so that an expired or logged-out cookie is tried on every route."""

    def __init__(self, app, opened: list, name: str, contact: str | None = None) -> None:
        opened.append(self)
        transport = httpx.ASGITransport(app=app, client=(client_address(), 50000))
        self.client = httpx.AsyncClient(transport=transport, base_url="https://testserver")
        self.name = name
        self.contact = contact  # the world's contact key when signed in, else None
        self.pinned: dict[str, str] | None = None
        self.before = None  # an async hook run before every request of the walk

    async def start(self) -> None:
        """A first visit, as a browser would make: the sign-in page sets the CSRF cookie."""
        assert (await self.client.get(LOGIN)).status_code in (200, 303)

    @property
    def csrf(self) -> str:
        if self.pinned is not None:
            return self.pinned[CSRF_COOKIE]
        return self.client.cookies[CSRF_COOKIE]

    async def post(self, url: str, data: dict | None = None) -> httpx.Response:
        """During setup: a form with the CSRF token, cookies kept as a browser keeps them."""
        return await self.client.post(url, data={**(data or {}), "_csrf_token": self.csrf})

    def pin(self) -> None:
        self.pinned = {cookie.name: cookie.value for cookie in self.client.cookies.jar}
        assert CSRF_COOKIE in self.pinned, self.name

    async def send(self, method: str, url: str, data: dict | None = None) -> httpx.Response:
        if self.before is not None:
            await self.before()
        self.client.cookies.clear()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.pinned.items())}
        if method == "POST":
            response = await self.client.post(url, headers=headers,
                                              data={**(data or {}), "_csrf_token": self.csrf})
        elif method == "GET":
            response = await self.client.get(url, headers=headers)
        else:
            response = await self.client.request(method, url,
                                                 headers={**headers, "x-csrftoken": self.csrf})
        self.client.cookies.clear()
        return response

    async def close(self) -> None:
        await self.client.aclose()


async def use_link(caller: Caller, token: str) -> httpx.Response:
    """Open the link's page and press its button, as the e-mail's reader does."""
    page = await caller.client.get(f"/portal/link/{token}")
    assert page.status_code == 200, page.text
    return await caller.post(f"/portal/link/{token}")


async def invitation_token(coordinator, agreement: dict, contact: dict) -> str:
    await invite(coordinator, agreement, contact)
    return token_in((await messages(contact["email"], "portal_invitation"))[-1])


async def signed_in(app, opened: list, coordinator, name: str, agreement: dict,
                    contact_key: str, world: World) -> tuple[Caller, str]:
    """A caller signed in by an invitation; returns it and the link's (now used) token."""
    caller = Caller(app, opened, name, contact_key)
    await caller.start()
    token = await invitation_token(coordinator, agreement, world.contacts[contact_key])
    used = await use_link(caller, token)
    assert used.status_code == 303, used.text
    assert get_settings().portal_cookie_name in caller.client.cookies
    return caller, token


def session_cookie(caller: Caller) -> str:
    return caller.client.cookies[get_settings().portal_cookie_name]


def keep_expired(cookie_value: str, contact_id: int, *, idle: bool):
    """A hook putting the cookie's session back past its idle or its absolute time before
    each request (the first request that finds it expired deletes it)."""
    hashed = token_hash(cookie_value)

    async def expire() -> None:
        settings = get_settings()
        now = clock.now()
        idle_time = timedelta(minutes=settings.portal_session_idle_minutes)
        absolute = timedelta(hours=settings.portal_session_absolute_hours)
        minute = timedelta(minutes=1)
        if idle:  # within its lifetime, but untouched for longer than the idle time
            created, last_seen, ends = now - idle_time * 2, now - idle_time - minute, now + absolute
        else:  # busy until now, but past its absolute end
            created, last_seen, ends = now - absolute - minute, now, now - minute
        async with write_transaction():
            rows = await PortalSession.select(PortalSession.contact_id).where(
                PortalSession.token_hash == hashed
            )
            if rows:
                await PortalSession.update({
                    PortalSession.created_at: created, PortalSession.last_seen_at: last_seen,
                    PortalSession.expires_at: ends,
                }).where(PortalSession.token_hash == hashed)
            else:
                await PortalSession.insert(PortalSession(
                    token_hash=hashed, contact_id=contact_id, created_at=created,
                    last_seen_at=last_seen, expires_at=ends,
                ))

    return expire


# --- what each answer must be ------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    status: int
    location: str | None = None
    kind: str = ""  # "missing": the 404 page; "link_page"/"link_invalid": one page for all


MISSING = Expected(404, kind="missing")
TO_LOGIN = Expected(303, LOGIN)


def expected(world: World, caller: Caller, route: Route, thing: Thing | None,
             form: str) -> Expected:
    if (thing is not None and route.names in ("agreement", "commitment", "round", "picture")
            and thing.id is None):
        return MISSING  # no route has such a path
    if (route.path, route.method) not in {(r.path, r.method) for r in ROUTES}:
        return Expected(405, kind="not_allowed")
    if route.private and caller.contact is None:
        return TO_LOGIN
    if route.names == "agreement":
        key = world.agreement_key(thing)
        return Expected(200) if key in VISIBLE_AGREEMENTS[caller.contact] else MISSING
    if route.names == "picture":
        key = world.agreement_key(thing)
        if thing.query:
            # Only plain digits name a round in a query ("+7" and " 7" name none).
            value = unquote(thing.query.removeprefix("round="))
            named = (world.round_key(Thing("", value)) if value.isascii() and value.isdigit()
                     else None)
            if named != key:  # a round of another agreement, or one that names no row
                return MISSING
        return Expected(200) if key in VISIBLE_AGREEMENTS[caller.contact] else MISSING
    if route.names in ("commitment", "round"):
        if route.names == "round":
            mine = world.round_key(thing) in OWN_ROUNDS[caller.contact]
        else:
            mine = world.commitment_key(thing) in OWN_COMMITMENTS[caller.contact]
        if not mine:
            return MISSING
        # The caller's own commitment or its party's draft input: a page, a form refused by
        # its checks, or a valid form refused for its stale version (a report: because the
        # commitment awaits confirmation), so that nothing is written.
        if route.method == "GET":
            return Expected(200)
        return Expected(400) if form == "invalid" else Expected(409)
    path, method = route.path, route.method
    if path == "/portal" or (path == "/portal/profile" and method == "GET"):
        return Expected(200)
    if path == "/portal/profile":
        return Expected(400) if form == "invalid" else Expected(303, "/portal/profile?done=saved")
    if path == "/portal/login":
        if method == "POST":
            if "@" not in thing.segment:
                return Expected(400)
            return Expected(303, f"{LOGIN}?sent=1")
        return Expected(303, "/portal/") if caller.contact else Expected(200)
    if route.names == "token":
        return Expected(200, kind="link_page") if method == "GET" else Expected(
            400, kind="link_invalid")
    if route.names == "language":
        return Expected(303, "/portal/") if thing.segment in ("sv", "en") else MISSING
    if path == "/portal/logout":
        return Expected(303, f"{LOGIN}?done=logged_out")
    raise AssertionError(f"no expectation for {route}")


def url_of(route: Route, thing: Thing | None) -> str:
    if route.path == "/portal":
        return "/portal/"
    if thing is None or route.names == "email":
        return route.path
    path = PLACEHOLDER.sub(lambda _: thing.segment, route.path)
    return f"{path}?{thing.query}" if thing.query else path


def normalized(body: str, url: str) -> str:
    """The page without what differs by nature: its CSRF token, and its own path where a page
    names it (the language switch's way back, a form posting to the page itself)."""
    body = CSRF_FIELD.sub(r"\1…\2", body)
    body = NEXT.sub(r"\1{PATH}", body)
    path = url.split("?")[0]
    for shown in {path, unquote(path)}:
        for form in (quote(shown, safe="/"), html.escape(shown)):
            body = body.replace(f'action="{form}"', 'action="{PATH}"')
    return body


# --- the forms ---------------------------------------------------------------------------------


def tampered(world: World) -> dict:
    """Ids no portal form has, added to every form as if edited in the browser: the portal
    must take who and what from the session and the path, never from these."""
    victim = world.contacts["A0"]
    return {
        "commitment_id": world.commitments["S-A"]["id"],
        "agreement_id": world.agreements["P"]["id"],
        "party_id": world.agreements["S"]["parties"][0]["id"],
        "organization_id": world.organizations["A"]["id"],
        "round_id": world.rounds["P"],
        "contact_id": victim["id"],
        "email": victim["email"],
        "session_id": 1,
    }


async def form_for(world: World, caller: Caller, route: Route, thing: Thing | None,
                   form: str) -> dict:
    """A valid form would be accepted if the caller were allowed to send it – except on the
    caller's own commitment, where the version is stale so that nothing is written. An
    invalid one is refused by the route's checks of its fields."""
    data = tampered(world)
    today = clock.today().isoformat()
    if route.names == "commitment":
        key = world.commitment_key(thing)
        target = world.commitments.get(key)
        version = target["version"] if target else 1
        if caller.contact and key in OWN_COMMITMENTS[caller.contact]:
            version += 1000
        data |= {"comment": "Matrisen svarar", "version": str(version),
                 "status": "done", "note": "Matrisen rapporterar", "as_of": today}
        if form == "invalid":
            data |= {"status": "klart", "comment": "" if route.path.endswith("/decline")
                     else "x" * 2001}
    elif route.names == "round":
        key = world.round_key(thing)
        found = None
        if key is not None:
            letter = {"B0": "B", "C0": "C"}.get(caller.contact or "", PARTIES[key][0])
            index = PARTIES[key].find(letter)
            party = world.agreements[key]["parties"][max(index, 0)]
            found = await situation.input_(world.rounds[key], party["id"])
        version = found.version if found else 1
        if caller.contact and key in OWN_ROUNDS[caller.contact]:
            version += 1000
        [indicator] = (await situation.indicators_by_codes(["anmald_skadegorelse"])).values()
        i = indicator.id
        data |= {"action": "submit", "version": str(version), "observations": "Matrisen",
                 "internal": "1", f"value-{i}": "12,5", f"place-{i}-0": "Torget",
                 f"amount-{i}-0": "3"}
        if form == "invalid":
            data |= {f"value-{i}": "tolv", f"place-{i}-1": "", f"amount-{i}-1": "4"}
    elif route.path == "/portal/profile":
        # The caller's own details, unchanged (unsigned callers name the victim's).
        me = await registry.contact(world.contacts[caller.contact or "A0"]["id"])
        data |= {"name": "" if form == "invalid" else me.name, "title": me.title or "",
                 "phone": me.phone or "", "language": me.language.value,
                 "version": str(me.version)}
    elif route.names == "email":
        data["email"] = thing.segment
    return data


# --- what must not change ----------------------------------------------------------------------


async def snapshot(world: World) -> dict:
    state = {}
    for key, made in world.agreements.items():
        agreement = await agreements.agreement(made["id"])
        state[f"agreement {key}"] = (agreement.status, agreement.version)
        for commitment in agreement.commitments:
            reports = await agreements.progress_reports(commitment.id)
            state[f"commitment {commitment.id}"] = (
                commitment.status, commitment.version, commitment.confirmed_by,
                commitment.confirmation_comment, [r.id for r in reports],
            )
    for key, round_id in world.rounds.items():
        for found in await situation.inputs(round_id):
            state[f"input {key} {found.party_id}"] = (
                found.status, found.version, found.internal, found.observations,
                sorted((v.indicator_id, v.place, v.value) for v in found.values),
            )
    for key, person in world.contacts.items():
        contact = await registry.contact(person["id"])
        state[f"contact {key}"] = (contact.organization_id, contact.email)
        if key not in MAY_SEE:  # the signed-in callers save their own (same) details
            state[f"contact {key} details"] = (contact.name, contact.title, contact.phone,
                                               contact.language, contact.version)
    return state


# --- the walk ----------------------------------------------------------------------------------


@pytest.fixture
async def opened():
    """Callers to close when the test ends, however it ends."""
    made: list[Caller] = []
    yield made
    for caller in made:
        await caller.close()


async def test_no_caller_sees_or_changes_what_is_not_its_own_on_any_portal_route(
    app, coordinator, monkeypatch, opened
):
    # Every caller below tries several links and asks for links from its own client address;
    # the limits per client and per address are not what this test is about.
    change_settings(monkeypatch, portal_link_requests_per_client=100_000,
                    portal_link_requests_per_address=100_000,
                    portal_link_attempts_per_client=100_000)
    world = await build_world(coordinator)
    a0 = world.contacts["A0"]
    callers: list[Caller] = []

    # A's own contact, signed in throughout: its session must survive every other caller.
    victim, used_token = await signed_in(app, opened, coordinator, "victim",
                                         world.agreements["S"], "A0", world)
    # A confirms one commitment, so that a report on it would be accepted from A.
    s_a2 = world.commitments["S-A2"]
    confirmed = await victim.post(f"/portal/commitments/{s_a2['id']}/confirm",
                                  {"comment": "", "version": s_a2["version"]})
    assert confirmed.status_code == 303, confirmed.text
    for key, made in world.commitments.items():
        response = await coordinator.get(f"/api/commitments/{made['id']}")
        world.commitments[key] = response.json()
    assert world.commitments["S-A2"]["status"] == "confirmed"

    # (a) nobody.
    anonymous = Caller(app, opened, "no session")
    await anonymous.start()
    callers.append(anonymous)

    # (b) A's sessions past their idle and past their absolute time.
    for name, idle in (("idle session", True), ("session past its absolute time", False)):
        owner, _ = await signed_in(app, opened, coordinator, name, world.agreements["S"], "A0",
                                   world)
        owner.contact = None  # what it may see is what nobody may see
        owner.before = keep_expired(session_cookie(owner), a0["id"], idle=idle)
        callers.append(owner)

    # (c) browsers that tried A's expired invitation, A's expired sign-in link, and (d) the
    # link A has already used.
    with monkeypatch.context() as past:
        travel(past, clock.now() - timedelta(days=get_settings().portal_invitation_days,
                                             minutes=1))
        expired_invitation = await invitation_token(coordinator, world.agreements["P"], a0)
    with monkeypatch.context() as past:
        travel(past, clock.now() - timedelta(minutes=get_settings().portal_link_minutes,
                                             seconds=30))
        asked = await anonymous.post(LOGIN, {"email": a0["email"]})
        assert asked.status_code == 303, asked.text
    expired_sign_in = token_in((await messages(a0["email"], "portal_sign_in"))[-1])
    for name, token in (("after an expired invitation", expired_invitation),
                        ("after an expired sign-in link", expired_sign_in),
                        ("after a used link", used_token)):
        tried = Caller(app, opened, name)
        await tried.start()
        refused = await use_link(tried, token)
        assert refused.status_code == 400, refused.text
        callers.append(tried)

    # (f) A's session cookie after A logged out, replayed.
    logged_out, _ = await signed_in(app, opened, coordinator, "logged-out cookie",
                                    world.agreements["S"], "A0", world)
    ended = session_cookie(logged_out)
    assert (await logged_out.post("/portal/logout")).status_code == 303
    logged_out.pin()
    logged_out.pinned[get_settings().portal_cookie_name] = ended
    logged_out.contact = None
    callers.append(logged_out)

    # (e) signed-in partners of other organisations: a stranger, and A's co-party in S.
    stranger, _ = await signed_in(app, opened, coordinator,
                                  "partner of an unrelated organisation",
                                  world.agreements["G"], "C0", world)
    neighbour, _ = await signed_in(app, opened, coordinator, "partner of the other party",
                                   world.agreements["S"], "B0", world)
    callers += [stranger, neighbour]

    # A link of A's that nobody uses: opening its page must not use it up.
    unused = await invitation_token(coordinator, world.agreements["S"], a0)

    objects = {
        "agreement": world.agreement_things() + NOT_ROWS,
        "commitment": world.commitment_things() + NOT_ROWS,
        "round": world.round_things() + NOT_ROWS,
        "picture": world.picture_things() + NOT_ROWS,
        "token": [Thing("used link", used_token), Thing("expired invitation", expired_invitation),
                  Thing("expired sign-in link", expired_sign_in),
                  Thing("unknown link", secrets.token_urlsafe(32)),
                  Thing("long link", "A" * 4000), Thing("non-ascii link", quote("länk"))],
        "email": [Thing("A's address", a0["email"]), Thing("unknown address", address("okand")),
                  Thing("malformed address", a0["email"].replace("@", " "))],
        "language": [Thing("sv", "sv"), Thing("en", "en"), Thing("unknown language", "xx")],
    }
    # GET only: a link that still works (a POST would sign in, which is what links are for).
    get_only = {"token": [Thing("unused link", unused)]}
    # Methods a path does not serve, with A's objects and a missing one: 405 pages alike.
    probed = {"agreement": ["agreement P", "agreement S", "missing"],
              "commitment": ["commitment P-A", "commitment S-A", "missing"],
              "round": ["round P", "round S", "missing"],
              "picture": ["agreement P", "agreement S", "missing"],
              "token": ["used link", "unknown link"], "language": ["sv"]}
    assert ROUTES[-1].path == "/portal/logout"
    walk = ROUTES[:-1] + unserved() + ROUTES[-1:]

    for caller in callers:
        if caller.pinned is None:
            caller.pin()
    before = await snapshot(world)
    problems: list[str] = []
    requests = 0
    for caller in callers:
        secret = {label: text for label, text in world.texts.items()
                  if label not in MAY_SEE.get(caller.contact, set())}
        baseline = await caller.send("GET", NO_SUCH_PAGE)
        assert baseline.status_code == 404, (caller.name, baseline.text)
        pages: dict[str, str] = {"missing": normalized(baseline.text, NO_SUCH_PAGE)}
        for route in walk:
            if route.names is None:
                things = [None]
            elif route in ROUTES:
                things = objects[route.names] + (get_only.get(route.names, [])
                                                 if route.method == "GET" else [])
            else:
                things = [t for t in objects[route.names] if t.label in probed[route.names]]
            for thing, form in itertools.product(things, route.forms):
                url = url_of(route, thing)
                data = None
                if route.method == "POST":
                    data = await form_for(world, caller, route, thing, form)
                response = await caller.send(route.method, url, data)
                requests += 1
                want = expected(world, caller, route, thing, form)
                about = ([thing.label] if thing else []) + (
                    [f"{form} form"] if len(route.forms) > 1 else [])
                where = f"{caller.name}: {route.method} {url[:80]} ({', '.join(about)})"
                body = response.content.decode("utf-8", errors="replace")
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                shown = f"{body} {response.headers.get('location', '')}"
                for label, text in secret.items():
                    if text in shown:
                        problems.append(f"{where}: shows {label} ({text!r})")
                if response.status_code != want.status:
                    problems.append(f"{where}: {response.status_code}, not {want.status}")
                    continue
                location = response.headers.get("location")
                if want.location is not None and location != want.location:
                    problems.append(f"{where}: to {location!r}, not {want.location!r}")
                if want.kind:
                    page = normalized(body, url)
                    first = pages.setdefault(want.kind, page)
                    if page != first:
                        problems.append(f"{where}: its {want.kind} page differs from the others")
        # Its logout (the last route) ended a signed-in caller's own session, and only that.
        if caller.contact is not None:
            after_logout = await caller.send("GET", "/portal/")
            requests += 1
            if after_logout.headers.get("location") != LOGIN:
                problems.append(f"{caller.name}: still signed in after logging out")
        mine = await victim.client.get("/portal/")
        if mine.status_code != 200 or a0["name"] not in mine.text:
            problems.append(f"{caller.name}: A's own session no longer works")

    after = await snapshot(world)
    problems += [f"written by the walk: {key}: {before[key]} -> {after.get(key)}"
                 for key in before if before[key] != after.get(key)]
    [still_unused] = [link for link in await links_of(a0["id"])
                      if link["token_hash"] == token_hash(unused)]
    assert still_unused["used_at"] is None, "opening a link's page used it up"
    assert not problems, f"{len(problems)} of {requests} requests:\n" + "\n".join(problems)
    # The size of the walk, so that a matrix that quietly shrank is noticed.
    assert requests >= len(callers) * 100, requests
