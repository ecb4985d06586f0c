"""Every query of the lägesbild."""

from datetime import date, datetime
from enum import Enum

from samverkan.db import is_sqlite, read_pool, update_versioned
from samverkan.situation.tables import (
    Indicator,
    InputValue,
    RoundRequest,
    SituationInput,
    SituationRound,
)

_INDICATOR = (
    Indicator.id, Indicator.code, Indicator.name_sv, Indicator.name_en, Indicator.unit,
    Indicator.source_kind, Indicator.higher_is_better, Indicator.description, Indicator.builtin,
    Indicator.version,
)
_ROUND = (
    SituationRound.id, SituationRound.agreement_id, SituationRound.period_kind,
    SituationRound.period_start, SituationRound.period_end, SituationRound.deadline,
    SituationRound.status, SituationRound.created_by, SituationRound.created_at,
    SituationRound.version,
)
_INPUT = (
    SituationInput.id, SituationInput.round.as_alias("round_id"), SituationInput.party_id,
    SituationInput.status, SituationInput.internal, SituationInput.observations,
    SituationInput.return_comment, SituationInput.submitted_at, SituationInput.submitted_by,
    SituationInput.reviewed_at, SituationInput.reviewed_by, SituationInput.version,
)


# The joint picture's reads (rounds_of, inputs_of, values_of) on PostgreSQL, outside a
# transaction: hand-written SQL straight on the pool (db.read_pool), giving the same dicts in
# the same order as the Piccolo queries SQLite and transactions keep. Piccolo's query building
# and row conversion were about a fifth of the picture's time (docs/performance.md, issue 6).


def _select_list(columns) -> str:
    """The columns as Piccolo selects them (with their aliases), for hand-written SQL."""
    return ", ".join(f'"{c._meta.db_column_name}" AS "{c._alias or c._meta.name}"'
                     for c in columns)


_ROUNDS_SQL = (f"SELECT {_select_list(_ROUND)} FROM situation_round WHERE agreement_id = $1"
               " AND ($2::text IS NULL OR period_kind = $2)"
               " AND ($3::date IS NULL OR period_start <= $3) ORDER BY period_start")


# --- indicators ----------------------------------------------------------------------------


async def indicators() -> list[dict]:
    return await Indicator.select(*_INDICATOR).order_by(Indicator.code)


