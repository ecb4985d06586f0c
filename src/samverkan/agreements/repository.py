"""Every query of agreements and what they contain."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from piccolo.columns.combination import WhereRaw

from samverkan import clock
from samverkan.agreements.tables import (
    Agreement,
    AgreementCoordinator,
    AgreementKind,
    AgreementMunicipality,
    Commitment,
    FocusArea,
    FollowUp,
    FollowUpOutcome,
    Goal,
    Party,
    ProgressReport,
)
from samverkan.db import contains, update_versioned

_AGREEMENT = (
    Agreement.id,
    Agreement.title,
    Agreement.kind,
    Agreement.status,
    Agreement.registration_number,
    Agreement.purpose,
    Agreement.background,
    Agreement.governance,
    Agreement.period_start,
    Agreement.period_end,
    Agreement.follow_up_cadence,
    Agreement.local_police_area.as_alias("local_police_area_id"),
    Agreement.parent.as_alias("parent_id"),
    Agreement.supersedes.as_alias("supersedes_id"),
    Agreement.version,
    Agreement.created_at,
    Agreement.updated_at,
)
_SUMMARY = (
    Agreement.id,
    Agreement.title,
    Agreement.kind,
    Agreement.status,
    Agreement.registration_number,
    Agreement.period_start,
    Agreement.period_end,
    Agreement.version,
    Agreement.updated_at,
)
_PARTY = (
    Party.id,
    Party.agreement.as_alias("agreement_id"),
    Party.organization.as_alias("organization_id"),
    Party.role,
    Party.registration_number,
    Party.primary_contact.as_alias("primary_contact_id"),
    Party.signatory_name,
    Party.signatory_title,
    Party.signatory_email,
    Party.signed_on,
    Party.signed_place,
    Party.signature_method,
    Party.version,
)
_FOCUS_AREA = (
    FocusArea.id,
    FocusArea.agreement.as_alias("agreement_id"),
    FocusArea.title,
    FocusArea.problem,
    FocusArea.cause_analysis,
    FocusArea.priority,
    FocusArea.version,
)
_GOAL = (
    Goal.id,
    Goal.agreement.as_alias("agreement_id"),
    Goal.focus_area.as_alias("focus_area_id"),
    Goal.title,
    Goal.indicator,
    Goal.unit,
    Goal.baseline,
    Goal.target,
    Goal.measured_how,
    Goal.indicator_id,
    Goal.version,
)
_COMMITMENT = (
    Commitment.id,
    Commitment.agreement.as_alias("agreement_id"),
    Commitment.party.as_alias("party_id"),
    Commitment.focus_area.as_alias("focus_area_id"),
    Commitment.title,
    Commitment.description,
    Commitment.responsible_contact.as_alias("responsible_contact_id"),
    Commitment.due_date,
    Commitment.recurrence,
    Commitment.status,
    Commitment.status_changed_at,
    Commitment.confirmed_by,
    Commitment.confirmed_at,
    Commitment.confirmation_comment,
    Commitment.version,
    Commitment.created_at,
    Commitment.updated_at,
)
_FOLLOW_UP = (
    FollowUp.id,
    FollowUp.agreement.as_alias("agreement_id"),
    FollowUp.date,
    FollowUp.kind,
    FollowUp.title,
    FollowUp.notes,
    FollowUp.start_time,
    FollowUp.duration_minutes,
    FollowUp.location,
    FollowUp.version,
)

_TABLES = {
    "agreement": Agreement,
    "party": Party,
    "focus_area": FocusArea,
    "goal": Goal,
    "commitment": Commitment,
    "follow_up": FollowUp,
}
_COLUMNS = {
    "agreement": _AGREEMENT,
    "party": _PARTY,
    "focus_area": _FOCUS_AREA,
    "goal": _GOAL,
    "commitment": _COMMITMENT,
    "follow_up": _FOLLOW_UP,
}

SORTABLE = {
    "title": Agreement.title,
    "period_start": Agreement.period_start,
    "period_end": Agreement.period_end,
    "updated_at": Agreement.updated_at,
    "created_at": Agreement.created_at,
    "status": Agreement.status,
    "registration_number": Agreement.registration_number,
    "id": Agreement.id,
}


# --- one row of any kind -------------------------------------------------------------------


async def row(entity: str, row_id: int) -> dict | None:
    table = _TABLES[entity]
    return await table.select(*_COLUMNS[entity]).where(table.id == row_id).first()


async def insert(entity: str, values: dict) -> int:
    table = _TABLES[entity]
    result = await table.insert(table(**values))
    return result[0]["id"]


async def update(entity: str, row_id: int, version: int, values: dict) -> bool:
    return await update_versioned(_TABLES[entity], row_id, version, values)


async def delete(entity: str, row_id: int) -> None:
    table = _TABLES[entity]
    await table.delete().where(table.id == row_id)


async def touch_agreement(agreement_id: int) -> None:
    """A part of the agreement changed: the agreement as a whole has a new version."""
    await Agreement.update(
        {Agreement.version: Agreement.version + 1, Agreement.updated_at: clock.now()}
    ).where(Agreement.id == agreement_id)


async def agreement_status(agreement_id: int) -> str | None:
    found = await Agreement.select(Agreement.status).where(Agreement.id == agreement_id).first()
    return found["status"] if found else None


async def agreement_exists(agreement_id: int) -> bool:
    return await Agreement.exists().where(Agreement.id == agreement_id)


# --- what an agreement contains ------------------------------------------------------------


async def municipality_links(agreement_ids: list[int]) -> list[dict]:
    return await AgreementMunicipality.select(
        AgreementMunicipality.agreement, AgreementMunicipality.municipality
    ).where(AgreementMunicipality.agreement.is_in(agreement_ids)).order_by(
        AgreementMunicipality.id
    )


async def set_municipalities(agreement_id: int, municipality_ids: list[int]) -> None:
    await AgreementMunicipality.delete().where(AgreementMunicipality.agreement == agreement_id)
    if municipality_ids:
        await AgreementMunicipality.insert(
            *[AgreementMunicipality(agreement=agreement_id, municipality=m) for m in municipality_ids]
        )


async def parties_of(agreement_ids: list[int]) -> list[dict]:
    return await Party.select(*_PARTY).where(Party.agreement.is_in(agreement_ids)).order_by(Party.id)


async def party_of_organization(agreement_id: int, organization_id: int) -> bool:
    return await Party.exists().where(
        (Party.agreement == agreement_id) & (Party.organization == organization_id)
    )


async def agreement_ids_with_party(organization_id: int, statuses: list[str]) -> list[int]:
    rows = await Agreement.select(Agreement.id).where(
        Agreement.id.is_in(Party.select(Party.agreement).where(Party.organization == organization_id))
        & Agreement.status.is_in(statuses)
    ).order_by(Agreement.updated_at, ascending=False).order_by(Agreement.id, ascending=False)
    return [row["id"] for row in rows]


async def insert_progress_report(values: dict) -> int:
    result = await ProgressReport.insert(ProgressReport(**values))
    return result[0]["id"]


_PROGRESS_REPORT = (
    ProgressReport.id,
    ProgressReport.commitment.as_alias("commitment_id"),
    ProgressReport.status,
    ProgressReport.note,
    ProgressReport.as_of,
    ProgressReport.reported_by,
    ProgressReport.reported_at,
)


async def progress_reports_of(commitment_id: int) -> list[dict]:
    return await ProgressReport.select(*_PROGRESS_REPORT).where(
        ProgressReport.commitment == commitment_id
    ).order_by(ProgressReport.reported_at, ascending=False).order_by(
        ProgressReport.id, ascending=False
    )


async def commitment_count_of_party(party_id: int) -> int:
    return await Commitment.count().where(Commitment.party == party_id)


async def focus_areas_of(agreement_id: int) -> list[dict]:
    return await FocusArea.select(*_FOCUS_AREA).where(FocusArea.agreement == agreement_id).order_by(
        FocusArea.priority
    ).order_by(FocusArea.id)


async def goals_of(agreement_id: int) -> list[dict]:
    return await Goal.select(*_GOAL).where(Goal.agreement == agreement_id).order_by(Goal.id)


async def commitments_of(agreement_id: int, party_id: int | None = None) -> list[dict]:
    where = Commitment.agreement == agreement_id
    if party_id is not None:
        where = where & (Commitment.party == party_id)
    return await Commitment.select(*_COMMITMENT).where(where).order_by(Commitment.id)


async def follow_ups_of(agreement_id: int) -> list[dict]:
    return await FollowUp.select(*_FOLLOW_UP).where(FollowUp.agreement == agreement_id).order_by(
        FollowUp.date
    ).order_by(FollowUp.id)


async def outcomes_of(follow_up_ids: list[int]) -> list[dict]:
    if not follow_up_ids:
        return []
    return await FollowUpOutcome.select(
        FollowUpOutcome.follow_up.as_alias("follow_up_id"),
        FollowUpOutcome.commitment.as_alias("commitment_id"),
        FollowUpOutcome.outcome,
        FollowUpOutcome.note,
    ).where(FollowUpOutcome.follow_up.is_in(follow_up_ids)).order_by(FollowUpOutcome.id)


async def set_outcomes(follow_up_id: int, outcomes: list[dict]) -> None:
    await FollowUpOutcome.delete().where(FollowUpOutcome.follow_up == follow_up_id)
    if outcomes:
        await FollowUpOutcome.insert(
            *[FollowUpOutcome(follow_up=follow_up_id, **outcome) for outcome in outcomes]
        )


# --- coordinators --------------------------------------------------------------------------


async def coordinators_of(agreement_ids: list[int]) -> list[dict]:
    """(agreement_id, user_id) of the agreements' coordinators, in the order they were added."""
    if not agreement_ids:
        return []
    return await AgreementCoordinator.select(
        AgreementCoordinator.agreement.as_alias("agreement_id"), AgreementCoordinator.user_id
    ).where(AgreementCoordinator.agreement.is_in(_distinct(agreement_ids))).order_by(
        AgreementCoordinator.id
    )


