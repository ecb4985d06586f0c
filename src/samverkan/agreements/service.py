"""Rules of agreements: what an agreement must hold, who may change what, and when.

Every write records an audit event in the caller's transaction and gives the agreement a
new version, so "has anything in it changed since?" has one answer.
"""

from datetime import date, datetime

import msgspec

from samverkan import clock, events
from samverkan.accounts import service as accounts
from samverkan.actor import Actor
from samverkan.agreements import read_queries, repository
from samverkan.agreements.lifecycle import (
    AGREEMENT_STATUS_SV,
    CLOSED_AGREEMENT,
    COMMITMENT_STATUS_SV,
    CONFIRMED,
    IN_FORCE_AGREEMENT,
    LIVE_AGREEMENT,
    OPEN_COMMITMENT,
    SUBSTANCE,
    agreement_move_allowed,
    allowed_agreement_moves,
    allowed_commitment_moves,
    commitment_move_allowed,
)
from samverkan.agreements.repository import SORTABLE, Filters
from samverkan.agreements.schemas import (
    AgreementCreate,
    AgreementEnding,
    AgreementRead,
    AgreementStatusChange,
    AgreementSummary,
    AgreementUpdate,
    CommitmentCreate,
    CommitmentDue,
    CommitmentRead,
    CommitmentStatusChange,
    CommitmentUpdate,
    FocusAreaCreate,
    FocusAreaRead,
    FocusAreaUpdate,
    FollowUpCreate,
    FollowUpRead,
    FollowUpUpdate,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    MeetingDue,
    OutcomeInput,
    OutcomeRead,
    PartyBrief,
    PartyCreate,
    PartyRead,
    PartyResponse,
    PartyUpdate,
    ProgressReportCreate,
    ProgressReportRead,
    Signatory,
)
from samverkan.agreements.tables import (
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    FollowUpKind,
)
from samverkan.audit import service as audit
from samverkan.audit.schemas import AuditEventRead
from samverkan.db import gather_reads
from samverkan.errors import Conflict, InvalidInput, NotFound, require_version, stale
from samverkan.registry import service as registry
from samverkan.schemas import Page, changes, period_is_ordered

MIN_PARTIES = 2

# --- reading -----------------------------------------------------------------------------


async def agreement(agreement_id: int) -> AgreementRead:
    row = await repository.row("agreement", agreement_id)
    if row is None:
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    links, parties, focus_areas, goals, commitments, follow_ups, coordinators = await gather_reads(
        repository.municipality_links([agreement_id]),
        repository.parties_of([agreement_id]),
        repository.focus_areas_of(agreement_id),
        repository.goals_of(agreement_id),
        repository.commitments_of(agreement_id),
        repository.follow_ups_of(agreement_id),
        repository.coordinators_of([agreement_id]),
    )
    codes, party_reads, outcomes = await gather_reads(
        registry.municipality_codes([link["municipality"] for link in links]),
        _party_reads(parties),
        repository.outcomes_of([f["id"] for f in follow_ups]),
    )
    return AgreementRead(
        **row,
        municipality_codes=[codes[link["municipality"]] for link in links],
        coordinator_user_ids=[c["user_id"] for c in coordinators],
        parties=party_reads,
        focus_areas=[FocusAreaRead(**f) for f in focus_areas],
        goals=[GoalRead(**g) for g in goals],
        commitments=[CommitmentRead(**c) for c in commitments],
        follow_ups=_follow_up_reads(follow_ups, outcomes),
    )


_JSON = msgspec.json.Encoder()


async def agreement_response(agreement_id: int) -> tuple[AgreementRead | bytes, int]:
    """What GET /api/agreements/{id} answers, and its version (the ETag).

    On PostgreSQL the body is the agreement's JSON, read and encoded on the hot read path
    (read_queries), byte for byte what AgreementRead would encode to; elsewhere it is the
    AgreementRead itself.
    """
    if not read_queries.available():
        found = await agreement(agreement_id)
        return found, found.version
    document = await read_queries.agreement_document(agreement_id)
    if document is None:
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    return _JSON.encode(document), document["version"]


async def _party_reads(rows: list[dict]) -> list[PartyRead]:
    organizations, contacts = await gather_reads(
        registry.organizations_by_ids([r["organization_id"] for r in rows]),
        registry.contacts_by_ids([r["primary_contact_id"] for r in rows if r["primary_contact_id"]]),
    )
    return [
        PartyRead(
            **row,
            organization=organizations[row["organization_id"]],
            primary_contact=contacts.get(row["primary_contact_id"]),
        )
        for row in rows
    ]


def _follow_up_reads(rows: list[dict], outcomes: list[dict]) -> list[FollowUpRead]:
    by_follow_up: dict[int, list[OutcomeRead]] = {}
    for outcome in outcomes:
        by_follow_up.setdefault(outcome["follow_up_id"], []).append(OutcomeRead(**outcome))
    return [FollowUpRead(**row, outcomes=by_follow_up.get(row["id"], [])) for row in rows]


async def agreements(**criteria) -> tuple[list[AgreementSummary], int]:
    """A page of agreements matching criteria (see _search), and how many match in all."""
    rows, total = await _search(**criteria)
    return await _summaries(rows), total


async def _search(
    *,
    statuses: list[AgreementStatus],
    kind: str | None,
    municipality_code: str | None,
    organization_id: int | None,
    ending_before: date | None,
    text: str | None,
    sort: str,
    limit: int,
    offset: int,
    local_police_area_id: int | None = None,
    coordinator_user_id: int | None = None,
) -> tuple[list[dict], int]:
    descending = sort.startswith("-")
    sort_key = sort.removeprefix("-")
    if sort_key not in SORTABLE:
        raise InvalidInput(
            f"Kan inte sortera på {sort_key!r}; välj en av {', '.join(SORTABLE)} "
            "(prefix - for descending)",
            field="sort",
        )
    filters = Filters(
        statuses=[str(s.value) for s in statuses],
        kind=kind,
        organization_id=organization_id,
        ending_before=ending_before,
        text=text.strip() if text and text.strip() else None,
        local_police_area_id=local_police_area_id,
        coordinator_user_id=coordinator_user_id,
    )
    if municipality_code:
        filters.municipality_id = (await registry.municipality_ids([municipality_code], "municipality"))[0]
    if filters.text:
        filters.text_organization_ids = await registry.organization_ids_matching(filters.text)
    return await repository.search(filters, sort_key, descending, limit, offset)


async def agreements_response(*, limit: int, offset: int, **criteria) -> bytes | Page:
    """What GET /api/agreements answers: a Page of AgreementSummary.

    On PostgreSQL it is the page's JSON, read and encoded on the hot read path
    (read_queries; the default, unfiltered list in hand-written statements, a filtered one
    through repository.search), byte for byte what the Page model would encode to.
    """
    if not read_queries.available():
        items, total = await agreements(limit=limit, offset=offset, **criteria)
        return Page(items=items, total=total, limit=limit, offset=offset)
    items, total = await _hot_page(limit=limit, offset=offset, **criteria)
    return _JSON.encode({"items": items, "total": total, "limit": limit, "offset": offset})


