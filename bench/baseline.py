"""The benchmark's baseline: the two measured routes, hand-written over asyncpg and msgspec.

It answers `GET /api/agreements?limit=&offset=` (default sort, newest change first) and
`GET /api/agreements/{id}` with the same JSON (and ETag) as the real service, after the same
bearer-token check: one lookup of the token's SHA-256 joined with its user, refusing
inactive users and revoked or expired tokens, and touching last_used_at at most once a
minute. Each request takes one pooled connection and runs its queries on it in turn; the
pool has the real service's size (SAMVERKAN_POSTGRES_POOL_MIN/MAX, default 2/10).

    SAMVERKAN_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/samverkan_bench \\
        .venv/bin/uvicorn --app-dir bench baseline:create_app --factory --port 8001

This is a yardstick, not a second implementation: no filters, no writes, no OpenAPI.
"""

import hashlib
import os
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get
from litestar.params import Parameter

DATABASE_URL = os.environ.get(
    "SAMVERKAN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/samverkan_bench"
)
POOL_MIN = int(os.environ.get("SAMVERKAN_POSTGRES_POOL_MIN", "2"))
POOL_MAX = int(os.environ.get("SAMVERKAN_POSTGRES_POOL_MAX", "10"))
TOUCH_EVERY = timedelta(minutes=1)
JSON = "application/json"


# --- response shapes (the same as samverkan.agreements.schemas) -------------------------


class PartyBrief(msgspec.Struct):
    id: int
    organization_id: int
    name: str


class AgreementSummary(msgspec.Struct):
    id: int
    title: str
    kind: str
    status: str
    registration_number: str | None
    period_start: date
    period_end: date | None
    municipality_codes: list[str]
    parties: list[PartyBrief]
    version: int
    updated_at: datetime


class Page(msgspec.Struct):
    items: list[AgreementSummary]
    total: int
    limit: int
    offset: int


class OrganizationSummary(msgspec.Struct):
    id: int
    name: str
    kind: str
    org_number: str
    municipality_code: str | None
    version: int


class ContactRead(msgspec.Struct):
    id: int
    organization_id: int
    name: str
    email: str
    phone: str | None
    title: str | None
    language: str
    version: int


class PartyRead(msgspec.Struct):
    id: int
    agreement_id: int
    organization: OrganizationSummary
    role: str
    registration_number: str | None
    primary_contact: ContactRead | None
    signatory_name: str | None
    signatory_title: str | None
    signatory_email: str | None
    signed_on: date | None
    signed_place: str | None
    signature_method: str | None
    version: int


class FocusAreaRead(msgspec.Struct):
    id: int
    agreement_id: int
    title: str
    problem: str
    cause_analysis: str
    priority: int
    version: int


class GoalRead(msgspec.Struct):
    id: int
    agreement_id: int
    focus_area_id: int | None
    title: str
    indicator: str
    unit: str
    baseline: float | None
    target: float | None
    measured_how: str
    version: int


class CommitmentRead(msgspec.Struct):
    id: int
    agreement_id: int
    party_id: int
    focus_area_id: int | None
    title: str
    description: str
    responsible_contact_id: int | None
    due_date: date | None
    recurrence: str | None
    status: str
    status_changed_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    confirmation_comment: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class OutcomeRead(msgspec.Struct):
    commitment_id: int
    outcome: str
    note: str


class FollowUpRead(msgspec.Struct):
    id: int
    agreement_id: int
    date: date
    kind: str
    title: str
    notes: str
    start_time: time | None
    duration_minutes: int
    location: str
    outcomes: list[OutcomeRead]
    version: int


class AgreementRead(msgspec.Struct):
    id: int
    title: str
    kind: str
    status: str
    registration_number: str | None
    purpose: str
    background: str
    governance: str
    period_start: date
    period_end: date | None
    follow_up_cadence: str | None
    local_police_area_id: int | None
    municipality_codes: list[str]
    parent_id: int | None
    supersedes_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    coordinator_user_ids: list[int]
    parties: list[PartyRead]
    focus_areas: list[FocusAreaRead]
    goals: list[GoalRead]
    commitments: list[CommitmentRead]
    follow_ups: list[FollowUpRead]


ENCODER = msgspec.json.Encoder()

# --- SQL --------------------------------------------------------------------------------

