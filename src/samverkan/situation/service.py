"""Rules of the lägesbild: the indicator catalogue, input rounds, each party's input, and the
joint picture the parties agree on, period by period (docs/situation.md).

Agreements and parties are read through the agreements service. An input marked internal is
seen by the coordinators and by the party that made it, never by other parties nor in exports.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from samverkan import clock, events
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import AGREEMENT_STATUS_SV, LIVE_AGREEMENT
from samverkan.agreements.schemas import AgreementRead, PartyRead
from samverkan.audit import service as audit
from samverkan.db import gather_reads
from samverkan.errors import Conflict, InvalidInput, NotFound, require_version, stale
from samverkan.situation import catalogue, repository
from samverkan.situation.periods import Period, parse_period, period_code
from samverkan.situation.schemas import (
    GoalDistance,
    IndicatorCreate,
    IndicatorRead,
    InputRead,
    InputWrite,
    JointPicture,
    RoundCreate,
    RoundRead,
    RoundRequestRead,
    ValueRead,
)
from samverkan.situation.tables import InputStatus, RoundStatus

ROUND_NOT_FOUND = "Omgången finns inte (round not found)"
INPUT_NOT_FOUND = "Underlaget finns inte (input not found)"
# Inputs whose values count in the joint picture.
COUNTED = frozenset({InputStatus.submitted, InputStatus.accepted})
# Inputs a party may still change.
EDITABLE = frozenset({InputStatus.draft, InputStatus.returned})


# --- indicators ----------------------------------------------------------------------------


async def seed_indicators() -> int:
    """The starter catalogue (catalogue.py); idempotent, returns how many were added."""
    existing = await repository.existing_codes([i["code"] for i in catalogue.STARTER])
    now = clock.now()
    added = 0
    for values in catalogue.STARTER:
        if values["code"] not in existing:
            await repository.insert_indicator({**values, "builtin": True, "created_at": now})
            added += 1
    return added


async def indicators() -> list[IndicatorRead]:
    return [IndicatorRead(**row) for row in await repository.indicators()]


async def indicators_by_ids(ids: list[int]) -> dict[int, IndicatorRead]:
    return {row["id"]: IndicatorRead(**row)
            for row in await repository.indicators_by_ids(sorted(set(ids)))}


async def indicators_by_codes(codes: list[str]) -> dict[str, IndicatorRead]:
    return {row["code"]: IndicatorRead(**row)
            for row in await repository.indicators_by_codes(sorted(set(codes)))}


async def require_indicator(indicator_id: int, field: str) -> IndicatorRead:
    found = (await indicators_by_ids([indicator_id])).get(indicator_id)
    if found is None:
        raise InvalidInput("Indikatorn finns inte (unknown indicator)", field=field)
    return found


async def create_indicator(actor: Actor, data: IndicatorCreate) -> IndicatorRead:
    if await repository.existing_codes([data.code]):
        raise Conflict("Det finns redan en indikator med den koden (code taken)", field="code")
    indicator_id = await repository.insert_indicator(
        {**data.model_dump(), "builtin": False, "created_at": clock.now()}
    )
    created = (await indicators_by_ids([indicator_id]))[indicator_id]
    await audit.record(actor, "create", "indicator", indicator_id, after=created)
    return created


# --- rounds --------------------------------------------------------------------------------


def _round_read(row: dict, requests: list[dict]) -> RoundRead:
    by_party: dict[int, list[int]] = defaultdict(list)
    for request in requests:
        by_party[request["party_id"]].append(request["indicator_id"])
    return RoundRead(
        **row, period=period_code(row["period_kind"], row["period_start"]),
        requests=[RoundRequestRead(party_id=p, indicator_ids=ids) for p, ids in by_party.items()],
    )


async def _round_reads(rows: list[dict]) -> list[RoundRead]:
    requests = await repository.requests_of([row["id"] for row in rows])
    by_round: dict[int, list[dict]] = defaultdict(list)
    for request in requests:
        by_round[request["round_id"]].append(request)
    return [_round_read(row, by_round[row["id"]]) for row in rows]


async def round_(round_id: int) -> RoundRead:
    row = await repository.round_(round_id)
    if row is None:
        raise NotFound(ROUND_NOT_FOUND)
    return (await _round_reads([row]))[0]


async def rounds(agreement_id: int) -> list[RoundRead]:
    await agreements.parties(agreement_id)  # NotFound for an unknown agreement
    return await _round_reads(await repository.rounds_of(agreement_id))


async def create_round(actor: Actor, agreement_id: int, data: RoundCreate) -> RoundRead:
    """Open a round for a period, asking each party for some indicators."""
    agreement = await agreements.agreement(agreement_id)
    if agreement.status not in LIVE_AGREEMENT:
        raise Conflict(
            "En omgång kan bara öppnas för en överenskommelse som är under beredning, väntar på "
            f"underskrift, gällande eller under revidering; den här är "
            f"{AGREEMENT_STATUS_SV[agreement.status]} (the agreement is not live)",
            field="status",
        )
    period = parse_period(data.period)
    if data.deadline < period.start:
        raise InvalidInput(
            "Sista dag kan inte ligga före periodens början (deadline before the period)",
            field="deadline",
        )
    party_ids = {party.id for party in agreement.parties}
    wanted: set[tuple[int, int]] = set()
    for index, request in enumerate(data.requests):
        if request.party_id not in party_ids:
            raise InvalidInput(
                "Parten hör inte till överenskommelsen (not a party of this agreement)",
                field=f"requests.{index}.party_id",
            )
        known = await indicators_by_ids(request.indicator_ids)
        for indicator_id in request.indicator_ids:
            if indicator_id not in known:
                raise InvalidInput("Indikatorn finns inte (unknown indicator)",
                                   field=f"requests.{index}.indicator_ids")
            wanted.add((request.party_id, indicator_id))
    if await repository.round_exists(agreement_id, period.kind, period.start):
        raise Conflict(
            f"Det finns redan en omgång för {period.code} (a round for this period exists)",
            field="period",
        )
    now = clock.now()
    round_id = await repository.insert_round({
        "agreement_id": agreement_id, "period_kind": period.kind, "period_start": period.start,
        "period_end": period.end, "deadline": data.deadline, "status": RoundStatus.open,
        "created_by": actor.label, "created_at": now, "updated_at": now,
    })
    await repository.insert_requests([
        {"round": round_id, "party_id": party_id, "indicator": indicator_id}
        for party_id, indicator_id in sorted(wanted)
    ])
    created = await round_(round_id)
    await audit.record(actor, "create", "situation_round", round_id, agreement_id=agreement_id,
                       after=created)
    return created


async def close_round(actor: Actor, round_id: int, expected: int | None) -> RoundRead:
    before = await round_(round_id)
    require_version(before.version, expected)
    if before.status == RoundStatus.closed:
        raise Conflict("Omgången är redan stängd (the round is closed)", field="status")
    if not await repository.update_round(round_id, before.version, {"status": RoundStatus.closed}):
        raise stale()
    after = await round_(round_id)
    await audit.record(actor, "close", "situation_round", round_id,
                       agreement_id=before.agreement_id, before=before, after=after)
    await events.publish(events.SITUATION_ROUND_CHANGED, round_id=round_id)
    return after


# --- inputs --------------------------------------------------------------------------------


async def _input_reads(rows: list[dict]) -> list[InputRead]:
    values = await repository.values_of([row["id"] for row in rows])
    by_input: dict[int, list[ValueRead]] = defaultdict(list)
    for value in values:
        by_input[value["input_id"]].append(ValueRead(**value))
    return [InputRead(**row, values=by_input[row["id"]]) for row in rows]


async def input_(round_id: int, party_id: int) -> InputRead | None:
    row = await repository.input_of(round_id, party_id)
    return (await _input_reads([row]))[0] if row else None


async def party_inputs(round_ids: list[int], party_id: int) -> dict[int, InputRead]:
    """A party's inputs to these rounds, by round id (a round it has no input to is absent)."""
    rows = [row for row in await repository.inputs_of(round_ids) if row["party_id"] == party_id]
    return {found.round_id: found for found in await _input_reads(rows)}