async def is_coordinator(agreement_id: int, user_id: int) -> bool:
    return await AgreementCoordinator.exists().where(
        (AgreementCoordinator.agreement == agreement_id) & (AgreementCoordinator.user_id == user_id)
    )


async def agreement_ids_coordinated_by(user_id: int) -> list[int]:
    rows = await AgreementCoordinator.select(AgreementCoordinator.agreement).where(
        AgreementCoordinator.user_id == user_id
    ).order_by(AgreementCoordinator.agreement)
    return [row["agreement"] for row in rows]


async def add_coordinator(agreement_id: int, user_id: int) -> int:
    result = await AgreementCoordinator.insert(
        AgreementCoordinator(agreement=agreement_id, user_id=user_id)
    )
    return result[0]["id"]


async def remove_coordinator(agreement_id: int, user_id: int) -> int | None:
    """Delete the link; its row id, or None when the user was not a coordinator."""
    rows = await AgreementCoordinator.delete().where(
        (AgreementCoordinator.agreement == agreement_id) & (AgreementCoordinator.user_id == user_id)
    ).returning(AgreementCoordinator.id)
    return rows[0]["id"] if rows else None


async def ids_in_agreement(entity: str, agreement_id: int, ids: list[int]) -> set[int]:
    """Which of ids are rows of entity belonging to agreement_id."""
    if not ids:
        return set()
    table = _TABLES[entity]
    rows = await table.select(table.id).where(
        (table.agreement == agreement_id) & table.id.is_in(list(set(ids)))
    )
    return {r["id"] for r in rows}