async def _hot_page(**criteria) -> tuple[list, int]:
    """A page of summaries (read_queries' rows) matching criteria and how many match in all,
    on the hot read path: an unfiltered page in the default orders in one statement, any
    other through repository.search; their municipalities and parties in two more."""
    sort = criteria["sort"]
    descending, sort_key = sort.startswith("-"), sort.removeprefix("-")
    filtered = any(
        criteria.get(key) for key in ("statuses", "kind", "municipality_code", "organization_id",
                                      "ending_before", "local_police_area_id",
                                      "coordinator_user_id")
    ) or (criteria.get("text") and criteria["text"].strip())
    if sort_key in SORTABLE and not filtered:
        return await read_queries.page(sort_key, descending, criteria["limit"],
                                       criteria["offset"])
    found, total = await _search(**criteria)
    return await read_queries.summaries(found), total


async def _summaries(rows: list[dict]) -> list[AgreementSummary]:
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    links, briefs = await gather_reads(
        repository.municipality_links(ids), repository.party_briefs(ids)
    )
    codes, organizations = await gather_reads(
        registry.municipality_codes([link["municipality"] for link in links]),
        registry.organizations_by_ids([b["organization_id"] for b in briefs]),
    )
    codes_of: dict[int, list[str]] = {}
    for link in links:
        codes_of.setdefault(link["agreement"], []).append(codes[link["municipality"]])
    parties_of: dict[int, list[PartyBrief]] = {}
    for brief in briefs:
        parties_of.setdefault(brief["agreement_id"], []).append(
            PartyBrief(
                id=brief["id"],
                organization_id=brief["organization_id"],
                name=organizations[brief["organization_id"]].name,
            )
        )
    return [
        AgreementSummary(
            **row, municipality_codes=codes_of.get(row["id"], []), parties=parties_of.get(row["id"], [])
        )
        for row in rows
    ]


async def history(agreement_id: int, limit: int, offset: int) -> tuple[list[AuditEventRead], int]:
    if not await repository.agreement_exists(agreement_id):
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    return await audit.agreement_history(agreement_id, limit, offset)


# --- shared checks -------------------------------------------------------------------------


async def _editable(agreement_id: int) -> AgreementStatus:
    """The status of an agreement that may still be changed; 404 or 409 otherwise."""
    status = await repository.agreement_status(agreement_id)
    if status is None:
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    status = AgreementStatus(status)
    if status in CLOSED_AGREEMENT:
        raise Conflict(
            f"Överenskommelsen är {AGREEMENT_STATUS_SV[status]} och kan inte längre ändras "
            "(the agreement is closed)",
            field="status",
        )
    return status


def _illegal_move(subject: str, names_sv: dict, current, target, allowed: list) -> Conflict:
    """409 for a move the lifecycle does not allow, naming the allowed moves in a fixed order."""
    allowed_sv = ", ".join(names_sv[s] for s in allowed) or "inget"
    allowed_en = ", ".join(s.value for s in allowed) or "none"
    return Conflict(
        f"{subject} som är {names_sv[current]} kan inte bli {names_sv[target]}; "
        f"tillåtet: {allowed_sv} "
        f"(illegal transition {current.value} → {target.value}; allowed: {allowed_en})",
        field="status",
    )


async def _in_agreement(entity: str, agreement_id: int, row_id: int | None, field: str) -> None:
    if row_id is not None and row_id not in await repository.ids_in_agreement(
        entity, agreement_id, [row_id]
    ):
        raise InvalidInput(
            f"{field} hör inte till denna överenskommelse (does not belong to this agreement)",
            field=field,
        )


async def _contact_of(organization_id: int, contact_id: int | None, field: str) -> None:
    if contact_id is None:
        return
    contact = (await registry.contacts_by_ids([contact_id])).get(contact_id)
    if contact is None or contact.organization_id != organization_id:
        raise InvalidInput(
            "Kontaktpersonen finns inte hos partens organisation "
            "(contact does not belong to the party's organisation)",
            field=field,
        )


async def _announce(entity: str, row_id: int, agreement_id: int) -> None:
    """Tell other domains (reminders) what changed, inside the caller's transaction."""
    if entity == "commitment":
        await events.publish(events.COMMITMENT_CHANGED, commitment_id=row_id)
    elif entity == "follow_up":
        await events.publish(events.FOLLOW_UP_CHANGED, follow_up_id=row_id)
    elif entity in ("agreement", "party", "coordinator"):
        await events.publish(events.AGREEMENT_CHANGED, agreement_id=agreement_id)


async def _saved(
    actor: Actor, entity: str, before, expected: int | None, values: dict, read,
    action: str = "update",
):
    """Write values over before (a Read model) if nobody changed it since; audit it as action."""
    require_version(before.version, expected)
    if not values:
        return before
    if not await repository.update(entity, before.id, before.version, values):
        raise stale()
    agreement_id = before.id if entity == "agreement" else before.agreement_id
    if entity != "agreement":
        await repository.touch_agreement(agreement_id)
    after = await read(before.id)
    await audit.record(
        actor, action, entity, before.id, agreement_id=agreement_id, before=before, after=after
    )
    await _announce(entity, before.id, agreement_id)
    return after


async def _created(actor: Actor, entity: str, agreement_id: int, values: dict, read):
    row_id = await repository.insert(entity, {**values, "agreement": agreement_id})
    await repository.touch_agreement(agreement_id)
    created = await read(row_id)
    await audit.record(actor, "create", entity, row_id, agreement_id=agreement_id, after=created)
    await _announce(entity, row_id, agreement_id)
    return created


async def _deleted(actor: Actor, entity: str, before, expected: int | None) -> None:
    require_version(before.version, expected)
    await repository.delete(entity, before.id)
    await repository.touch_agreement(before.agreement_id)
    await audit.record(
        actor, "delete", entity, before.id, agreement_id=before.agreement_id, before=before
    )
    await _announce(entity, before.id, before.agreement_id)


# --- agreements ----------------------------------------------------------------------------


