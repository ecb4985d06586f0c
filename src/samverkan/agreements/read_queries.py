"""The two busiest reads of agreements, hand-written for PostgreSQL: the default list page
and one whole agreement, as the JSON documents `GET /api/agreements` and
`GET /api/agreements/{id}` answer.

Why a second repository module: these two routes are the service's hot read path
(docs/performance.md, issue 2). Built from Piccolo queries and pydantic models they cost
7–12 queries, each on its own pooled connection, and most of a request's CPU in Python.
Here each request takes one connection from Piccolo's asyncpg pool and runs a few prepared
statements on it, and rows become plain dicts in the read models' field order, ready for
msgspec, without being validated again. Every other query of agreements stays in
repository.py.

Two deliberate exceptions to the domain boundaries (docs/architecture.md, "Where the code
deviates"): these statements join registry tables (organisation, contact, municipality)
instead of asking the registry service, and only read them.

Everything here is PostgreSQL-only and needs the pool and no open transaction (a read on
another connection would not see the transaction's writes): available() says whether it
can run; otherwise the caller takes the portable path in service.py. The field order of
every document comes from the pydantic read models themselves, so a field added there
and not here fails loudly (at import, or as an unknown column on the first query), not
silently in a response.
"""

from samverkan.agreements.repository import SORTABLE
from samverkan.agreements.schemas import (
    AgreementRead,
    AgreementSummary,
    CommitmentRead,
    FocusAreaRead,
    FollowUpRead,
    GoalRead,
    OutcomeRead,
    PartyBrief,
    PartyRead,
)
from samverkan.db import read_pool
from samverkan.registry.schemas import ContactRead, OrganizationSummary


def available() -> bool:
    return read_pool() is not None


def _fields(model) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _select(model, columns: dict[str, str], skip: tuple[str, ...] = ()) -> str:
    """The select list of model's fields (except skip) in the model's order, each aliased
    to its field name; columns maps a field to its SQL where the two differ."""
    names = [name for name in _fields(model) if name not in skip]
    return ", ".join(
        f'{columns.get(name, name)} AS "{name}"' for name in names
    )


def _check(model, known: set[str]) -> None:
    missing = set(_fields(model)) - known
    if missing:
        raise RuntimeError(f"read_queries does not read {model.__name__}.{sorted(missing)}")


# --- one whole agreement -------------------------------------------------------------------

_AGREEMENT_NESTED = ("parties", "focus_areas", "goals", "commitments", "follow_ups")
_AGREEMENT_SQL = (
    "SELECT "
    + _select(
        AgreementRead,
        {
            "local_police_area_id": "a.local_police_area",
            "parent_id": "a.parent",
            "supersedes_id": "a.supersedes",
            "municipality_codes": (
                "ARRAY(SELECT m.code FROM agreement_municipality am "
                "JOIN municipality m ON m.id = am.municipality "
                "WHERE am.agreement = a.id ORDER BY am.id)"
            ),
            "coordinator_user_ids": (
                "ARRAY(SELECT c.user_id FROM agreement_coordinator c "
                "WHERE c.agreement = a.id ORDER BY c.id)"
            ),
        }
        | {name: f"a.{name}" for name in ("id", "version")},
        skip=_AGREEMENT_NESTED,
    )
    + " FROM agreement a WHERE a.id = $1"
)