async def indicators_by_ids(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    return await Indicator.select(*_INDICATOR).where(Indicator.id.is_in(ids))


async def indicators_by_codes(codes: list[str]) -> list[dict]:
    if not codes:
        return []
    return await Indicator.select(*_INDICATOR).where(Indicator.code.is_in(codes))


async def insert_indicator(values: dict) -> int:
    result = await Indicator.insert(Indicator(**values))
    return result[0]["id"]


async def existing_codes(codes: list[str]) -> set[str]:
    return {row["code"] for row in await indicators_by_codes(codes)}


# --- rounds --------------------------------------------------------------------------------


async def insert_round(values: dict) -> int:
    result = await SituationRound.insert(SituationRound(**values))
    return result[0]["id"]


async def round_(round_id: int) -> dict | None:
    return await SituationRound.select(*_ROUND).where(SituationRound.id == round_id).first()


async def rounds_of(agreement_id: int, kind: str | None = None,
                    until: date | None = None) -> list[dict]:
    pool = read_pool()
    if pool is not None:
        return [dict(row) for row in await pool.fetch(
            _ROUNDS_SQL, agreement_id, kind.value if isinstance(kind, Enum) else kind, until)]
    where = SituationRound.agreement_id == agreement_id
    if kind is not None:
        where &= SituationRound.period_kind == kind
    if until is not None:
        where &= SituationRound.period_start <= until
    return await SituationRound.select(*_ROUND).where(where).order_by(SituationRound.period_start)


async def round_exists(agreement_id: int, kind: str, start: date) -> bool:
    return await SituationRound.exists().where(
        (SituationRound.agreement_id == agreement_id) & (SituationRound.period_kind == kind)
        & (SituationRound.period_start == start)
    )


async def rounds_by_period(keys: list[tuple[int, str, date]]) -> list[dict]:
    """Rounds named by (agreement id, period kind, period start)."""
    agreement_ids = sorted({key[0] for key in keys})
    if not agreement_ids:
        return []
    wanted = set(keys)
    rows = await SituationRound.select(*_ROUND).where(
        SituationRound.agreement_id.is_in(agreement_ids)
    )
    return [r for r in rows if (r["agreement_id"], r["period_kind"], r["period_start"]) in wanted]


async def update_round(round_id: int, version: int, values: dict) -> bool:
    return await update_versioned(SituationRound, round_id, version, values)


async def insert_requests(rows: list[dict]) -> None:
    if rows:
        await RoundRequest.insert(*[RoundRequest(**row) for row in rows])


async def requests_of(round_ids: list[int]) -> list[dict]:
    if not round_ids:
        return []
    return await RoundRequest.select(
        RoundRequest.round.as_alias("round_id"), RoundRequest.party_id,
        RoundRequest.indicator.as_alias("indicator_id"),
    ).where(RoundRequest.round.is_in(round_ids)).order_by(RoundRequest.id)


async def open_rounds_with_deadline_between(first: date, last: date,
                                            agreement_id: int | None = None) -> list[dict]:
    where = (SituationRound.status == "open") & (SituationRound.deadline >= first) & (
        SituationRound.deadline <= last
    )
    if agreement_id is not None:
        where &= SituationRound.agreement_id == agreement_id
    return await SituationRound.select(*_ROUND).where(where).order_by(SituationRound.id)


# --- inputs --------------------------------------------------------------------------------


async def input_of(round_id: int, party_id: int) -> dict | None:
    return await SituationInput.select(*_INPUT).where(
        (SituationInput.round == round_id) & (SituationInput.party_id == party_id)
    ).first()


_INPUTS_SQL = (f"SELECT {_select_list(_INPUT)} FROM situation_input "
               "WHERE round = ANY($1::integer[]) ORDER BY id")
_VALUES_SQL = ('SELECT input AS input_id, indicator AS indicator_id, place, value '
               "FROM input_value WHERE input = ANY($1::integer[]) ORDER BY id")


async def inputs_of(round_ids: list[int]) -> list[dict]:
    if not round_ids:
        return []
    pool = read_pool()
    if pool is not None:
        return [dict(row) for row in await pool.fetch(_INPUTS_SQL, round_ids)]
    return await SituationInput.select(*_INPUT).where(
        SituationInput.round.is_in(round_ids)
    ).order_by(SituationInput.id)


async def insert_input(values: dict) -> int:
    result = await SituationInput.insert(SituationInput(**values))
    return result[0]["id"]


async def update_input(input_id: int, version: int, values: dict) -> bool:
    return await update_versioned(SituationInput, input_id, version, values)


_CHUNK = 500


async def _insert_values(input_id: int, values: list[dict]) -> None:
    for start in range(0, len(values), _CHUNK):
        await InputValue.insert(
            *[InputValue(input=input_id, **v) for v in values[start:start + _CHUNK]]
        )


async def replace_values(input_id: int, values: list[dict]) -> None:
    await InputValue.delete().where(InputValue.input == input_id)
    await _insert_values(input_id, values)


async def upsert_values(input_id: int, values: list[dict]) -> None:
    """Set these values of the input, keeping its others (an import adds to an input)."""
    wanted = {(v["indicator"], v["place"]) for v in values}
    existing = await InputValue.select(
        InputValue.id, InputValue.indicator, InputValue.place
    ).where(InputValue.input == input_id)
    stale = [row["id"] for row in existing if (row["indicator"], row["place"]) in wanted]
    for start in range(0, len(stale), _CHUNK):
        await InputValue.delete().where(InputValue.id.is_in(stale[start:start + _CHUNK]))
    await _insert_values(input_id, values)


async def values_of(input_ids: list[int]) -> list[dict]:
    if not input_ids:
        return []
    pool = read_pool()
    if pool is not None:
        return [dict(row) for row in await pool.fetch(_VALUES_SQL, input_ids)]
    return await InputValue.select(
        InputValue.input.as_alias("input_id"), InputValue.indicator.as_alias("indicator_id"),
        InputValue.place, InputValue.value,
    ).where(InputValue.input.is_in(input_ids)).order_by(InputValue.id)


async def touch_input(input_id: int, now: datetime) -> None:
    await SituationInput.update(
        {SituationInput.version: SituationInput.version + 1, SituationInput.updated_at: now}
    ).where(SituationInput.id == input_id)


# --- the coordinators' workspace: the Today page -----------------------------------------


async def inputs_missing(agreement_ids: list[int], counted: list[str],
                         limit: int) -> list:
    """(id, agreement_id, period_kind, period_start, deadline) of every open round of these
    agreements with party_id, per party asked for something in it whose input's status (or
    None: not begun) is not one of `counted`, by deadline, round and party: the first `limit`
    rows, each with the `total`. One statement, the ids written out as integers (Piccolo's
    is_in() builds a parameter per value, which cost more than the query for 500 agreements).

    On PostgreSQL it starts from the open rounds (situation_round_deadline) and reads each
    one's parties from round_request_once and their inputs from situation_input_once: a few
    hundred index entries. Joined the other way, as SQLite must (no LATERAL), the planner
    hashes every round request there is."""
    listed = ",".join(str(int(i)) for i in sorted(set(agreement_ids)))
    not_counted = ", ".join("'" + status.replace("'", "''") + "'" for status in counted)
    if not is_sqlite():
        asked = ("situation_round r CROSS JOIN LATERAL (SELECT DISTINCT rq.party_id "
                 "FROM round_request rq WHERE rq.\"round\" = r.id) q")
        where = f"r.status = 'open' AND r.agreement_id IN ({listed}) AND "
    else:
        asked = ("situation_round r JOIN (SELECT DISTINCT rq.\"round\", rq.party_id "
                 "FROM round_request rq JOIN situation_round o ON o.id = rq.\"round\" "
                 f"WHERE o.status = 'open' AND o.agreement_id IN ({listed})) q "
                 "ON q.\"round\" = r.id")
        where = ""
    sql = (
        "SELECT r.id, r.agreement_id, r.period_kind, r.period_start, r.deadline, q.party_id, "
        f"i.status, count(*) OVER () AS total FROM {asked} "
        "LEFT JOIN situation_input i ON i.\"round\" = r.id AND i.party_id = q.party_id "
        f"WHERE {where}(i.status IS NULL OR i.status NOT IN ({not_counted})) "
        f"ORDER BY r.deadline, r.id, q.party_id LIMIT {int(limit)}"
    )
    pool = read_pool()  # on PostgreSQL outside a transaction: asyncpg's records as they come
    return await (pool.fetch(sql) if pool is not None else SituationRound.raw(sql))