async def inputs(round_id: int) -> list[InputRead]:
    await round_(round_id)
    return await _input_reads(await repository.inputs_of([round_id]))


async def _party_of(round_: RoundRead, party_id: int) -> None:
    parties = await agreements.parties(round_.agreement_id)
    if party_id not in {party.id for party in parties}:
        raise NotFound("Parten hör inte till överenskommelsen (party not found)")


async def save_input(actor: Actor, round_id: int, party_id: int, data: InputWrite,
                     expected: int | None = None) -> InputRead:
    """Save a party's input as a draft (values and observations replace what was there)."""
    round_read = await round_(round_id)
    await _party_of(round_read, party_id)
    if round_read.status != RoundStatus.open:
        raise Conflict("Omgången är stängd (the round is closed)", field="status")
    known = await indicators_by_ids([v.indicator_id for v in data.values])
    seen: set[tuple[int, str]] = set()
    for index, value in enumerate(data.values):
        if value.indicator_id not in known:
            raise InvalidInput("Indikatorn finns inte (unknown indicator)",
                               field=f"values.{index}.indicator_id")
        key = (value.indicator_id, value.place)
        if key in seen:
            raise InvalidInput(
                "Samma indikator och plats finns två gånger (the same indicator and place twice)",
                field=f"values.{index}.place",
            )
        seen.add(key)
    before = await input_(round_id, party_id)
    now = clock.now()
    fields = {"internal": data.internal, "observations": data.observations}
    if before is None:
        input_id = await repository.insert_input({
            "round": round_id, "party_id": party_id, "status": InputStatus.draft,
            "created_at": now, "updated_at": now, **fields,
        })
    else:
        require_version(before.version, expected)
        if before.status not in EDITABLE:
            raise Conflict(
                "Underlaget är redan inskickat; samordnaren kan skicka tillbaka det för ändring "
                "(the input has been submitted)",
                field="status",
            )
        input_id = before.id
        if not await repository.update_input(input_id, before.version,
                                             {**fields, "status": InputStatus.draft}):
            raise stale()
    await repository.replace_values(input_id, [
        {"indicator": v.indicator_id, "place": v.place, "value": v.value} for v in data.values
    ])
    after = await input_(round_id, party_id)
    await audit.record(actor, "create" if before is None else "update", "situation_input",
                       input_id, agreement_id=round_read.agreement_id, before=before, after=after)
    return after