async def _agreement_values(data: AgreementCreate | AgreementUpdate, current=None) -> dict:
    values = changes(data, required=("title", "kind", "period_start"))
    for key in ("municipality_codes", "parties"):
        values.pop(key, None)
    start = values.get("period_start", current.period_start if current else None)
    end = values["period_end"] if "period_end" in values else (current.period_end if current else None)
    if not period_is_ordered(start, end):
        raise InvalidInput(
            "Periodens slut ligger före dess början (period_end is before period_start)",
            field="period_end",
        )
    number = values.get("registration_number")
    if number is not None and await repository.registration_number_taken(
        number, current.id if current else None
    ):
        raise Conflict(
            f"Diarienumret {number} används redan av en annan överenskommelse "
            "(registration number already in use)",
            field="registration_number",
        )
    for key, column in (("local_police_area_id", "local_police_area"), ("parent_id", "parent"),
                        ("supersedes_id", "supersedes")):
        if key not in values:
            continue
        value = values.pop(key)
        values[column] = value
        if value is None:
            continue
        if key == "local_police_area_id":
            await registry.require_local_police_area(value, key)
            continue
        if (current and value == current.id) or not await repository.agreement_exists(value):
            raise InvalidInput(
                "Hänvisningen måste gå till en annan, befintlig överenskommelse "
                "(must refer to another existing agreement)",
                field=key,
            )
        if current and await _leads_to(value, column, current.id):
            raise InvalidInput(
                "Hänvisningen skulle bilda en cirkel: den överenskommelsen hänvisar redan, "
                "direkt eller via andra, tillbaka till denna (would create a cycle)",
                field=key,
            )
    return values


async def _leads_to(start: int, link: str, target: int) -> bool:
    """Whether following link (parent or supersedes) from start reaches target."""
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        current = await repository.agreement_link(current, link)
    return False


async def create_agreement(actor: Actor, data: AgreementCreate) -> AgreementRead:
    values = await _agreement_values(data)
    municipality_ids = await registry.municipality_ids(data.municipality_codes, "municipality_codes")
    now = clock.now()
    agreement_id = await repository.insert(
        "agreement",
        {**values, "status": AgreementStatus.draft, "created_at": now, "updated_at": now},
    )
    await repository.set_municipalities(agreement_id, municipality_ids)
    for index, party in enumerate(data.parties):
        await _insert_party(agreement_id, party, field_prefix=f"parties.{index}.")
    if actor.id is not None:
        # The user who registers an agreement coordinates it until someone says otherwise.
        await repository.add_coordinator(agreement_id, actor.id)
    created = await agreement(agreement_id)
    await audit.record(
        actor, "create", "agreement", agreement_id, agreement_id=agreement_id, after=created
    )
    await _announce("agreement", agreement_id, agreement_id)
    return created


async def update_agreement(
    actor: Actor, agreement_id: int, data: AgreementUpdate, expected: int | None
) -> AgreementRead:
    before = await agreement(agreement_id)
    await _editable(agreement_id)
    values = await _agreement_values(data, before)
    require_version(before.version, expected)
    if data.municipality_codes is not None:
        ids = await registry.municipality_ids(data.municipality_codes, "municipality_codes")
        await repository.set_municipalities(agreement_id, ids)
        values.setdefault("title", before.title)  # so the version moves with the change
    return await _saved(actor, "agreement", before, expected, values, agreement)


async def change_agreement_status(
    actor: Actor, agreement_id: int, change: AgreementStatusChange, expected: int | None
) -> AgreementRead:
    before = await agreement(agreement_id)
    require_version(before.version, expected)
    target = change.status
    if not agreement_move_allowed(before.status, target):
        raise _illegal_move(
            "En överenskommelse", AGREEMENT_STATUS_SV, before.status, target,
            allowed_agreement_moves(before.status),
        )
    if target in (AgreementStatus.in_preparation, AgreementStatus.awaiting_signature,
                  AgreementStatus.active) and len(before.parties) < MIN_PARTIES:
        raise Conflict(
            f"En överenskommelse behöver minst {MIN_PARTIES} parter "
            "(an agreement needs at least two parties)",
            field="parties",
        )
    if target == AgreementStatus.awaiting_signature:
        missing = [p.organization.name for p in before.parties if not p.signatory_name]
        if missing:
            raise Conflict(
                f"Undertecknare saknas för: {', '.join(missing)} (signatory missing)",
                field="parties",
            )
    if target == AgreementStatus.active:
        unsigned = [p.organization.name for p in before.parties if p.signed_on is None]
        if unsigned:
            raise Conflict(
                f"Alla parter har inte skrivit under: {', '.join(unsigned)} "
                "(not every party has signed)",
                field="parties",
            )
    if not await repository.update("agreement", agreement_id, before.version, {"status": target}):
        raise stale()
    after = await agreement(agreement_id)
    await audit.record(
        actor, "status", "agreement", agreement_id, agreement_id=agreement_id,
        before={"status": before.status.value},
        after={"status": target.value, "comment": change.comment},
    )
    await _announce("agreement", agreement_id, agreement_id)
    if target == AgreementStatus.active and before.supersedes_id is not None:
        await _supersede(actor, before.supersedes_id, agreement_id)
    return after


async def _supersede(actor: Actor, predecessor_id: int, successor_id: int) -> None:
    """The agreement this one replaces stops applying when this one starts."""
    status = AgreementStatus(await repository.agreement_status(predecessor_id))
    if not agreement_move_allowed(status, AgreementStatus.superseded):
        return
    version = (await repository.row("agreement", predecessor_id))["version"]
    if not await repository.update(
        "agreement", predecessor_id, version, {"status": AgreementStatus.superseded}
    ):
        raise stale()
    await audit.record(
        actor, "status", "agreement", predecessor_id, agreement_id=predecessor_id,
        before={"status": status.value},
        after={"status": AgreementStatus.superseded.value, "superseded_by": successor_id},
    )
    await _announce("agreement", predecessor_id, predecessor_id)


async def renewal_needed(agreement_id: int) -> bool:
    """True when nothing has been registered to replace this agreement yet."""
    return not await repository.successor_exists(agreement_id)


# --- coordinators --------------------------------------------------------------------------


async def add_coordinator(actor: Actor, agreement_id: int, user_id: int) -> AgreementRead:
    """Make an active user a coordinator of the agreement; 400 if no such user, 409 if already."""
    await _editable(agreement_id)
    user = (await accounts.users_by_ids([user_id])).get(user_id)
    if user is None or not user.active:
        raise InvalidInput(
            "Det finns ingen aktiv användare med det id:t (no such active user)", field="user_id"
        )
    if await repository.is_coordinator(agreement_id, user_id):
        raise Conflict(
            f"{user.name} samordnar redan överenskommelsen (already a coordinator)",
            field="user_id",
        )
    row_id = await repository.add_coordinator(agreement_id, user_id)
    await repository.touch_agreement(agreement_id)
    await audit.record(
        actor, "create", "coordinator", row_id, agreement_id=agreement_id,
        after={"user_id": user_id},
    )
    await _announce("coordinator", row_id, agreement_id)
    return await agreement(agreement_id)


async def remove_coordinator(actor: Actor, agreement_id: int, user_id: int) -> None:
    await _editable(agreement_id)
    row_id = await repository.remove_coordinator(agreement_id, user_id)
    if row_id is None:
        raise NotFound(
            "Användaren samordnar inte denna överenskommelse (not a coordinator)", field="user_id"
        )
    await repository.touch_agreement(agreement_id)
    await audit.record(
        actor, "delete", "coordinator", row_id, agreement_id=agreement_id,
        before={"user_id": user_id},
    )
    await _announce("coordinator", row_id, agreement_id)