# --- finding agreements --------------------------------------------------------------------


@dataclass
class Filters:
    statuses: list[str] = field(default_factory=list)
    kind: str | None = None
    municipality_id: int | None = None
    organization_id: int | None = None
    ending_before: date | None = None
    text: str | None = None
    text_organization_ids: list[int] = field(default_factory=list)
    local_police_area_id: int | None = None
    coordinator_user_id: int | None = None


def _conditions(filters: Filters) -> list:
    where: list = []
    if filters.statuses:
        where.append(Agreement.status.is_in(filters.statuses))
    if filters.kind:
        where.append(Agreement.kind == filters.kind)
    if filters.municipality_id is not None:
        where.append(
            Agreement.id.is_in(
                AgreementMunicipality.select(AgreementMunicipality.agreement).where(
                    AgreementMunicipality.municipality == filters.municipality_id
                )
            )
        )
    if filters.organization_id is not None:
        where.append(
            Agreement.id.is_in(
                Party.select(Party.agreement).where(Party.organization == filters.organization_id)
            )
        )
    if filters.ending_before is not None:
        where.append(Agreement.period_end < filters.ending_before)
    if filters.local_police_area_id is not None:
        where.append(Agreement.local_police_area == filters.local_police_area_id)
    if filters.coordinator_user_id is not None:
        where.append(
            Agreement.id.is_in(
                AgreementCoordinator.select(AgreementCoordinator.agreement).where(
                    AgreementCoordinator.user_id == filters.coordinator_user_id
                )
            )
        )
    if filters.text:
        text = (
            contains(Agreement.title, filters.text)
            | contains(Agreement.registration_number, filters.text)
            | Agreement.id.is_in(
                Party.select(Party.agreement).where(
                    contains(Party.registration_number, filters.text)
                )
            )
        )
        if filters.text_organization_ids:
            text = text | Agreement.id.is_in(
                Party.select(Party.agreement).where(
                    Party.organization.is_in(filters.text_organization_ids)
                )
            )
        where.append(text)
    return where