TOKEN_SQL = """
SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, u.active
FROM api_token t JOIN account_user u ON u.id = t."user"
WHERE t.token_hash = $1
"""
TOUCH_SQL = "UPDATE api_token SET last_used_at = $2 WHERE id = $1"

PAGE_SQL = """
SELECT id, title, kind, status, registration_number, period_start, period_end, version,
       updated_at
FROM agreement ORDER BY updated_at DESC, id DESC LIMIT $1 OFFSET $2
"""
COUNT_SQL = "SELECT count(*) FROM agreement"
CODES_SQL = """
SELECT am.agreement, m.code FROM agreement_municipality am
JOIN municipality m ON m.id = am.municipality
WHERE am.agreement = ANY($1::int[]) ORDER BY am.id
"""
BRIEFS_SQL = """
SELECT p.agreement, p.id, p.organization, o.name FROM party p
JOIN organization o ON o.id = p.organization
WHERE p.agreement = ANY($1::int[]) ORDER BY p.id
"""

AGREEMENT_SQL = """
SELECT id, title, kind, status, registration_number, purpose, background, governance,
       period_start, period_end, follow_up_cadence, local_police_area, parent, supersedes,
       version, created_at, updated_at
FROM agreement WHERE id = $1
"""
PARTIES_SQL = """
SELECT p.id, p.agreement, p.role, p.registration_number, p.signatory_name, p.signatory_title,
       p.signatory_email, p.signed_on, p.signed_place, p.signature_method, p.version,
       o.id AS o_id, o.name AS o_name, o.kind AS o_kind, o.org_number AS o_org_number,
       om.code AS o_municipality_code, o.version AS o_version,
       c.id AS c_id, c.organization AS c_organization, c.name AS c_name, c.email AS c_email,
       c.phone AS c_phone, c.title AS c_title, c.language AS c_language,
       c.version AS c_version
FROM party p
JOIN organization o ON o.id = p.organization
LEFT JOIN municipality om ON om.id = o.municipality
LEFT JOIN contact c ON c.id = p.primary_contact
WHERE p.agreement = $1 ORDER BY p.id
"""
FOCUS_AREAS_SQL = """
SELECT id, agreement, title, problem, cause_analysis, priority, version
FROM focus_area WHERE agreement = $1 ORDER BY priority, id
"""
GOALS_SQL = """
SELECT id, agreement, focus_area, title, indicator, unit, baseline, target, measured_how, version
FROM goal WHERE agreement = $1 ORDER BY id
"""
COMMITMENTS_SQL = """
SELECT id, agreement, party, focus_area, title, description, responsible_contact, due_date,
       recurrence, status, status_changed_at, confirmed_by, confirmed_at, confirmation_comment,
       version, created_at, updated_at
FROM commitment WHERE agreement = $1 ORDER BY id
"""
FOLLOW_UPS_SQL = """
SELECT id, agreement, date, kind, title, notes, start_time, duration_minutes, location, version
FROM follow_up WHERE agreement = $1 ORDER BY date, id
"""
COORDINATORS_SQL = """
SELECT user_id FROM agreement_coordinator WHERE agreement = $1 ORDER BY id
"""
OUTCOMES_SQL = """
SELECT o.follow_up, o.commitment, o.outcome, o.note FROM follow_up_outcome o
JOIN follow_up f ON f.id = o.follow_up WHERE f.agreement = $1 ORDER BY o.id
"""


# --- routes -----------------------------------------------------------------------------


def _json(body: bytes, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body, status_code=status, media_type=JSON, headers=headers)


def _refused() -> Response:
    return _json(
        b'{"status_code":401,"detail":"authentication required"}',
        401,
        {"WWW-Authenticate": 'Bearer realm="samverkan"'},
    )