# --- parties -------------------------------------------------------------------------------


async def party(party_id: int) -> PartyRead:
    row = await repository.row("party", party_id)
    if row is None:
        raise NotFound("Parten finns inte (party not found)")
    return (await _party_reads([row]))[0]


def _signature_checked(values: dict, field_prefix: str = "") -> None:
    if values.get("signed_on") and not values.get("signatory_name"):
        raise InvalidInput(
            "Ange vem som skrev under innan datum för underskrift (signatory_name required)",
            field=f"{field_prefix}signatory_name",
        )


async def _insert_party(agreement_id: int, data: PartyCreate, field_prefix: str = "") -> int:
    organizations = await registry.organizations_by_ids([data.organization_id])
    if data.organization_id not in organizations:
        raise InvalidInput(
            "Organisationen finns inte i registret (unknown organisation)",
            field=f"{field_prefix}organization_id",
        )
    if await repository.party_of_organization(agreement_id, data.organization_id):
        raise Conflict(
            f"{organizations[data.organization_id].name} är redan part i överenskommelsen "
            "(already a party)",
            field=f"{field_prefix}organization_id",
        )
    await _contact_of(data.organization_id, data.primary_contact_id, f"{field_prefix}primary_contact_id")
    values = data.model_dump()
    _signature_checked(values, field_prefix)
    values["organization"] = values.pop("organization_id")
    values["primary_contact"] = values.pop("primary_contact_id")
    return await repository.insert("party", {**values, "agreement": agreement_id})


async def add_party(actor: Actor, agreement_id: int, data: PartyCreate) -> PartyRead:
    await _editable(agreement_id)
    party_id = await _insert_party(agreement_id, data)
    await repository.touch_agreement(agreement_id)
    created = await party(party_id)
    await audit.record(actor, "create", "party", party_id, agreement_id=agreement_id, after=created)
    await _announce("party", party_id, agreement_id)
    return created


async def _party_in(agreement_id: int, party_id: int) -> PartyRead:
    found = await party(party_id)
    if found.agreement_id != agreement_id:
        raise NotFound("Parten finns inte i denna överenskommelse (party not found)")
    return found


async def update_party(
    actor: Actor, agreement_id: int, party_id: int, data: PartyUpdate, expected: int | None
) -> PartyRead:
    before = await _party_in(agreement_id, party_id)
    await _editable(agreement_id)
    values = changes(data)
    if "primary_contact_id" in values:
        await _contact_of(before.organization.id, values["primary_contact_id"], "primary_contact_id")
        values["primary_contact"] = values.pop("primary_contact_id")
    merged = {**before.model_dump(), **values}
    _signature_checked(merged)
    return await _saved(actor, "party", before, expected, values, party)


async def remove_party(actor: Actor, agreement_id: int, party_id: int, expected: int | None) -> None:
    before = await _party_in(agreement_id, party_id)
    status = await _editable(agreement_id)
    if status not in (AgreementStatus.draft, AgreementStatus.in_preparation):
        raise Conflict(
            "Parter kan bara tas bort medan överenskommelsen bereds (only while in preparation)",
            field="status",
        )
    if await repository.commitment_count_of_party(party_id):
        raise Conflict(
            "Parten har åtaganden; avbryt eller flytta dem först (the party has commitments)",
            field="party_id",
        )
    await _deleted(actor, "party", before, expected)


# --- focus areas and goals -----------------------------------------------------------------


async def _child(entity: str, model, row_id: int, agreement_id: int | None, missing: str):
    row = await repository.row(entity, row_id)
    if row is None or (agreement_id is not None and row["agreement_id"] != agreement_id):
        raise NotFound(missing)
    return model(**row)


async def focus_area(focus_area_id: int, agreement_id: int | None = None) -> FocusAreaRead:
    return await _child(
        "focus_area", FocusAreaRead, focus_area_id, agreement_id,
        "Fokusområdet finns inte (focus area not found)",
    )


async def add_focus_area(actor: Actor, agreement_id: int, data: FocusAreaCreate) -> FocusAreaRead:
    await _editable(agreement_id)
    return await _created(actor, "focus_area", agreement_id, data.model_dump(), focus_area)


async def update_focus_area(
    actor: Actor, agreement_id: int, focus_area_id: int, data: FocusAreaUpdate, expected: int | None
) -> FocusAreaRead:
    before = await focus_area(focus_area_id, agreement_id)
    await _editable(agreement_id)
    values = changes(data, required=("title", "problem", "cause_analysis", "priority"))
    return await _saved(actor, "focus_area", before, expected, values, focus_area)


async def remove_focus_area(
    actor: Actor, agreement_id: int, focus_area_id: int, expected: int | None
) -> None:
    before = await focus_area(focus_area_id, agreement_id)
    await _editable(agreement_id)
    await _deleted(actor, "focus_area", before, expected)


async def goal(goal_id: int, agreement_id: int | None = None) -> GoalRead:
    return await _child("goal", GoalRead, goal_id, agreement_id, "Målet finns inte (goal not found)")


def _goal_values(values: dict) -> dict:
    if "focus_area_id" in values:
        values["focus_area"] = values.pop("focus_area_id")
    return values


async def _indicator_known(indicator_id: int | None) -> None:
    if indicator_id is None:
        return
    # Imported here: the situation domain reads agreements through this module.
    from samverkan.situation import service as situation

    await situation.require_indicator(indicator_id, field="indicator_id")


async def add_goal(actor: Actor, agreement_id: int, data: GoalCreate) -> GoalRead:
    await _editable(agreement_id)
    await _in_agreement("focus_area", agreement_id, data.focus_area_id, "focus_area_id")
    await _indicator_known(data.indicator_id)
    return await _created(actor, "goal", agreement_id, _goal_values(data.model_dump()), goal)


async def update_goal(
    actor: Actor, agreement_id: int, goal_id: int, data: GoalUpdate, expected: int | None
) -> GoalRead:
    before = await goal(goal_id, agreement_id)
    await _editable(agreement_id)
    values = changes(data, required=("title", "indicator", "unit", "measured_how"))
    await _in_agreement("focus_area", agreement_id, values.get("focus_area_id"), "focus_area_id")
    await _indicator_known(values.get("indicator_id"))
    return await _saved(actor, "goal", before, expected, _goal_values(values), goal)


async def remove_goal(actor: Actor, agreement_id: int, goal_id: int, expected: int | None) -> None:
    before = await goal(goal_id, agreement_id)
    await _editable(agreement_id)
    await _deleted(actor, "goal", before, expected)


# --- commitments ---------------------------------------------------------------------------


async def commitment(commitment_id: int, agreement_id: int | None = None) -> CommitmentRead:
    return await _child(
        "commitment", CommitmentRead, commitment_id, agreement_id,
        "Åtagandet finns inte (commitment not found)",
    )


