"""Importing indicator values from a file (CSV or XLSX): all rows or none.

importing.read_rows checks each row's shape; here every row is resolved against the
registry of agreements, parties, indicators and rounds, and only a file without a single
problem is written, in the caller's transaction (docs/situation.md).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from samverkan import clock, events
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.audit import service as audit
from samverkan.errors import InvalidInput, NotFound
from samverkan.situation import repository
from samverkan.situation.importing import Problem, Row
from samverkan.situation.periods import parse_period
from samverkan.situation.service import indicators_by_codes
from samverkan.situation.tables import InputStatus

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportReport:
    rows: int
    inputs_created: int
    inputs_updated: int
    rounds: int


class ImportRefused(InvalidInput):
    """A file with problems: nothing was imported; problems name row, column and what."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            f"Filen har {len(problems)} fel och ingenting har importerats "
            f"(the file has {len(problems)} problems; nothing was imported)"
        )
        self.problems = problems
        self.extra = [{"line": p.line, "key": p.column, "message": p.message} for p in problems]


async def _agreements(rows: list[Row]) -> dict[str, object]:
    """Each agreement reference of the file (an id or a diarienummer) → the agreement."""
    references = {row.agreement for row in rows}
    ids = {ref: int(ref) for ref in references if ref.isdigit() and len(ref) < 10}
    ids.update(await agreements.agreement_ids_by_registration_numbers(
        [ref for ref in references if ref not in ids]
    ))
    found = {}
    for reference, agreement_id in ids.items():
        try:
            found[reference] = await agreements.agreement(agreement_id)
        except NotFound:  # reported on each row that names it
            continue
    return found


async def import_rows(actor: Actor, rows: list[Row], progress: Progress | None = None
                      ) -> ImportReport:
    """Write the rows' values into the parties' inputs, or raise ImportRefused and write
    nothing. A value lands in the input of its party in the round of its period; an input that
    does not exist yet is created as submitted by the importer; an accepted input is refused."""
    problems: list[Problem] = []
    found = await _agreements(rows)
    indicators = await indicators_by_codes([row.indicator for row in rows])
    periods = {row.period: parse_period(row.period) for row in rows}
    wanted_rounds = {(found[r.agreement].id, periods[r.period].kind.value, periods[r.period].start)
                     for r in rows if r.agreement in found}
    rounds = {(r["agreement_id"], r["period_kind"], r["period_start"]): r
              for r in await repository.rounds_by_period(sorted(wanted_rounds))}
    existing = {(i["round_id"], i["party_id"]): i
                for i in await repository.inputs_of([r["id"] for r in rounds.values()])}
    # (round id, party id) -> values
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        agreement = found.get(row.agreement)
        if agreement is None:
            problems.append(Problem(row.line, "agreement",
                                    f"Överenskommelsen {row.agreement!r} finns inte "
                                    "(unknown agreement)"))
            continue
        party = next((p for p in agreement.parties if p.organization.org_number == row.party),
                     None)
        if party is None:
            problems.append(Problem(row.line, "party",
                                    f"{row.party} är inte part i överenskommelsen "
                                    "(not a party of the agreement)"))
        indicator = indicators.get(row.indicator)
        if indicator is None:
            problems.append(Problem(row.line, "indicator",
                                    f"Indikatorn {row.indicator!r} finns inte (unknown indicator)"))
        period = periods[row.period]
        round_row = rounds.get((agreement.id, period.kind.value, period.start))
        if round_row is None:
            problems.append(Problem(row.line, "period",
                                    f"Det finns ingen omgång för {row.period} i överenskommelsen "
                                    "(no round for this period)"))
        if party is None or indicator is None or round_row is None:
            continue
        current = existing.get((round_row["id"], party.id))
        if current is not None and current["status"] == InputStatus.accepted:
            problems.append(Problem(row.line, "party",
                                    f"Partens underlag för {row.period} är redan godkänt; "
                                    "samordnaren skickar tillbaka det först (already accepted)"))
            continue
        grouped[(round_row["id"], party.id)].append(
            {"indicator": indicator.id, "place": row.place, "value": row.value}
        )
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.line))

    now = clock.now()
    created = updated = done = 0
    agreement_of_round = {r["id"]: r["agreement_id"] for r in rounds.values()}
    for (round_id, party_id), values in grouped.items():
        current = existing.get((round_id, party_id))
        if current is None:
            input_id = await repository.insert_input({
                "round": round_id, "party_id": party_id, "status": InputStatus.submitted,
                "submitted_at": now, "submitted_by": actor.label,
                "created_at": now, "updated_at": now,
            })
            created += 1
        else:
            input_id = current["id"]
            await repository.touch_input(input_id, now)
            updated += 1
        await repository.upsert_values(input_id, values)
        await _audit(actor, input_id, agreement_of_round[round_id], len(values))
        done += len(values)
        if progress:
            progress(done, len(rows))
    for round_id in {key[0] for key in grouped}:
        await events.publish(events.SITUATION_ROUND_CHANGED, round_id=round_id)
    return ImportReport(rows=len(rows), inputs_created=created, inputs_updated=updated,
                        rounds=len({key[0] for key in grouped}))


async def _audit(actor: Actor, input_id: int, agreement_id: int, count: int) -> None:
    await audit.record(actor, "import", "situation_input", input_id, agreement_id=agreement_id,
                       after={"values_imported": count})