async def _move(actor: Actor, round_id: int, party_id: int, expected: int | None, *,
                allowed: frozenset, target: InputStatus, action: str, values: dict,
                refused: str) -> InputRead:
    round_read = await round_(round_id)
    before = await input_(round_id, party_id)
    if before is None:
        raise NotFound(INPUT_NOT_FOUND)
    require_version(before.version, expected)
    if before.status not in allowed:
        raise Conflict(refused, field="status")
    if not await repository.update_input(before.id, before.version, {"status": target, **values}):
        raise stale()
    after = await input_(round_id, party_id)
    await audit.record(actor, action, "situation_input", before.id,
                       agreement_id=round_read.agreement_id, before=before, after=after)
    await events.publish(events.SITUATION_ROUND_CHANGED, round_id=round_id)
    return after


async def submit_input(actor: Actor, round_id: int, party_id: int,
                       expected: int | None = None) -> InputRead:
    round_read = await round_(round_id)
    if round_read.status != RoundStatus.open:
        raise Conflict("Omgången är stängd (the round is closed)", field="status")
    return await _move(
        actor, round_id, party_id, expected, allowed=EDITABLE, target=InputStatus.submitted,
        action="submit", values={"submitted_at": clock.now(), "submitted_by": actor.label},
        refused="Underlaget är redan inskickat (the input has already been submitted)",
    )


async def accept_input(actor: Actor, round_id: int, party_id: int,
                       expected: int | None = None) -> InputRead:
    return await _move(
        actor, round_id, party_id, expected, allowed=frozenset({InputStatus.submitted}),
        target=InputStatus.accepted, action="accept",
        values={"reviewed_at": clock.now(), "reviewed_by": actor.label, "return_comment": ""},
        refused="Bara ett inskickat underlag kan godkännas (only a submitted input can be accepted)",
    )