async def commitments(agreement_id: int, party_id: int | None = None) -> list[CommitmentRead]:
    if not await repository.agreement_exists(agreement_id):
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    return [CommitmentRead(**row) for row in await repository.commitments_of(agreement_id, party_id)]


async def parties(agreement_id: int) -> list[PartyRead]:
    if not await repository.agreement_exists(agreement_id):
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    return await _party_reads(await repository.parties_of([agreement_id]))


async def _commitment_values(
    agreement_id: int, values: dict, party_id: int, contact_id: int | None
) -> dict:
    """Column values of a commitment owned by party_id with responsible contact contact_id.

    The responsible contact must work for the owner's organisation, also when the owner
    changes and the contact does not.
    """
    await _in_agreement("party", agreement_id, party_id, "party_id")
    await _in_agreement("focus_area", agreement_id, values.get("focus_area_id"), "focus_area_id")
    owner = await party(party_id)
    await _contact_of(owner.organization.id, contact_id, "responsible_contact_id")
    for key in ("party_id", "focus_area_id", "responsible_contact_id"):
        if key in values:
            values[key.removesuffix("_id")] = values.pop(key)
    return values


async def add_commitment(actor: Actor, agreement_id: int, data: CommitmentCreate) -> CommitmentRead:
    await _editable(agreement_id)
    values = await _commitment_values(
        agreement_id, data.model_dump(), data.party_id, data.responsible_contact_id
    )
    now = clock.now()
    values.update(
        status=CommitmentStatus.proposed, status_changed_at=now, created_at=now, updated_at=now
    )
    return await _created(actor, "commitment", agreement_id, values, commitment)


async def update_commitment(
    actor: Actor, commitment_id: int, data: CommitmentUpdate, expected: int | None
) -> CommitmentRead:
    before = await commitment(commitment_id)
    await _editable(before.agreement_id)
    values = changes(data, required=("party_id", "title", "description"))
    substance_changed = any(
        key in SUBSTANCE and getattr(before, key) != value for key, value in values.items()
    )
    owner_or_contact_changed = "party_id" in values or "responsible_contact_id" in values
    values = await _commitment_values(
        before.agreement_id,
        values,
        values.get("party_id", before.party_id),
        values.get("responsible_contact_id", before.responsible_contact_id)
        if owner_or_contact_changed else None,
    )
    reset = substance_changed and before.status in CONFIRMED
    if reset:
        # What the party confirmed is no longer what the commitment says.
        values.update(
            status=CommitmentStatus.proposed,
            status_changed_at=clock.now(),
            confirmed_by=None,
            confirmed_at=None,
            confirmation_comment=None,
        )
    after = await _saved(actor, "commitment", before, expected, values, commitment)
    if reset:
        # The party is told (the portal e-mails its contact) in this same transaction.
        await events.publish(events.COMMITMENT_CONFIRMATION_RESET, commitment_id=commitment_id)
    return after


async def change_commitment_status(
    actor: Actor, commitment_id: int, change: CommitmentStatusChange, expected: int | None
) -> CommitmentRead:
    before = await commitment(commitment_id)
    await _editable(before.agreement_id)
    target = change.status
    if not commitment_move_allowed(before.status, target):
        raise _illegal_move(
            "Ett åtagande", COMMITMENT_STATUS_SV, before.status, target,
            allowed_commitment_moves(before.status),
        )
    comment = (change.comment or "").strip() or None
    if target == CommitmentStatus.declined and not comment:
        raise InvalidInput(
            "Skriv varför åtagandet avböjs (a comment is required when declining)", field="comment"
        )
    now = clock.now()
    values: dict = {"status": target, "status_changed_at": now}
    if target in (CommitmentStatus.confirmed, CommitmentStatus.declined):
        values.update(confirmed_by=actor.label, confirmed_at=now, confirmation_comment=comment)
    elif target == CommitmentStatus.proposed:
        values.update(confirmed_by=None, confirmed_at=None, confirmation_comment=None)
    return await _saved(actor, "commitment", before, expected, values, commitment, action="status")


# --- what a party does with its own commitments (the partner portal) --------------------


async def agreement_ids_by_registration_numbers(numbers: list[str]) -> dict[str, int]:
    """The agreements these diarienummer name (unknown numbers are left out)."""
    return await repository.agreement_ids_by_registration_numbers(sorted(set(numbers)))


async def agreement_ids_with_party(organization_id: int) -> list[int]:
    """Agreements the organisation is a party of, as the parties see them: past the draft."""
    shown = [status.value for status in AgreementStatus if status != AgreementStatus.draft]
    return await repository.agreement_ids_with_party(organization_id, shown)


async def agreement_ids_coordinated_by(user_id: int) -> list[int]:
    """The agreements a user coordinates ("follows"), in every status, by id."""
    return await repository.agreement_ids_coordinated_by(user_id)


async def _own_commitment(commitment_id: int, organization_id: int) -> CommitmentRead:
    """A commitment of the organisation's party in an agreement the parties can see.

    Anything else is "not found", whether it exists or not, so that a partner learns
    nothing about what is not its own.
    """
    row = await repository.row("commitment", commitment_id)
    if row is not None:
        found = CommitmentRead(**row)
        owner = await repository.row("party", found.party_id)
        status = await repository.agreement_status(found.agreement_id)
        if owner["organization_id"] == organization_id and status != AgreementStatus.draft:
            return found
    raise NotFound("Åtagandet finns inte (commitment not found)")


async def respond_as_party(
    actor: Actor, commitment_id: int, organization_id: int, response: PartyResponse, *,
    confirm: bool, expected: int | None = None,
) -> CommitmentRead:
    """The owning party confirms or declines a proposed commitment."""
    before = await _own_commitment(commitment_id, organization_id)
    target = CommitmentStatus.confirmed if confirm else CommitmentStatus.declined
    if before.status != CommitmentStatus.proposed:
        raise Conflict(
            f"Åtagandet är redan {COMMITMENT_STATUS_SV[before.status]} och väntar inte på svar "
            f"(the commitment is {before.status.value}, not awaiting confirmation)",
            field="status",
        )
    return await change_commitment_status(
        actor, commitment_id, CommitmentStatusChange(status=target, comment=response.comment),
        expected,
    )