async def _authenticated(conn: asyncpg.Connection, request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    row = await conn.fetchrow(TOKEN_SQL, hashlib.sha256(token.encode()).hexdigest())
    if row is None or not row["active"] or row["revoked_at"] is not None:
        return False
    now = datetime.now(UTC)
    if row["expires_at"] is not None and now >= row["expires_at"]:
        return False
    if row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_EVERY:
        await conn.execute(TOUCH_SQL, row["id"], now)
    return True


@get("/api/agreements")
async def list_agreements(
    request: Request,
    limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    offset: Annotated[int, Parameter(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    async with request.app.state.pool.acquire() as conn:
        if not await _authenticated(conn, request):
            return _refused()
        rows = await conn.fetch(PAGE_SQL, limit, offset)
        total = await conn.fetchval(COUNT_SQL)
        ids = [r[0] for r in rows]
        codes: dict[int, list[str]] = {i: [] for i in ids}
        parties: dict[int, list[PartyBrief]] = {i: [] for i in ids}
        if ids:
            for agreement, code in await conn.fetch(CODES_SQL, ids):
                codes[agreement].append(code)
            for agreement, party_id, org_id, name in await conn.fetch(BRIEFS_SQL, ids):
                parties[agreement].append(PartyBrief(party_id, org_id, name))
    items = [
        AgreementSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], codes[r[0]], parties[r[0]],
                         r[7], r[8])
        for r in rows
    ]
    return _json(ENCODER.encode(Page(items, total, limit, offset)))


@get("/api/agreements/{agreement_id:int}")
async def get_agreement(
    request: Request, agreement_id: Annotated[int, Parameter(ge=1, le=2**31 - 1)]
) -> Response:
    async with request.app.state.pool.acquire() as conn:
        if not await _authenticated(conn, request):
            return _refused()
        a = await conn.fetchrow(AGREEMENT_SQL, agreement_id)
        if a is None:
            return _json(b'{"status_code":404,"detail":"agreement not found"}', 404)
        codes = await conn.fetch(
            "SELECT m.code FROM agreement_municipality am JOIN municipality m "
            "ON m.id = am.municipality WHERE am.agreement = $1 ORDER BY am.id",
            agreement_id,
        )
        parties = await conn.fetch(PARTIES_SQL, agreement_id)
        focus_areas = await conn.fetch(FOCUS_AREAS_SQL, agreement_id)
        goals = await conn.fetch(GOALS_SQL, agreement_id)
        commitments = await conn.fetch(COMMITMENTS_SQL, agreement_id)
        follow_ups = await conn.fetch(FOLLOW_UPS_SQL, agreement_id)
        outcomes = await conn.fetch(OUTCOMES_SQL, agreement_id) if follow_ups else []
        coordinators = await conn.fetch(COORDINATORS_SQL, agreement_id)
    outcomes_of: dict[int, list[OutcomeRead]] = {}
    for follow_up, commitment, outcome, note in outcomes:
        outcomes_of.setdefault(follow_up, []).append(OutcomeRead(commitment, outcome, note))
    body = AgreementRead(
        id=a["id"],
        title=a["title"],
        kind=a["kind"],
        status=a["status"],
        registration_number=a["registration_number"],
        purpose=a["purpose"],
        background=a["background"],
        governance=a["governance"],
        period_start=a["period_start"],
        period_end=a["period_end"],
        follow_up_cadence=a["follow_up_cadence"],
        local_police_area_id=a["local_police_area"],
        municipality_codes=[r[0] for r in codes],
        parent_id=a["parent"],
        supersedes_id=a["supersedes"],
        version=a["version"],
        created_at=a["created_at"],
        updated_at=a["updated_at"],
        coordinator_user_ids=[r[0] for r in coordinators],
        parties=[
            PartyRead(
                p[0], p[1],
                OrganizationSummary(p[11], p[12], p[13], p[14], p[15], p[16]),
                p[2], p[3],
                None if p[17] is None
                else ContactRead(p[17], p[18], p[19], p[20], p[21], p[22], p[23], p[24]),
                p[4], p[5], p[6], p[7], p[8], p[9], p[10],
            )
            for p in parties
        ],
        focus_areas=[FocusAreaRead(*f) for f in focus_areas],
        goals=[GoalRead(*g) for g in goals],
        commitments=[CommitmentRead(*c) for c in commitments],
        follow_ups=[
            FollowUpRead(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8],
                         outcomes_of.get(f[0], []), f[9])
            for f in follow_ups
        ],
    )
    return _json(ENCODER.encode(body), headers={"ETag": f'"{a["version"]}"'})


async def _open_pool(app: Litestar) -> None:
    app.state.pool = await asyncpg.create_pool(
        DATABASE_URL, min_size=POOL_MIN, max_size=POOL_MAX
    )


async def _close_pool(app: Litestar) -> None:
    await app.state.pool.close()


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[list_agreements, get_agreement],
        on_startup=[_open_pool],
        on_shutdown=[_close_pool],
        openapi_config=None,
    )