async def return_input(actor: Actor, round_id: int, party_id: int, comment: str,
                       expected: int | None = None) -> InputRead:
    return await _move(
        actor, round_id, party_id, expected, allowed=COUNTED, target=InputStatus.returned,
        action="return",
        values={"reviewed_at": clock.now(), "reviewed_by": actor.label, "return_comment": comment},
        refused="Bara ett inskickat underlag kan skickas tillbaka "
                "(only a submitted input can be returned)",
    )


# --- what a party does (the partner portal) ----------------------------------------------


async def own_party(round_id: int, organization_id: int
                    ) -> tuple[RoundRead, AgreementRead, PartyRead]:
    """The round, its agreement and the organisation's party in it; NotFound for anyone else."""
    row = await repository.round_(round_id)
    if row is not None:
        round_read = (await _round_reads([row]))[0]
        agreement = await agreements.agreement(round_read.agreement_id)
        for party in agreement.parties:
            if party.organization.id == organization_id and agreement.status != "draft":
                return round_read, agreement, party
    raise NotFound(ROUND_NOT_FOUND)


# --- the joint picture -------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who looks at a picture: coordinators see everything; a party sees what is shared and
    its own internal inputs; an export shows only what is shared."""

    party_ids: frozenset[int] | None = None  # None: coordinators
    export: bool = False

    def sees(self, party_id: int, internal: bool) -> bool:
        if not internal:
            return True
        if self.export:
            return False
        return self.party_ids is None or party_id in self.party_ids


COORDINATORS = Audience()
EXPORT = Audience(export=True)


def _distance(value: float | None, goal) -> GoalDistance:
    baseline, target = goal.baseline, goal.target
    from_baseline = value - baseline if value is not None and baseline is not None else None
    to_target = target - value if value is not None and target is not None else None
    progress = None
    if from_baseline is not None and target is not None and target != baseline:
        progress = from_baseline / (target - baseline)
    return GoalDistance(goal_id=goal.id, from_baseline=from_baseline, to_target=to_target,
                        progress=progress)


async def joint_picture(agreement_id: int, round_id: int | None = None,
                        audience: Audience = COORDINATORS) -> JointPicture:
    """Every indicator across parties for the round's period (when none is named, the latest
    round with a submitted or accepted input, else the latest round), with the earlier
    periods of the same kind, the change since the previous period and the distance to the
    goals that use the indicator; observations; what is missing."""
    # The agreement as GET /api/agreements/{id} reads it: on PostgreSQL a few prepared
    # statements on one connection (issue 2's hot path), about a tenth of the cost of
    # agreements.agreement() with its ten Piccolo queries (docs/performance.md, issue 6).
    (found, _), all_rounds = await gather_reads(
        agreements.agreement_response(agreement_id), repository.rounds_of(agreement_id)
    )
    agreement = (found if isinstance(found, AgreementRead)
                 else AgreementRead.model_validate_json(found))
    # Every round's inputs in one read: they choose the default round and make the picture.
    all_inputs = await repository.inputs_of([r["id"] for r in all_rounds])
    if round_id is None:
        if not all_rounds:
            raise NotFound("Överenskommelsen har ingen lägesbild ännu (no rounds yet)")
        # The latest period the parties have reported on; an open round nobody has answered
        # yet would be a picture of blanks.
        reported = {row["round_id"] for row in all_inputs if row["status"] in COUNTED}
        current_row = max([r for r in all_rounds if r["id"] in reported] or all_rounds,
                          key=lambda r: (r["period_start"], r["id"]))
    else:
        current_row = next((r for r in all_rounds if r["id"] == round_id), None)
        if current_row is None:
            raise NotFound(ROUND_NOT_FOUND)
    series_rows = [r for r in all_rounds if r["period_kind"] == current_row["period_kind"]
                   and r["period_start"] <= current_row["period_start"]]
    # Only the current round's requests matter; the earlier rounds give their period.
    current = (await _round_reads([current_row]))[0]
    in_series = {r["id"] for r in series_rows}
    input_rows = [row for row in all_inputs if row["round_id"] in in_series]
    return await _picture(agreement, current, series_rows, input_rows, audience)


async def _picture(agreement: AgreementRead, current: RoundRead, series: list[dict],
                   input_rows: list[dict], audience: Audience) -> JointPicture:
    """The picture of current (a RoundRead) over series (round rows, oldest first, current
    last) and their inputs. Built as plain dicts and validated once at the end, in pydantic-core, rather than
    as some 1,500 models constructed one by one (70 rows × 16 periods in the benchmark)."""
    periods = [period_code(r["period_kind"], r["period_start"]) for r in series]
    period_of_round = {r["id"]: period for r, period in zip(series, periods, strict=True)}
    organizations = {p.id: p.organization.name for p in agreement.parties}
    position = {party_id: n for n, party_id in enumerate(organizations)}
    counted = {row["id"]: row for row in input_rows
               if row["status"] in COUNTED and audience.sees(row["party_id"], row["internal"])}
    # A party whose input is internal and not for this audience: nothing of it is shown, not
    # even empty rows for what it was asked, which would read as "not delivered".
    unseen = {row["party_id"] for row in input_rows if row["round_id"] == current.id
              and row["status"] in COUNTED and not audience.sees(row["party_id"], row["internal"])}
    requested = {(request.party_id, indicator_id) for request in current.requests
                 for indicator_id in request.indicator_ids if request.party_id not in unseen}
    values, catalogue_read = await gather_reads(
        repository.values_of(list(counted)),
        # Requested indicators and those with values: one query when, as usual, the values
        # are of requested indicators; the others are read below.
        indicators_by_ids([i for _, i in requested]),
    )
    # (indicator, party, place) -> period -> value
    cells: dict[tuple[int, int, str], dict[str, float]] = defaultdict(dict)
    internal_cell: dict[tuple[int, int, str], bool] = {}
    for value in values:
        row = counted[value["input_id"]]
        key = (value["indicator_id"], row["party_id"], value["place"])
        cells[key][period_of_round[row["round_id"]]] = value["value"]
        if row["round_id"] == current.id:
            internal_cell[key] = row["internal"]
    # indicator -> its keys in the current period, and the requested whole-area keys
    keys_of: dict[int, set[tuple[int, int, str]]] = defaultdict(set)
    for key, history in cells.items():
        if current.period in history:
            keys_of[key[0]].add(key)
    for party_id, indicator_id in requested:
        keys_of[indicator_id].add((indicator_id, party_id, ""))
    indicator_ids = sorted({k[0] for k in cells} | {i for _, i in requested})
    unread = [i for i in indicator_ids if i not in catalogue_read]
    if unread:
        catalogue_read.update(await indicators_by_ids(unread))
    goals = defaultdict(list)
    for goal in agreement.goals:
        if goal.indicator_id is not None:
            goals[goal.indicator_id].append(goal)
    previous_period = Period(current.period_start, current.period_kind).previous().code
    result = []
    for indicator_id in indicator_ids:
        keys = sorted(keys_of.get(indicator_id, ()),
                      key=lambda k: (position.get(k[1], 0), k[2]))
        its_goals = goals[indicator_id]
        rows = []
        for key in keys:
            history = cells.get(key, {})
            value = history.get(current.period)
            previous = history.get(previous_period)
            rows.append({
                "indicator_id": indicator_id, "party_id": key[1],
                "organization": organizations.get(key[1], ""), "place": key[2], "value": value,
                "previous": previous,
                "change": value - previous if value is not None and previous is not None
                else None,
                "internal": internal_cell.get(key, False),
                "history": [{"period": p, "value": history.get(p)} for p in periods],
                "distances": [_distance(value, g) for g in its_goals] if not key[2] else [],
            })
        result.append({
            "indicator": catalogue_read[indicator_id],
            "goals": [{"goal_id": g.id, "title": g.title, "baseline": g.baseline,
                       "target": g.target} for g in its_goals],
            "rows": rows,
        })
    current_inputs = {row["party_id"]: row for row in input_rows if row["round_id"] == current.id}
    observations = [
        {"party_id": row["party_id"], "organization": organizations.get(row["party_id"], ""),
         "status": row["status"], "internal": row["internal"], "text": row["observations"]}
        for row in current_inputs.values()
        if row["id"] in counted and row["observations"].strip()
    ]
    missing = []
    for request in current.requests:
        row = current_inputs.get(request.party_id)
        submitted = row is not None and row["status"] in COUNTED
        reported = {k[0] for k in cells if k[1] == request.party_id
                    and current.period in cells[k]}
        lacking = [i for i in request.indicator_ids if not submitted or i not in reported]
        if submitted and row["internal"] and not audience.sees(request.party_id, True):
            # What an internal input holds is not shown, and neither is what it lacks.
            lacking = []
        if lacking:
            missing.append({"party_id": request.party_id,
                            "organization": organizations.get(request.party_id, ""),
                            "indicator_ids": lacking, "submitted": submitted})
    return JointPicture.model_validate({
        "agreement_id": agreement.id, "round": current, "periods": periods,
        "indicators": result, "observations": observations, "missing": missing,
    })


# --- what the deadline reminders ask (reminder_rules.py) ---------------------------------


@dataclass(frozen=True)
class RoundAwaitingInput:
    """An open round and the parties asked for something in it whose input has not come in."""

    round_id: int
    agreement_id: int
    period: str
    deadline: date
    party_ids: tuple[int, ...]  # no input, a draft, or returned: in the order asked


async def rounds_awaiting_input(first: date, last: date,
                                agreement_id: int | None = None) -> list[RoundAwaitingInput]:
    """Open rounds whose deadline is first, last or a day between, that still wait for some
    party's input (neither submitted nor accepted). Three statements whatever the number of
    rounds: the rounds (a range on the indexed status and deadline), what was asked of whom,
    and the inputs. Rounds nobody owes anything are left out."""
    rows = await repository.open_rounds_with_deadline_between(first, last, agreement_id)
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    asked: dict[int, list[int]] = defaultdict(list)
    for request in await repository.requests_of(ids):
        if request["party_id"] not in asked[request["round_id"]]:
            asked[request["round_id"]].append(request["party_id"])
    came_in = {(row["round_id"], row["party_id"]) for row in await repository.inputs_of(ids)
               if row["status"] in COUNTED}
    result = []
    for row in rows:
        waiting = tuple(p for p in asked[row["id"]] if (row["id"], p) not in came_in)
        if waiting:
            result.append(RoundAwaitingInput(
                round_id=row["id"], agreement_id=row["agreement_id"],
                period=period_code(row["period_kind"], row["period_start"]),
                deadline=row["deadline"], party_ids=waiting,
            ))
    return result


# --- the workspace's agreement page ------------------------------------------------------


async def inputs_of_rounds(round_ids: list[int]) -> dict[int, list[InputRead]]:
    """Every party's input to each of these rounds, by round id, in two queries."""
    by_round: dict[int, list[InputRead]] = defaultdict(list)
    if round_ids:
        for found in await _input_reads(await repository.inputs_of(round_ids)):
            by_round[found.round_id].append(found)
    return by_round