async def report_progress(
    actor: Actor, commitment_id: int, organization_id: int, data: ProgressReportCreate
) -> ProgressReportRead:
    """The owning party reports on a commitment it has confirmed; its status follows."""
    before = await _own_commitment(commitment_id, organization_id)
    await _editable(before.agreement_id)
    if before.status not in (CommitmentStatus.confirmed, CommitmentStatus.in_progress):
        raise Conflict(
            "Det går bara att rapportera om bekräftade åtaganden; det här är "
            f"{COMMITMENT_STATUS_SV[before.status]} "
            "(progress can be reported on confirmed commitments only)",
            field="status",
        )
    if data.as_of > clock.today():
        raise InvalidInput(
            "Datumet får inte ligga i framtiden (the date may not be in the future)",
            field="as_of",
        )
    target = CommitmentStatus(data.status.value)
    if target != before.status:
        await change_commitment_status(
            actor, commitment_id, CommitmentStatusChange(status=target), None
        )
    else:
        await repository.touch_agreement(before.agreement_id)
    report_id = await repository.insert_progress_report({
        "commitment": commitment_id, "status": data.status, "note": data.note,
        "as_of": data.as_of, "reported_by": actor.label, "reported_at": clock.now(),
    })
    report = next(r for r in await progress_reports(commitment_id) if r.id == report_id)
    await audit.record(
        actor, "report", "progress_report", report_id, agreement_id=before.agreement_id,
        after=report,
    )
    return report


async def progress_reports(commitment_id: int) -> list[ProgressReportRead]:
    """A commitment's progress reports, newest first."""
    return [ProgressReportRead(**row) for row in await repository.progress_reports_of(commitment_id)]


# --- follow-ups ----------------------------------------------------------------------------


async def follow_up(follow_up_id: int, agreement_id: int | None = None) -> FollowUpRead:
    row = await repository.row("follow_up", follow_up_id)
    if row is None or (agreement_id is not None and row["agreement_id"] != agreement_id):
        raise NotFound("Uppföljningen finns inte (follow-up not found)")
    return _follow_up_reads([row], await repository.outcomes_of([follow_up_id]))[0]


async def follow_ups(agreement_id: int) -> list[FollowUpRead]:
    if not await repository.agreement_exists(agreement_id):
        raise NotFound("Överenskommelsen finns inte (agreement not found)")
    rows = await repository.follow_ups_of(agreement_id)
    return _follow_up_reads(rows, await repository.outcomes_of([r["id"] for r in rows]))


async def _outcomes(agreement_id: int, outcomes: list[OutcomeInput]) -> list[dict]:
    ids = [o.commitment_id for o in outcomes]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Samma åtagande förekommer två gånger (duplicate commitment)", field="outcomes")
    known = await repository.ids_in_agreement("commitment", agreement_id, ids)
    for index, outcome in enumerate(outcomes):
        if outcome.commitment_id not in known:
            raise InvalidInput(
                "Åtagandet hör inte till denna överenskommelse (commitment not in this agreement)",
                field=f"outcomes.{index}.commitment_id",
            )
    return [{"commitment": o.commitment_id, "outcome": o.outcome, "note": o.note} for o in outcomes]


async def add_follow_up(actor: Actor, agreement_id: int, data: FollowUpCreate) -> FollowUpRead:
    await _editable(agreement_id)
    outcomes = await _outcomes(agreement_id, data.outcomes)
    values = data.model_dump(exclude={"outcomes"})
    follow_up_id = await repository.insert("follow_up", {**values, "agreement": agreement_id})
    await repository.set_outcomes(follow_up_id, outcomes)
    await repository.touch_agreement(agreement_id)
    created = await follow_up(follow_up_id)
    await audit.record(
        actor, "create", "follow_up", follow_up_id, agreement_id=agreement_id, after=created
    )
    await _announce("follow_up", follow_up_id, agreement_id)
    return created


async def update_follow_up(
    actor: Actor, agreement_id: int, follow_up_id: int, data: FollowUpUpdate, expected: int | None
) -> FollowUpRead:
    before = await follow_up(follow_up_id, agreement_id)
    await _editable(agreement_id)
    values = changes(
        data, required=("date", "kind", "title", "notes", "duration_minutes", "location")
    )
    outcomes = values.pop("outcomes", None)
    if outcomes is not None:
        require_version(before.version, expected)
        await repository.set_outcomes(follow_up_id, await _outcomes(agreement_id, data.outcomes))
    # The version moves even when only outcomes changed, so a stale If-Match is caught.
    values.setdefault("notes", before.notes)
    return await _saved(actor, "follow_up", before, expected, values, follow_up)


async def remove_follow_up(
    actor: Actor, agreement_id: int, follow_up_id: int, expected: int | None
) -> None:
    before = await follow_up(follow_up_id, agreement_id)
    await _editable(agreement_id)
    await _deleted(actor, "follow_up", before, expected)


# --- what is due: read by the reminders domain ---------------------------------------------
# Each function costs a fixed number of statements, whatever the number of rows: one for the
# rows (led by an indexed range), then one per kind of detail for all of them at once.


def _values(statuses: frozenset) -> list[str]:
    return sorted(str(s.value) for s in statuses)


async def _commitment_dues(rows: list[dict]) -> list[CommitmentDue]:
    if not rows:
        return []
    organizations = await registry.organizations_by_ids([r["organization_id"] for r in rows])
    return [
        CommitmentDue(**row, organization_name=organizations[row["organization_id"]].name)
        for row in rows
    ]


# The reminder queries below take agreement_id to look at one agreement only (the preview
# of its planned reminders); the sweep asks about all of them.


async def commitments_due_between(
    first: date, last: date, agreement_id: int | None = None
) -> list[CommitmentDue]:
    """Open commitments of live agreements due on first, last or any day between."""
    return await _commitment_dues(
        await repository.commitments_due_between(
            first, last, _values(OPEN_COMMITMENT), _values(LIVE_AGREEMENT), agreement_id
        )
    )


async def commitments_overdue(before: date, agreement_id: int | None = None) -> list[CommitmentDue]:
    """Open commitments of live agreements due before (not on) the given day."""
    return await _commitment_dues(
        await repository.commitments_due_before(
            before, _values(OPEN_COMMITMENT), _values(LIVE_AGREEMENT), agreement_id
        )
    )


async def commitments_unconfirmed_since(
    cutoff: datetime, agreement_id: int | None = None
) -> list[CommitmentDue]:
    """Proposed commitments of live agreements whose status last changed at or before cutoff."""
    if cutoff.tzinfo is None:
        raise ValueError("cutoff must be timezone-aware (a moment, not a wall-clock time)")
    return await _commitment_dues(
        await repository.commitments_in_status_since(
            CommitmentStatus.proposed.value, cutoff, _values(LIVE_AGREEMENT), agreement_id
        )
    )


async def commitment_due(commitment_id: int) -> CommitmentDue | None:
    """The commitment as a reminder sees it; None unless it is open and its agreement live."""
    row = await repository.commitment_due(
        commitment_id, _values(OPEN_COMMITMENT), _values(LIVE_AGREEMENT)
    )
    return (await _commitment_dues([row]))[0] if row else None