_ORGANIZATION = {
    "id": "o.id",
    "name": "o.name",
    "kind": "o.kind",
    "org_number": "o.org_number",
    "municipality_code": "om.code",
    "version": "o.version",
}
_CONTACT = {
    "id": "c.id",
    "organization_id": "c.organization",
    "name": "c.name",
    "email": "c.email",
    "phone": "c.phone",
    "title": "c.title",
    "language": "c.language",
    "version": "c.version",
}
_check(OrganizationSummary, set(_ORGANIZATION))
_check(ContactRead, set(_CONTACT))
_ORGANIZATION_KEYS = _fields(OrganizationSummary)
_CONTACT_KEYS = _fields(ContactRead)
_PARTY_KEYS = _fields(PartyRead)
_PARTY_OWN = [name for name in _PARTY_KEYS if name not in ("organization", "primary_contact")]
_PARTIES_SQL = (
    "SELECT "
    + ", ".join(
        [f'p.{"agreement" if n == "agreement_id" else n} AS "{n}"' for n in _PARTY_OWN]
        + [f'{_ORGANIZATION[n]} AS "o.{n}"' for n in _ORGANIZATION_KEYS]
        + [f'{_CONTACT[n]} AS "c.{n}"' for n in _CONTACT_KEYS]
    )
    + """
FROM party p
JOIN organization o ON o.id = p.organization
LEFT JOIN municipality om ON om.id = o.municipality
LEFT JOIN contact c ON c.id = p.primary_contact
WHERE p.agreement = $1 ORDER BY p.id"""
)

_FK = {"agreement_id": "agreement", "focus_area_id": "focus_area", "party_id": "party",
       "responsible_contact_id": "responsible_contact"}
_FOCUS_AREAS_SQL = (
    f"SELECT {_select(FocusAreaRead, _FK)} FROM focus_area "
    "WHERE agreement = $1 ORDER BY priority, id"
)
_GOALS_SQL = f"SELECT {_select(GoalRead, _FK)} FROM goal WHERE agreement = $1 ORDER BY id"
_COMMITMENTS_SQL = (
    f"SELECT {_select(CommitmentRead, _FK)} FROM commitment WHERE agreement = $1 ORDER BY id"
)
_FOLLOW_UP_KEYS = _fields(FollowUpRead)
_FOLLOW_UPS_SQL = (
    f'SELECT {_select(FollowUpRead, _FK, skip=("outcomes",))} FROM follow_up '
    'WHERE agreement = $1 ORDER BY "date", id'
)
_OUTCOMES_SQL = (
    'SELECT o.follow_up AS "follow_up_id", '
    + _select(OutcomeRead, {"commitment_id": "o.commitment", "outcome": "o.outcome",
                            "note": "o.note"})
    + " FROM follow_up_outcome o JOIN follow_up f ON f.id = o.follow_up"
    " WHERE f.agreement = $1 ORDER BY o.id"
)
_AGREEMENT_KEYS = _fields(AgreementRead)


def _party(row) -> dict:
    party = {name: row[name] for name in _PARTY_OWN}
    party["organization"] = {name: row[f"o.{name}"] for name in _ORGANIZATION_KEYS}
    party["primary_contact"] = (
        None if row["c.id"] is None else {name: row[f"c.{name}"] for name in _CONTACT_KEYS}
    )
    return {name: party[name] for name in _PARTY_KEYS}


async def agreement_document(agreement_id: int) -> dict | None:
    """The agreement as AgreementRead would dump it (field for field, in order); None if
    there is no such agreement. Call only when available()."""
    async with read_pool().acquire() as connection:
        found = await connection.fetchrow(_AGREEMENT_SQL, agreement_id)
        if found is None:
            return None
        parties = await connection.fetch(_PARTIES_SQL, agreement_id)
        focus_areas = await connection.fetch(_FOCUS_AREAS_SQL, agreement_id)
        goals = await connection.fetch(_GOALS_SQL, agreement_id)
        commitments = await connection.fetch(_COMMITMENTS_SQL, agreement_id)
        follow_ups = await connection.fetch(_FOLLOW_UPS_SQL, agreement_id)
        outcomes = await connection.fetch(_OUTCOMES_SQL, agreement_id) if follow_ups else []
    outcomes_of: dict[int, list[dict]] = {}
    for outcome in outcomes:
        item = dict(outcome)
        outcomes_of.setdefault(item.pop("follow_up_id"), []).append(item)
    document = dict(found)
    document["parties"] = [_party(row) for row in parties]
    document["focus_areas"] = [dict(row) for row in focus_areas]
    document["goals"] = [dict(row) for row in goals]
    document["commitments"] = [dict(row) for row in commitments]
    document["follow_ups"] = [
        {name: (outcomes_of.get(row["id"], []) if name == "outcomes" else row[name])
         for name in _FOLLOW_UP_KEYS}
        for row in follow_ups
    ]
    return {name: document[name] for name in _AGREEMENT_KEYS}