# --- the coordinators' workspace: the Today page -----------------------------------------


@dataclass(frozen=True)
class InputMissing:
    """A party asked for something in an open round whose input has not come in."""

    round_id: int
    agreement_id: int
    period: str
    deadline: date
    party_id: int
    input_status: InputStatus | None  # a draft, returned, or None when not begun


async def inputs_missing(agreement_ids: list[int],
                         limit: int | None = None) -> tuple[list[InputMissing], int]:
    """Every open round of these agreements, per party asked for something in it whose input
    is neither submitted nor accepted, by deadline: the first `limit` (None: all), and how
    many there are. One statement, whatever the number of agreements and rounds."""
    if not agreement_ids:
        return [], 0
    rows = await repository.inputs_missing(
        agreement_ids, sorted(status.value for status in COUNTED), limit or 1_000_000
    )
    statuses = {status.value: status for status in InputStatus}
    periods: dict[int, str] = {}
    missing = []
    for row in rows:
        period = periods.get(row["id"])
        if period is None:
            period = periods[row["id"]] = period_code(row["period_kind"], row["period_start"])
        missing.append(InputMissing(
            round_id=row["id"], agreement_id=row["agreement_id"], period=period,
            deadline=row["deadline"], party_id=row["party_id"],
            input_status=statuses[row["status"]] if row["status"] else None,
        ))
    return missing, rows[0]["total"] if rows else 0