async def meetings_between(
    first: date, last: date, agreement_id: int | None = None
) -> list[MeetingDue]:
    """Steering group meetings of live agreements held on first, last or any day between."""
    rows = await repository.meetings_between(
        first, last, FollowUpKind.steering_group_meeting.value, _values(LIVE_AGREEMENT),
        agreement_id,
    )
    if not rows:
        return []
    contacts_of: dict[int, list[int]] = {}
    for party_row in await repository.primary_contacts_of([r["agreement_id"] for r in rows]):
        contacts = contacts_of.setdefault(party_row["agreement_id"], [])
        if party_row["primary_contact_id"] not in contacts:
            contacts.append(party_row["primary_contact_id"])
    return [MeetingDue(**row, contact_ids=contacts_of.get(row["agreement_id"], [])) for row in rows]


async def agreements_ending_between(
    first: date, last: date, agreement_id: int | None = None
) -> list[AgreementEnding]:
    """Agreements in force whose period ends on first, last or any day between."""
    rows = await repository.agreements_ending_between(
        first, last, _values(IN_FORCE_AGREEMENT), agreement_id
    )
    if not rows:
        return []
    ids = [r["agreement_id"] for r in rows]
    promises = [
        r for r in rows
        if r["kind"] == AgreementKind.citizen_promise.value and r["parent_id"] is not None
    ]
    coordinators, signatories, superseded, siblings = await gather_reads(
        repository.coordinators_of(ids),
        repository.signatories_of(ids),
        repository.superseded_ids(ids),
        repository.citizen_promise_starts([r["parent_id"] for r in promises]),
    )
    coordinators_of: dict[int, list[int]] = {}
    for c in coordinators:
        coordinators_of.setdefault(c["agreement_id"], []).append(c["user_id"])
    signatories_of: dict[int, list[Signatory]] = {}
    for s in signatories:
        signatories_of.setdefault(s["agreement_id"], []).append(
            Signatory(name=s["name"], email=s["email"])
        )
    latest_start: dict[int, date] = {}
    for sibling in siblings:
        parent = sibling["parent_id"]
        if parent not in latest_start or sibling["period_start"] > latest_start[parent]:
            latest_start[parent] = sibling["period_start"]
    renewed = {
        r["agreement_id"] for r in promises
        if r["parent_id"] in latest_start and latest_start[r["parent_id"]] > r["period_start"]
    }
    return [
        AgreementEnding(
            **row,
            coordinator_user_ids=coordinators_of.get(row["agreement_id"], []),
            signatories=signatories_of.get(row["agreement_id"], []),
            has_successor=row["agreement_id"] in superseded or row["agreement_id"] in renewed,
        )
        for row in rows
    ]


# --- a coordinator's calendar (the workspace's iCalendar feed) -------------------------------


class CalendarCommitment(msgspec.Struct, frozen=True):
    """An open commitment's due date."""

    id: int
    title: str
    due_date: date
    status: CommitmentStatus
    agreement_id: int
    agreement_title: str
    organization_name: str


class CalendarFollowUp(msgspec.Struct, frozen=True):
    """A follow-up (a steering group meeting or a report) on its day."""

    follow_up: FollowUpRead
    agreement_title: str


class CalendarEnding(msgspec.Struct, frozen=True):
    """The last day of an agreement's period."""

    agreement_id: int
    title: str
    status: AgreementStatus
    period_end: date


class CoordinatorCalendar(msgspec.Struct, frozen=True):
    commitments: list[CalendarCommitment]
    follow_ups: list[CalendarFollowUp]
    endings: list[CalendarEnding]


async def calendar_of_coordinator(user_id: int, first: date, last: date) -> CoordinatorCalendar:
    """What falls on first, last or a day between in the live agreements the user
    coordinates: open commitments' due dates, follow-ups, and the ends of the periods.
    Four statements whatever the number of agreements."""
    live = _values(LIVE_AGREEMENT)
    commitments, follow_ups, endings = await gather_reads(
        repository.coordinated_commitments_due(user_id, first, last, _values(OPEN_COMMITMENT),
                                               live),
        repository.coordinated_follow_ups(user_id, first, last, live),
        repository.coordinated_agreements_ending(user_id, first, last, live),
    )
    organizations = await registry.organizations_by_ids(
        [row["organization_id"] for row in commitments]
    )
    return CoordinatorCalendar(
        commitments=[
            CalendarCommitment(
                id=row["id"], title=row["title"], due_date=row["due_date"],
                status=CommitmentStatus(row["status"]), agreement_id=row["agreement_id"],
                agreement_title=row["agreement_title"],
                organization_name=organizations[row["organization_id"]].name,
            )
            for row in commitments
        ],
        follow_ups=[
            CalendarFollowUp(follow_up=FollowUpRead(**row, outcomes=[]),
                             agreement_title=row["agreement_title"])
            for row in follow_ups
        ],
        endings=[
            CalendarEnding(agreement_id=row["id"], title=row["title"],
                           status=AgreementStatus(row["status"]), period_end=row["period_end"])
            for row in endings
        ],
    )


# --- the workspace's agreement page --------------------------------------------------------


async def latest_progress_reports(commitment_ids: list[int]) -> dict[int, ProgressReportRead]:
    """The newest progress report of each of these commitments that has one, in one query."""
    latest: dict[int, ProgressReportRead] = {}
    for row in await repository.progress_reports_of_commitments(commitment_ids):
        latest.setdefault(row["commitment_id"], ProgressReportRead(**row))
    return latest


# --- the coordinators' workspace: the Today page ------------------------------------------
# A fixed number of statements whatever the number of agreements a user follows, each
# returning at most a page of every list with the list's total; rows come back as msgspec
# structs, not pydantic models, with their enums looked up in a dict.

_KINDS = {k.value: k for k in AgreementKind}
_AGREEMENT_STATUSES = {s.value: s for s in AgreementStatus}
_COMMITMENT_STATUSES = {s.value: s for s in CommitmentStatus}
_FOLLOW_UP_KINDS = {k.value: k for k in FollowUpKind}


def _limit(limit: int | None) -> int:
    return repository.EVERY if limit is None else limit


def _struct_of(model, name: str, fields: tuple, doc: str, bases: tuple = ()):
    """A msgspec struct of these fields of a pydantic model, their types as the model's (so
    that the workspace's rows say a thing as the API does), a (name, type) pair for a field
    of its own."""
    return msgspec.defstruct(
        name,
        [field if isinstance(field, tuple) else (field, model.model_fields[field].annotation)
         for field in fields],
        bases=bases or None, frozen=True, kw_only=True, namespace={"__doc__": doc},
        module=__name__,
    )


def _brief(cls, row, **more):
    """An instance of one of the structs below from a row (a record, or a dict whose enums may
    already be enums), its kind and status looked up, its other fields as they are."""
    values = {field: row[field] for field in cls.__struct_fields__ if field not in more}
    values["kind"] = _KINDS[getattr(values["kind"], "value", values["kind"])]
    values["status"] = _AGREEMENT_STATUSES[getattr(values["status"], "value", values["status"])]
    return cls(**values, **more)