async def search(
    filters: Filters, sort: str, descending: bool, limit: int, offset: int
) -> tuple[list[dict], int]:
    where = _conditions(filters)
    query = Agreement.select(*_SUMMARY)
    count = Agreement.count()
    if where:
        query, count = query.where(*where), count.where(*where)
    query = query.order_by(SORTABLE[sort], ascending=not descending).order_by(
        Agreement.id, ascending=not descending
    )
    return await query.limit(limit).offset(offset), await count


async def party_briefs(agreement_ids: list[int]) -> list[dict]:
    return await Party.select(
        Party.id,
        Party.agreement.as_alias("agreement_id"),
        Party.organization.as_alias("organization_id"),
    ).where(Party.agreement.is_in(agreement_ids)).order_by(Party.id)


async def successor_exists(agreement_id: int) -> bool:
    return await Agreement.exists().where(Agreement.supersedes == agreement_id)


# --- references between agreements and registration numbers ------------------------------


async def agreement_link(agreement_id: int, link: str) -> int | None:
    """The agreement that agreement_id's parent or supersedes column points at, if any."""
    column = {"parent": Agreement.parent, "supersedes": Agreement.supersedes}[link]
    found = await Agreement.select(column.as_alias("target")).where(
        Agreement.id == agreement_id
    ).first()
    return found["target"] if found else None


async def registration_number_taken(number: str, except_id: int | None = None) -> bool:
    """Whether another agreement already has this diarienummer."""
    where = Agreement.registration_number == number
    if except_id is not None:
        where = where & (Agreement.id != except_id)
    return await Agreement.exists().where(where)