# --- a page of agreements --------------------------------------------------------------------

_SUMMARY_KEYS = _fields(AgreementSummary)
_SUMMARY_NESTED = ("municipality_codes", "parties")
_check(PartyBrief, {"id", "organization_id", "name"})
_PARTY_BRIEF_KEYS = _fields(PartyBrief)
_CODES_SQL = """
SELECT am.agreement, m.code FROM agreement_municipality am
JOIN municipality m ON m.id = am.municipality
WHERE am.agreement = ANY($1::int[]) ORDER BY am.id
"""
_BRIEFS_SQL = (
    "SELECT "
    + ", ".join(
        {"id": "p.id", "organization_id": "p.organization", "name": "o.name"}[n]
        for n in _PARTY_BRIEF_KEYS
    )
    + ", p.agreement FROM party p JOIN organization o ON o.id = p.organization"
    " WHERE p.agreement = ANY($1::int[]) ORDER BY p.id"
)
_COUNT_SQL = "SELECT count(*) FROM agreement"
_TOTAL = "_total"


def _page_sql(sort: str, descending: bool) -> str:
    # The same order as repository.search: the sort column, then id, both one way. The
    # nested fields are NULL placeholders, so a row turns into its document in field order
    # with dict() and two assignments; the total rides along on every row (computed once).
    column = SORTABLE[sort]._meta.db_column_name
    direction = "DESC" if descending else "ASC"
    columns = ", ".join(
        f'NULL AS "{name}"' if name in _SUMMARY_NESTED else f'"{name}"' for name in _SUMMARY_KEYS
    )
    return (
        f'SELECT {columns}, (SELECT count(*) FROM agreement) AS "{_TOTAL}" FROM agreement '
        f'ORDER BY "{column}" {direction}, id {direction} LIMIT $1 OFFSET $2'
    )


_PAGE_SQL = {(sort, descending): _page_sql(sort, descending)
             for sort in SORTABLE for descending in (False, True)}


async def _nested(connection, ids: list[int]) -> tuple[dict, dict]:
    """Municipality codes and party briefs of the agreements ids, by agreement, in order."""
    codes_of: dict[int, list[str]] = {i: [] for i in ids}
    parties_of: dict[int, list[dict]] = {i: [] for i in ids}
    for agreement, code in await connection.fetch(_CODES_SQL, ids):
        codes_of[agreement].append(code)
    for brief in await connection.fetch(_BRIEFS_SQL, ids):
        # The brief's fields come first; zip leaves out the trailing agreement column.
        parties_of[brief["agreement"]].append(dict(zip(_PARTY_BRIEF_KEYS, brief, strict=False)))
    return codes_of, parties_of


async def summaries(rows: list[dict]) -> list[dict]:
    """AgreementSummary documents of rows (each with the summary's own columns), in order."""
    if not rows:
        return []
    async with read_pool().acquire() as connection:
        codes_of, parties_of = await _nested(connection, [row["id"] for row in rows])
    return [
        {
            name: (
                codes_of[row["id"]] if name == "municipality_codes"
                else parties_of[row["id"]] if name == "parties"
                else row[name]
            )
            for name in _SUMMARY_KEYS
        }
        for row in rows
    ]


async def page(sort: str, descending: bool, limit: int, offset: int) -> tuple[list[dict], int]:
    """An unfiltered page of AgreementSummary documents, and how many agreements there are.
    Call only when available()."""
    async with read_pool().acquire() as connection:
        rows = await connection.fetch(_PAGE_SQL[sort, descending], limit, offset)
        if not rows:
            return [], await connection.fetchval(_COUNT_SQL)
        codes_of, parties_of = await _nested(connection, [row["id"] for row in rows])
    items = []
    for row in rows:
        item = dict(row)
        del item[_TOTAL]
        item["municipality_codes"] = codes_of[row["id"]]
        item["parties"] = parties_of[row["id"]]
        items.append(item)
    return items, rows[0][_TOTAL]