AgreementBrief = _struct_of(
    AgreementSummary, "AgreementBrief",
    ("id", "title", "kind", "status", "registration_number", "period_end", "updated_at"),
    "An agreement as Today lists its drafts and those ending.",
)
CoordinatedAgreement = _struct_of(
    AgreementSummary, "CoordinatedAgreement", ("period_start",),
    "An agreement a user coordinates, as the Today page names it.", bases=(AgreementBrief,),
)


async def coordinated_agreements(user_id: int) -> list[CoordinatedAgreement]:
    """Every agreement the user coordinates ("follows"), in every status, in one statement."""
    return [_brief(CoordinatedAgreement, row)
            for row in await repository.agreements_coordinated_by(user_id)]


async def coordinated_ids(user_id: int) -> list[int]:
    """The ids of the agreements the user coordinates, in one small statement."""
    return await repository.coordinated_ids(user_id)


class FollowedAgreements(msgspec.Struct, frozen=True, kw_only=True):
    followed: int  # how many agreements the user coordinates
    drafts: list[AgreementBrief]  # the latest changed first
    ending: list[AgreementBrief]  # in force, ending first, last or between; soonest first


async def followed_agreements(user_id: int, first: date, last: date) -> FollowedAgreements:
    """How many agreements the user coordinates, its drafts, and those in force (active or
    under revision) whose period ends first, last or a day between: one statement."""
    rows = await repository.drafts_and_endings(user_id, _values(IN_FORCE_AGREEMENT), first,
                                               last)
    briefs = [_brief(AgreementBrief, row) for row in rows if row["id"] is not None]
    drafts = [b for b in briefs if b.status == AgreementStatus.draft]
    return FollowedAgreements(
        followed=rows[0]["followed"] if rows else 0,
        drafts=sorted(drafts, key=lambda b: (b.updated_at, b.id), reverse=True),
        ending=[b for b in briefs if b.status != AgreementStatus.draft],
    )


CommitmentAttention = _struct_of(
    CommitmentDue, "CommitmentAttention",
    ("commitment_id", "title", "due_date", "status", "status_changed_at", "agreement_id",
     "agreement_title", "party_id", "organization_name"),
    "An open commitment that awaits its party's confirmation or is due, and where.",
)


class CommitmentsNeedingAttention(msgspec.Struct, frozen=True, kw_only=True):
    awaiting: list[CommitmentAttention]  # proposed, the longest waiting first
    overdue: list[CommitmentAttention]  # due before today, the earliest first
    due_soon: list[CommitmentAttention]  # due today to due_until, the earliest first
    awaiting_total: int
    overdue_total: int
    due_soon_total: int


async def commitments_needing_attention(
    user_id: int, today: date, due_until: date,
    limits: tuple[int | None, int | None, int | None] = (None, None, None),
) -> CommitmentsNeedingAttention:
    """Open commitments of the live agreements the user coordinates that await the party's
    confirmation, are overdue, or are due from today to due_until: at most limits[n] of
    each list (None: all) and each list's total, in one statement."""
    names = ("awaiting", "overdue", "due_soon")
    caps = tuple(_limit(n) for n in limits)
    rows = await repository.commitments_needing_attention(
        user_id, _values(OPEN_COMMITMENT), _values(LIVE_AGREEMENT),
        CommitmentStatus.proposed.value, today, due_until, caps,
    )
    lists: dict[str, list] = {name: [] for name in names}
    for row in rows:
        item = CommitmentAttention(
            commitment_id=row["commitment_id"], title=row["title"], due_date=row["due_date"],
            status=_COMMITMENT_STATUSES[row["status"]],
            status_changed_at=row["status_changed_at"], agreement_id=row["agreement_id"],
            agreement_title=row["agreement_title"], party_id=row["party_id"],
            organization_name=row["organization_name"],
        )
        # A row is in every list it qualifies for, within that list's limit.
        for name, cap in zip(names, caps, strict=True):
            if row[name] and row[f"{name}_n"] <= cap:
                lists[name].append(item)
    lists["awaiting"].sort(key=lambda c: (c.status_changed_at, c.commitment_id))
    lists["overdue"].sort(key=lambda c: (c.due_date, c.commitment_id))
    lists["due_soon"].sort(key=lambda c: (c.due_date, c.commitment_id))
    totals = {f"{name}_total": int(rows[0][f"{name}_total"]) if rows else 0 for name in lists}
    return CommitmentsNeedingAttention(**lists, **totals)


class FollowUpAhead(msgspec.Struct, frozen=True, kw_only=True):
    """A follow-up (a steering group meeting or a report) of a live agreement."""

    follow_up_id: int
    agreement_id: int
    agreement_title: str
    date: date
    kind: FollowUpKind
    title: str
    start_time: object  # a datetime.time, or None
    location: str


async def follow_ups_between(user_id: int, first: date, last: date,
                             limit: int | None = None) -> tuple[list[FollowUpAhead], int]:
    """The first `limit` (None: all) follow-ups of the live agreements the user coordinates
    dated first, last or a day between, by date, and how many there are: one statement."""
    rows = await repository.follow_ups_coordinated_between(
        user_id, first, last, _values(LIVE_AGREEMENT), _limit(limit)
    )
    return [
        FollowUpAhead(
            follow_up_id=row["follow_up_id"], agreement_id=row["agreement_id"],
            agreement_title=row["agreement_title"], date=row["date"],
            kind=_FOLLOW_UP_KINDS[row["kind"]], title=row["title"],
            start_time=row["start_time"], location=row["location"],
        )
        for row in rows
    ], rows[0]["total"] if rows else 0


class PartyLabel(msgspec.Struct, frozen=True, kw_only=True):
    organization_name: str
    agreement_title: str


async def party_labels(party_ids: list[int]) -> dict[int, PartyLabel]:
    """The organisation and the agreement of each of these parties (unknown ids left out)."""
    return {
        row["id"]: PartyLabel(organization_name=row["organization_name"],
                              agreement_title=row["agreement_title"])
        for row in await repository.party_labels(party_ids)
    }


# --- the coordinators' workspace: the agreements list -------------------------------------


ListedAgreement = _struct_of(
    AgreementSummary, "ListedAgreement",
    ("period_start", "municipality_codes", ("parties", list[str])),  # the parties' names
    "A row of the workspace's agreements list.", bases=(AgreementBrief,),
)


def _listed(item: dict) -> ListedAgreement:
    return _brief(ListedAgreement, item, parties=[party["name"] for party in item["parties"]])


async def listed_agreements(**criteria) -> tuple[list[ListedAgreement], int]:
    """A page of agreements matching criteria (see _search), and how many match in all.

    On PostgreSQL through the hot read path of GET /api/agreements (read_queries: an
    unfiltered page in one statement, a filtered one through repository.search, their
    municipalities and parties in two more); elsewhere through agreements()."""
    if not read_queries.available():
        items, total = await agreements(**criteria)
        return [_listed(item.model_dump()) for item in items], total
    rows, total = await _hot_page(**criteria)
    return [_listed(row) for row in rows], total