async def agreement_ids_by_registration_numbers(numbers: list[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = await Agreement.select(Agreement.id, Agreement.registration_number).where(
        Agreement.registration_number.is_in(numbers)
    )
    return {row["registration_number"]: row["id"] for row in rows}


# --- what is due (reminders) ---------------------------------------------------------------
# Each query is led by a range on an indexed date (or status and timestamp) and joins only
# the agreement and the party of the rows in range, so a sweep reads what is due, not
# everything that exists.


def _distinct(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


_DUE = (
    Commitment.id.as_alias("commitment_id"),
    Commitment.title,
    Commitment.due_date,
    Commitment.status,
    Commitment.status_changed_at,
    Commitment.agreement.as_alias("agreement_id"),
    Commitment.agreement.title.as_alias("agreement_title"),
    Commitment.agreement.registration_number.as_alias("agreement_registration_number"),
    Commitment.party.as_alias("party_id"),
    Commitment.party.organization.as_alias("organization_id"),
    Commitment.responsible_contact.as_alias("responsible_contact_id"),
    Commitment.party.primary_contact.as_alias("primary_contact_id"),
)


async def _commitments_due(condition, open_statuses: list[str], live: list[str], order) -> list[dict]:
    return await Commitment.select(*_DUE).where(
        condition
        & Commitment.status.is_in(open_statuses)
        & Commitment.agreement.status.is_in(live)
    ).order_by(order).order_by(Commitment.id)


# Rows per page of an open-ended range read on PostgreSQL. Its planner estimates "open and
# due before today" (or "proposed and changed before the cutoff") as if status and date
# were independent: with years of closed commitments that is a quarter of the table, so it
# reads the whole table and hashes every agreement and party, for the few hundred rows
# that really are open. Asked for a page in the order of the index (status, date) it walks
# that index and joins row by row instead, so the cost follows the rows in range.
RANGE_PAGE = 1_000


async def _commitments_in_range(condition, open_statuses: list[str], live: list[str],
                                order) -> list[dict]:
    """_commitments_due for a range on order (due_date or status_changed_at): the same rows
    in the same order, read page by page along the index (status, order) on PostgreSQL."""
    if Commitment._meta.db.engine_type != "postgres":
        return await _commitments_due(condition, open_statuses, live, order)
    column = order._meta.db_column_name
    rows: list[dict] = []
    after = None
    while True:
        where = (condition & Commitment.status.is_in(open_statuses)
                 & Commitment.agreement.status.is_in(live))
        if after is not None:
            where &= WhereRaw(
                f'("commitment"."status", "commitment"."{column}", "commitment"."id") '
                "> ({}, {}, {})", *after
            )
        page = await Commitment.select(*_DUE).where(where).order_by(
            Commitment.status, order, Commitment.id
        ).limit(RANGE_PAGE)
        rows.extend(page)
        if len(page) < RANGE_PAGE:
            break
        last = page[-1]
        after = (last["status"], last[column], last["commitment_id"])
    rows.sort(key=lambda row: (row[column], row["commitment_id"]))
    return rows


def _of_agreement(condition, column, agreement_id: int | None):
    """condition, narrowed to one agreement when agreement_id is given (the preview)."""
    return condition if agreement_id is None else condition & (column == agreement_id)


async def commitments_due_between(
    first: date, last: date, open_statuses: list[str], live: list[str],
    agreement_id: int | None = None,
) -> list[dict]:
    # A window of days: the planner's estimate is right, and one query does best.
    return await _commitments_due(
        _of_agreement((Commitment.due_date >= first) & (Commitment.due_date <= last),
                      Commitment.agreement, agreement_id),
        open_statuses, live, Commitment.due_date,
    )


async def commitments_due_before(
    before: date, open_statuses: list[str], live: list[str], agreement_id: int | None = None
) -> list[dict]:
    return await _commitments_in_range(
        _of_agreement(Commitment.due_date < before, Commitment.agreement, agreement_id),
        open_statuses, live, Commitment.due_date,
    )


async def commitments_in_status_since(
    status: str, cutoff: datetime, live: list[str], agreement_id: int | None = None
) -> list[dict]:
    return await _commitments_in_range(
        _of_agreement(Commitment.status_changed_at <= cutoff, Commitment.agreement, agreement_id),
        [status], live, Commitment.status_changed_at,
    )


async def commitment_due(commitment_id: int, open_statuses: list[str], live: list[str]) -> dict | None:
    rows = await _commitments_due(
        Commitment.id == commitment_id, open_statuses, live, Commitment.id
    )
    return rows[0] if rows else None


async def meetings_between(
    first: date, last: date, kind: str, live: list[str], agreement_id: int | None = None
) -> list[dict]:
    return await FollowUp.select(
        FollowUp.id.as_alias("follow_up_id"),
        FollowUp.agreement.as_alias("agreement_id"),
        FollowUp.agreement.title.as_alias("agreement_title"),
        FollowUp.date,
        FollowUp.start_time,
        FollowUp.duration_minutes,
        FollowUp.location,
        FollowUp.title,
        FollowUp.notes,
        FollowUp.version,
    ).where(
        _of_agreement((FollowUp.date >= first) & (FollowUp.date <= last),
                      FollowUp.agreement, agreement_id)
        & (FollowUp.kind == kind)
        & FollowUp.agreement.status.is_in(live)
    ).order_by(FollowUp.date).order_by(FollowUp.id)


async def primary_contacts_of(agreement_ids: list[int]) -> list[dict]:
    """(agreement_id, primary_contact_id) of every party that has one, in party order."""
    if not agreement_ids:
        return []
    return await Party.select(
        Party.agreement.as_alias("agreement_id"),
        Party.primary_contact.as_alias("primary_contact_id"),
    ).where(
        Party.agreement.is_in(_distinct(agreement_ids)) & Party.primary_contact.is_not_null()
    ).order_by(Party.id)


async def agreements_ending_between(
    first: date, last: date, statuses: list[str], agreement_id: int | None = None
) -> list[dict]:
    return await Agreement.select(
        Agreement.id.as_alias("agreement_id"),
        Agreement.title,
        Agreement.kind,
        Agreement.period_start,
        Agreement.period_end,
        Agreement.registration_number,
        Agreement.parent.as_alias("parent_id"),
    ).where(
        _of_agreement((Agreement.period_end >= first) & (Agreement.period_end <= last),
                      Agreement.id, agreement_id)
        & Agreement.status.is_in(statuses)
    ).order_by(Agreement.period_end).order_by(Agreement.id)


async def signatories_of(agreement_ids: list[int]) -> list[dict]:
    """Signatories with an e-mail address, in party order."""
    if not agreement_ids:
        return []
    return await Party.select(
        Party.agreement.as_alias("agreement_id"),
        Party.signatory_name.as_alias("name"),
        Party.signatory_email.as_alias("email"),
    ).where(
        Party.agreement.is_in(_distinct(agreement_ids)) & Party.signatory_email.is_not_null()
    ).order_by(Party.id)


async def superseded_ids(agreement_ids: list[int]) -> set[int]:
    """Which of agreement_ids another agreement supersedes."""
    if not agreement_ids:
        return set()
    rows = await Agreement.select(Agreement.supersedes.as_alias("supersedes_id")).where(
        Agreement.supersedes.is_in(_distinct(agreement_ids))
    )
    return {r["supersedes_id"] for r in rows}


async def citizen_promise_starts(parent_ids: list[int]) -> list[dict]:
    """(parent_id, period_start) of every citizen promise under one of parent_ids."""
    if not parent_ids:
        return []
    return await Agreement.select(
        Agreement.parent.as_alias("parent_id"), Agreement.period_start
    ).where(
        (Agreement.kind == AgreementKind.citizen_promise)
        & Agreement.parent.is_in(_distinct(parent_ids))
    )


# --- a coordinator's calendar (the workspace's iCalendar feed) -------------------------------
# Each query reads the rows of every agreement the user coordinates at once, through a
# subquery on the coordinators, led by a range on an indexed date: the cost follows the
# rows in the window, not the number of agreements.


def _coordinated_between(day, first: date, last: date, status, live: list[str], agreement,
                         user_id: int):
    """`day` first, last or between, `status` (the agreement's) live, and `agreement` one the
    user coordinates."""
    return (
        (day >= first) & (day <= last) & status.is_in(live)
        & agreement.is_in(
            AgreementCoordinator.select(AgreementCoordinator.agreement).where(
                AgreementCoordinator.user_id == user_id
            )
        )
    )


async def coordinated_commitments_due(
    user_id: int, first: date, last: date, open_statuses: list[str], live: list[str]
) -> list[dict]:
    return await Commitment.select(
        Commitment.id,
        Commitment.title,
        Commitment.due_date,
        Commitment.status,
        Commitment.agreement.as_alias("agreement_id"),
        Commitment.agreement.title.as_alias("agreement_title"),
        Commitment.party.organization.as_alias("organization_id"),
    ).where(
        _coordinated_between(Commitment.due_date, first, last, Commitment.agreement.status, live,
                             Commitment.agreement, user_id)
        & Commitment.status.is_in(open_statuses)
    ).order_by(Commitment.due_date).order_by(Commitment.id)


async def coordinated_follow_ups(
    user_id: int, first: date, last: date, live: list[str]
) -> list[dict]:
    return await FollowUp.select(
        *_FOLLOW_UP, FollowUp.agreement.title.as_alias("agreement_title")
    ).where(
        _coordinated_between(FollowUp.date, first, last, FollowUp.agreement.status, live,
                             FollowUp.agreement, user_id)
    ).order_by(FollowUp.date).order_by(FollowUp.id)


async def coordinated_agreements_ending(
    user_id: int, first: date, last: date, live: list[str]
) -> list[dict]:
    return await Agreement.select(
        Agreement.id, Agreement.title, Agreement.status, Agreement.period_end,
    ).where(
        _coordinated_between(Agreement.period_end, first, last, Agreement.status, live,
                             Agreement.id, user_id)
    ).order_by(Agreement.period_end).order_by(Agreement.id)


async def progress_reports_of_commitments(commitment_ids: list[int]) -> list[dict]:
    """Every progress report of these commitments, newest first (the workspace's agreement
    page shows each commitment's latest)."""
    if not commitment_ids:
        return []
    return await ProgressReport.select(*_PROGRESS_REPORT).where(
        ProgressReport.commitment.is_in(_distinct(commitment_ids))
    ).order_by(ProgressReport.reported_at, ascending=False).order_by(
        ProgressReport.id, ascending=False
    )


# --- the coordinators' workspace: the Today page and the agreements list -----------------
# The Today page's reads are hand-written statements (through Piccolo's raw(), so on both
# engines; on PostgreSQL straight from the pool), led by the user's rows in
# agreement_coordinator. Each returns at most `limit` rows per list with the list's total
# beside them, so a coordinator with a long backlog costs no more than one with a short one.
# Building Piccolo's select with is_in() over 500 ids cost more than running it; turning
# hundreds of rows into dicts more again.

EVERY = 1_000_000  # a limit that is no limit


def _listed(values: Iterable[str]) -> str:
    """Status names written out as SQL strings (they are the enums' own values)."""
    quoted = []
    for value in values:
        if not value.replace("_", "").isalpha():
            raise ValueError(f"not a status name: {value!r}")
        quoted.append(f"'{value}'")
    return ", ".join(quoted)


def _ids(ids: Iterable[int]) -> str:
    """Ids written out as SQL integers."""
    return ",".join(str(int(i)) for i in dict.fromkeys(ids)) or "NULL"


async def _fetch(table, sql: str, *args) -> list:
    """The rows of a hand-written statement with {} placeholders: on PostgreSQL outside a
    transaction straight from the pool (asyncpg records, read like dicts), elsewhere through
    Piccolo's raw()."""
    import re

    from samverkan.db import read_pool

    pool = read_pool()
    if pool is None:
        return await table.raw(sql, *args)
    numbers = iter(range(1, len(args) + 1))
    return await pool.fetch(re.sub(r"\{\}", lambda _: f"${next(numbers)}", sql), *args)


async def agreements_coordinated_by(user_id: int) -> list[dict]:
    """A brief row of every agreement the user coordinates, in one statement."""
    return await _fetch(
        Agreement,
        "SELECT a.id, a.title, a.kind, a.status, a.registration_number, a.period_start, "
        "a.period_end, a.updated_at FROM agreement_coordinator ac "
        "JOIN agreement a ON a.id = ac.agreement WHERE ac.user_id = {} ORDER BY a.id",
        user_id,
    )


async def coordinated_ids(user_id: int) -> list[int]:
    rows = await _fetch(
        AgreementCoordinator,
        "SELECT agreement FROM agreement_coordinator WHERE user_id = {} ORDER BY agreement",
        user_id,
    )
    return [row["agreement"] for row in rows]


async def drafts_and_endings(user_id: int, in_force: list[str], first: date,
                             last: date) -> list[dict]:
    """How many agreements the user coordinates (`followed`, on every row, and on one row
    of NULLs when none of the rest matches), with its drafts and those in force whose
    period ends first, last or between."""
    return await _fetch(
        Agreement,
        "SELECT n.followed, a.id, a.title, a.kind, a.status, a.registration_number, "
        "a.period_end, a.updated_at "
        "FROM (SELECT count(*) AS followed FROM agreement_coordinator WHERE user_id = {}) n "
        "LEFT JOIN (SELECT x.* FROM agreement_coordinator ac "
        "           JOIN agreement x ON x.id = ac.agreement WHERE ac.user_id = {} "
        "           AND (x.status = 'draft' OR (x.status IN "
        f"({_listed(in_force)}) AND x.period_end >= {{}} AND x.period_end <= {{}}))) a "
        "ON 1 = 1 ORDER BY a.period_end, a.updated_at DESC, a.id",
        user_id, user_id, first, last,
    )


async def commitments_needing_attention(
    user_id: int, open_statuses: list[str], live: list[str], proposed: str, today: date,
    due_until: date, limits: tuple[int, int, int],
) -> list[dict]:
    """Open commitments of the live agreements user_id coordinates, in three lists: proposed
    (oldest first), due before today (overdue, earliest first) and due from today to
    due_until (earliest first), at most limits[n] of each, every row flagged with the lists
    it is in and carrying the three totals; with its agreement's title and its party's name
    (joined here, as on the hot read path, rather than asked of the registry id by id)."""
    awaiting = f"c.status = '{proposed}'"
    overdue = "c.due_date < {}"
    soon = "(c.due_date >= {} AND c.due_date <= {})"
    # Numbered and counted over the commitments alone; the few rows kept are then joined to
    # their agreement's title and their party's name (by primary key, not all of them).
    return await _fetch(
        Commitment,
        "SELECT t.*, a.title AS agreement_title, o.name AS organization_name FROM ("
        "SELECT c.id AS commitment_id, c.title, c.due_date, c.status, c.status_changed_at, "
        "c.agreement AS agreement_id, c.party AS party_id, "
        f"CASE WHEN {awaiting} THEN 1 ELSE 0 END AS awaiting, "
        f"CASE WHEN {overdue} THEN 1 ELSE 0 END AS overdue, "
        f"CASE WHEN {soon} THEN 1 ELSE 0 END AS due_soon, "
        # A running count of each list's rows in its order numbers them: the two lists in
        # due-date order share one sort.
        f"sum(CASE WHEN {awaiting} THEN 1 ELSE 0 END) OVER (ORDER BY c.status_changed_at, "
        "c.id ROWS UNBOUNDED PRECEDING) AS awaiting_n, "
        f"sum(CASE WHEN {overdue} THEN 1 ELSE 0 END) OVER due AS overdue_n, "
        f"sum(CASE WHEN {soon} THEN 1 ELSE 0 END) OVER due AS due_soon_n, "
        f"sum(CASE WHEN {awaiting} THEN 1 ELSE 0 END) OVER () AS awaiting_total, "
        f"sum(CASE WHEN {overdue} THEN 1 ELSE 0 END) OVER () AS overdue_total, "
        f"sum(CASE WHEN {soon} THEN 1 ELSE 0 END) OVER () AS due_soon_total "
        "FROM agreement_coordinator ac JOIN agreement x ON x.id = ac.agreement "
        "JOIN commitment c ON c.agreement = ac.agreement "
        f"WHERE ac.user_id = {{}} AND x.status IN ({_listed(live)}) "
        f"AND c.status IN ({_listed(open_statuses)}) "
        f"AND ({awaiting} OR c.due_date <= {{}}) "
        "WINDOW due AS (ORDER BY c.due_date, c.id ROWS UNBOUNDED PRECEDING)) t "
        "JOIN agreement a ON a.id = t.agreement_id JOIN party p ON p.id = t.party_id "
        "JOIN organization o ON o.id = p.organization "
        "WHERE (t.awaiting = 1 AND t.awaiting_n <= {}) OR (t.overdue = 1 AND t.overdue_n <= {}) "
        "OR (t.due_soon = 1 AND t.due_soon_n <= {})",
        # the placeholders in order: overdue, soon ×2 (flags), overdue, soon ×2 (running
        # counts), overdue, soon ×2 (totals), the user, due_until, the three limits
        today, today, due_until, today, today, due_until, today, today, due_until,
        user_id, due_until, *limits,
    )


async def follow_ups_coordinated_between(
    user_id: int, first: date, last: date, live: list[str], limit: int
) -> list[dict]:
    """The first `limit` follow-ups of the live agreements user_id coordinates dated first,
    last or between, by date, with their agreement's title and how many there are."""
    return await _fetch(
        FollowUp,
        "SELECT f.id AS follow_up_id, f.agreement AS agreement_id, a.title AS agreement_title, "
        "f.date, f.kind, f.title, f.start_time, f.location, count(*) OVER () AS total "
        "FROM agreement_coordinator ac "
        "JOIN agreement a ON a.id = ac.agreement JOIN follow_up f ON f.agreement = a.id "
        f"WHERE ac.user_id = {{}} AND a.status IN ({_listed(live)}) "
        "AND f.date >= {} AND f.date <= {} ORDER BY f.date, f.id LIMIT {}",
        user_id, first, last, limit,
    )


async def party_labels(party_ids: list[int]) -> list[dict]:
    """(id, organization_name, agreement_title) of these parties."""
    if not party_ids:
        return []
    return await _fetch(
        Party,
        "SELECT p.id, o.name AS organization_name, a.title AS agreement_title FROM party p "
        "JOIN organization o ON o.id = p.organization JOIN agreement a ON a.id = p.agreement "
        f"WHERE p.id IN ({_ids(party_ids)})"
    )
