"""The forms of an agreement's page that need a page of their own: editing the agreement,
adding and editing a commitment (and moving its status), planning and editing a follow-up,
opening a lägesbild round.

Each form keeps what was typed when it is sent back: 400 with the error next to its field,
409 with the service's reason, and on a version conflict (someone saved in between) 409 with
ws_changed_meanwhile and the newer version in the hidden field, so that saving again saves
what is typed over it.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from samverkan import clock
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import (
    CLOSED_AGREEMENT,
    LIVE_AGREEMENT,
    allowed_commitment_moves,
)
from samverkan.agreements.schemas import (
    AgreementRead,
    AgreementUpdate,
    CommitmentCreate,
    CommitmentRead,
    CommitmentStatusChange,
    CommitmentUpdate,
    FollowUpCreate,
    FollowUpRead,
    FollowUpUpdate,
    PartyRead,
)
from samverkan.agreements.tables import AgreementKind, Cadence, CommitmentStatus, FollowUpKind
from samverkan.db import write_transaction
from samverkan.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactRead
from samverkan.situation import service as situation
from samverkan.situation.periods import parse_period
from samverkan.situation.schemas import RoundCreate, RoundRequestInput
from samverkan.web.forms import (
    COMMENT_MAX,
    LONG_MAX,
    NOT_FOUND,
    REGISTRATION_NUMBER_MAX,
    SHORT_MAX,
    TITLE_MAX,
    check_text,
    checked_id,
    expected_version,
    parse_date,
    query_id,
)
from samverkan.web.i18n import choice, choose_language, translate
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, may_write, workspace_page

# Ids are checked in the handlers: one outside what a row can have is the same 404 as a
# missing row.
Id = Annotated[int, PathParameter()]

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")

NOTICES.update({
    "ag_saved": "ag_saved_notice",
    "ag_commitment_added": "ag_commitment_added_notice",
    "ag_commitment_saved": "ag_commitment_saved_notice",
    "ag_commitment_moved": "ag_commitment_moved_notice",
    "ag_follow_up_added": "ag_follow_up_added_notice",
    "ag_follow_up_saved": "ag_follow_up_saved_notice",
    "ag_round_created": "ag_round_created_notice",
})


def agreement_url(agreement_id: int, anchor: str = "", done: str = "") -> str:
    query = f"?done={done}" if done else ""
    return f"/workspace/agreements/{agreement_id}{query}{'#' + anchor if anchor else ''}"


# --- reading a form ----------------------------------------------------------------------


def line(form: Any, name: str) -> str:
    """A one-line field as typed, without surrounding spaces."""
    return str(form.get(name, "")).strip()


def box(form: Any, name: str) -> str:
    """A text area as typed (line breaks as the browser sends them, normalised)."""
    return str(form.get(name, "")).replace("\r\n", "\n")


@dataclass
class FormState:
    """A form as shown: the text of each field, the errors by field name, and a problem
    said above the form (a refusal, a conflict)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    status_code: int = 200
    # What the service refused (None: nothing), and what the write returned.
    refusal: Exception | None = None
    result: Any = None

    async def save(self, lang: str, fields: set[str],
                   write: Callable[[], Awaitable[Any]]) -> bool:
        """write() in one transaction, unless the form has errors (400). False when it did
        not save: the errors or the service's refusal are on the form (see refused)."""
        if self.errors:
            self.status_code = 400
            return False
        try:
            async with write_transaction():
                self.result = await write()
        except (Conflict, InvalidInput, PreconditionFailed) as exc:
            refused(self, exc, lang, fields)
            return False
        return True

    def keep_version(self, row: Any) -> None:
        """After a version conflict, the version now stored in the hidden field: saving
        again saves what is typed over it."""
        if isinstance(self.refusal, PreconditionFailed):
            self.values["version"] = str(row.version)


def refused(state: FormState, exc: Exception, lang: str, fields: set[str]) -> FormState:
    """What the service refused, on the form: a version conflict above the form (the caller
    puts the newer version in), a rule broken by one field next to it, anything else above."""
    state.refusal = exc
    if isinstance(exc, PreconditionFailed):
        state.status_code = 409
        state.problem = translate(lang, "ws_changed_meanwhile")
        return state
    state.status_code = 409 if isinstance(exc, Conflict) else 400
    detail = getattr(exc, "detail", str(exc))
    if getattr(exc, "field", None) in fields:
        state.errors[exc.field] = detail
    else:
        state.problem = detail
    return state


def too_long(state: FormState, name: str, limit: int, lang: str) -> None:
    check_text(state.errors, lang, name, state.values.get(name, ""), limit,
               too_long="ag_too_long")


def a_date(state: FormState, name: str, lang: str, *, required: bool) -> date | None:
    typed = state.values.get(name, "")
    if not typed:
        if required:
            state.errors[name] = translate(lang, "ag_date_required")
        return None
    found = parse_date(typed)
    if found is None:
        state.errors[name] = translate(lang, "date_invalid", example=clock.today().isoformat())
    return found


def one_of(state: FormState, name: str, allowed: set[str], lang: str, *, required: bool,
           message: str = "ag_choose") -> str | None:
    typed = state.values.get(name, "")
    if not typed:
        if required:
            state.errors[name] = translate(lang, message)
        return None
    if typed not in allowed:
        state.errors[name] = translate(lang, message)
        return None
    return typed


def an_id(state: FormState, name: str, allowed: set[int], lang: str) -> int | None:
    typed = state.values.get(name, "")
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit() and len(typed) < 12) or int(typed) not in allowed:
        state.errors[name] = translate(lang, "ag_choose")
        return None
    return int(typed)


def options(lang: str, group: str, values) -> list[tuple[str, str]]:
    return [(v.value, choice(lang, group, v)) for v in values]


async def load(agreement_id: int) -> AgreementRead:
    return await agreements.agreement(checked_id(agreement_id))


async def load_commitment(agreement_id: int, commitment_id: int
                          ) -> tuple[AgreementRead, CommitmentRead, PartyRead]:
    """An agreement, one of its commitments (else the 404) and the party that made it."""
    agreement = await load(agreement_id)
    commitment = one(agreement.commitments, commitment_id)
    return agreement, commitment, one(agreement.parties, commitment.party_id)


async def contacts_of(party: PartyRead) -> list[ContactRead]:
    """The contacts of a party's organisation."""
    return (await registry.contacts_of_organizations([party.organization.id]))[
        party.organization.id]


def one(rows: list, row_id: int | None) -> Any:
    """The row of an agreement's list (parties, commitments, follow-ups) with this id; any
    other id, one no row can have too, is the 404."""
    if row_id is not None:
        checked_id(row_id)
    found = next((r for r in rows if r.id == row_id), None)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


# --- the agreement's main fields -----------------------------------------------------------

AGREEMENT_FIELDS = ("title", "kind", "registration_number", "period_start", "period_end",
                    "follow_up_cadence", "local_police_area_id", "purpose", "background",
                    "governance")


def stored_agreement(agreement: AgreementRead) -> dict[str, str]:
    return {
        "title": agreement.title, "kind": agreement.kind.value,
        "registration_number": agreement.registration_number or "",
        "period_start": agreement.period_start.isoformat(),
        "period_end": agreement.period_end.isoformat() if agreement.period_end else "",
        "follow_up_cadence": agreement.follow_up_cadence.value
        if agreement.follow_up_cadence else "",
        "local_police_area_id": str(agreement.local_police_area_id or ""),
        "purpose": agreement.purpose, "background": agreement.background,
        "governance": agreement.governance, "version": str(agreement.version),
    }


def read_agreement_form(form: Any, lang: str, areas: set[int]) -> tuple[FormState,
                                                                        AgreementUpdate | None]:
    values = {name: line(form, name) for name in AGREEMENT_FIELDS}
    for name in ("purpose", "background", "governance"):
        values[name] = box(form, name)
    values["version"] = line(form, "version")
    state = FormState(values)
    if not values["title"]:
        state.errors["title"] = translate(lang, "ag_title_required")
    too_long(state, "title", TITLE_MAX, lang)
    kind = one_of(state, "kind", {k.value for k in AgreementKind}, lang, required=True)
    too_long(state, "registration_number", REGISTRATION_NUMBER_MAX, lang)
    start = a_date(state, "period_start", lang, required=True)
    end = a_date(state, "period_end", lang, required=False)
    if start and end and end < start and "period_end" not in state.errors:
        state.errors["period_end"] = translate(lang, "ag_end_before_start")
    cadence = one_of(state, "follow_up_cadence", {c.value for c in Cadence}, lang,
                     required=False)
    area = an_id(state, "local_police_area_id", areas, lang)
    for name in ("purpose", "background", "governance"):
        too_long(state, name, LONG_MAX, lang)
    if state.errors:
        state.status_code = 400
        return state, None
    return state, AgreementUpdate(
        title=values["title"], kind=kind, registration_number=values["registration_number"] or None,
        period_start=start, period_end=end, follow_up_cadence=cadence,
        local_police_area_id=area, purpose=values["purpose"].strip(),
        background=values["background"].strip(), governance=values["governance"].strip(),
    )


# --- commitments -------------------------------------------------------------------------

COMMITMENT_FIELDS = ("title", "description", "due_date", "responsible_contact_id")


def stored_commitment(commitment: CommitmentRead) -> dict[str, str]:
    return {
        "title": commitment.title, "description": commitment.description,
        "due_date": commitment.due_date.isoformat() if commitment.due_date else "",
        "responsible_contact_id": str(commitment.responsible_contact_id or ""),
        "version": str(commitment.version),
    }


def read_commitment_form(form: Any, lang: str, contact_ids: set[int]) -> tuple[FormState, dict]:
    values = {name: line(form, name) for name in COMMITMENT_FIELDS}
    values["description"] = box(form, "description")
    values["version"] = line(form, "version")
    state = FormState(values)
    if not values["title"]:
        state.errors["title"] = translate(lang, "ag_title_required")
    too_long(state, "title", TITLE_MAX, lang)
    too_long(state, "description", LONG_MAX, lang)
    due = a_date(state, "due_date", lang, required=False)
    contact = an_id(state, "responsible_contact_id", contact_ids, lang)
    if state.errors:
        state.status_code = 400
    return state, {"title": values["title"], "description": values["description"].strip(),
                   "due_date": due, "responsible_contact_id": contact}


# --- follow-ups --------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ("date", "kind", "title", "start_time", "duration_minutes", "location",
                    "notes")


def stored_follow_up(follow_up: FollowUpRead) -> dict[str, str]:
    return {
        "date": follow_up.date.isoformat(), "kind": follow_up.kind.value,
        "title": follow_up.title,
        "start_time": follow_up.start_time.strftime("%H:%M") if follow_up.start_time else "",
        "duration_minutes": str(follow_up.duration_minutes), "location": follow_up.location,
        "notes": follow_up.notes, "version": str(follow_up.version),
    }


def read_follow_up_form(form: Any, lang: str) -> tuple[FormState, dict]:
    values = {name: line(form, name) for name in FOLLOW_UP_FIELDS}
    values["notes"] = box(form, "notes")
    values["version"] = line(form, "version")
    state = FormState(values)
    day = a_date(state, "date", lang, required=True)
    kind = one_of(state, "kind", {k.value for k in FollowUpKind}, lang, required=True)
    too_long(state, "title", SHORT_MAX, lang)
    start = None
    if values["start_time"]:
        match = _TIME.match(values["start_time"])
        if match is None:
            state.errors["start_time"] = translate(lang, "ag_time_invalid")
        else:
            start = time(int(match.group(1)), int(match.group(2)))
    duration = 120
    if values["duration_minutes"]:
        typed = values["duration_minutes"]
        if not (typed.isascii() and typed.isdigit() and 1 <= int(typed) <= 1440):
            state.errors["duration_minutes"] = translate(lang, "ag_duration_invalid")
        else:
            duration = int(typed)
    too_long(state, "location", SHORT_MAX, lang)
    too_long(state, "notes", LONG_MAX, lang)
    if state.errors:
        state.status_code = 400
    return state, {"date": day, "kind": kind, "title": values["title"], "start_time": start,
                   "duration_minutes": duration, "location": values["location"],
                   "notes": values["notes"].strip()}


# --- the pages -----------------------------------------------------------------------------


def _closed(agreement: AgreementRead) -> bool:
    return agreement.status in CLOSED_AGREEMENT


class AgreementForms(Controller):
    """The forms of one agreement that have a page of their own."""

    path = "/agreements/{agreement_id:int}"
    include_in_schema = False
    dependencies = SIGNED_IN

    # --- the agreement itself ----------------------------------------------------------

    async def _edit_page(self, request: Request, user: SignedIn, agreement: AgreementRead,
                         state: FormState) -> Template:
        lang = choose_language(request)
        areas = await registry.local_police_areas()
        return workspace_page(
            request, user, "agreement_edit.html", status_code=state.status_code,
            current="agreements", agreement=agreement, values=state.values,
            errors=state.errors, problem=state.problem, closed=_closed(agreement),
            kinds=options(lang, "kind", AgreementKind),
            cadences=options(lang, "cadence", Cadence),
            areas=[(str(a.id), a.name) for a in sorted(areas, key=lambda a: a.name)],
        )

    @get("/edit")
    async def edit_form(self, request: Request, user: SignedIn, agreement_id: Id) -> Template:
        agreement = await load(agreement_id)
        return await self._edit_page(request, user, agreement,
                                     FormState(stored_agreement(agreement)))

    @post("/edit")
    async def edit(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement = await load(agreement_id)
        lang = choose_language(request)
        form = await request.form()
        areas = {a.id for a in await registry.local_police_areas()}
        state, data = read_agreement_form(form, lang, areas)
        if await state.save(lang, set(AGREEMENT_FIELDS), lambda: agreements.update_agreement(
                user.actor, agreement.id, data, expected_version(form))):
            return Redirect(agreement_url(agreement.id, done="ag_saved"), status_code=303)
        if state.refusal:
            agreement = await load(agreement_id)
            state.keep_version(agreement)
        return await self._edit_page(request, user, agreement, state)

    # --- commitments -------------------------------------------------------------------

    async def _commitment_page(self, request: Request, user: SignedIn, agreement: AgreementRead,
                               party: PartyRead, commitment: CommitmentRead | None,
                               state: FormState, status_state: FormState | None = None
                               ) -> Template:
        contacts = await contacts_of(party)
        reports = await agreements.progress_reports(commitment.id) if commitment else []
        moves = allowed_commitment_moves(commitment.status) if commitment else []
        responsible = next((c for c in contacts if commitment
                            and c.id == commitment.responsible_contact_id), None)
        status_code = max(state.status_code, status_state.status_code if status_state else 200)
        return workspace_page(
            request, user, "agreement_commitment.html", status_code=status_code,
            current="agreements", agreement=agreement, party=party, commitment=commitment,
            contacts=[(str(c.id), f"{c.name} ({c.email})") for c in contacts],
            responsible=responsible, reports=reports, values=state.values,
            errors=state.errors, problem=state.problem,
            moves=[(m.value, choice(choose_language(request), "commitment_status", m))
                   for m in moves],
            status_values=status_state.values if status_state else {},
            status_errors=status_state.errors if status_state else {},
            status_problem=status_state.problem if status_state else None,
            closed=_closed(agreement), today=clock.today(),
        )

    @get("/commitments/new")
    async def new_commitment_form(self, request: Request, user: SignedIn,
                                  agreement_id: Id) -> Template:
        agreement = await load(agreement_id)
        party = one(agreement.parties, query_id(request, "party"))
        return await self._commitment_page(request, user, agreement, party, None,
                                           FormState({"party_id": str(party.id)}))

    @post("/commitments")
    async def add_commitment(self, request: Request, user: SignedIn,
                             agreement_id: Id) -> Response:
        may_write(user)
        agreement = await load(agreement_id)
        lang = choose_language(request)
        form = await request.form()
        party_text = line(form, "party_id")
        party = one(agreement.parties, int(party_text) if party_text.isascii()
                            and party_text.isdigit() and len(party_text) < 12 else None)
        contacts = await contacts_of(party)
        state, typed = read_commitment_form(form, lang, {c.id for c in contacts})
        state.values["party_id"] = str(party.id)
        if await state.save(lang, set(COMMITMENT_FIELDS), lambda: agreements.add_commitment(
                user.actor, agreement.id, CommitmentCreate(party_id=party.id, **typed))):
            return Redirect(agreement_url(agreement.id, f"commitment-{state.result.id}",
                                          "ag_commitment_added"), status_code=303)
        return await self._commitment_page(request, user, agreement, party, None, state)

    @get("/commitments/{commitment_id:int}")
    async def commitment_page(self, request: Request, user: SignedIn, agreement_id: Id,
                              commitment_id: Id) -> Template:
        agreement, commitment, party = await load_commitment(agreement_id, commitment_id)
        return await self._commitment_page(request, user, agreement, party, commitment,
                                           FormState(stored_commitment(commitment)))

    @post("/commitments/{commitment_id:int}")
    async def save_commitment(self, request: Request, user: SignedIn, agreement_id: Id,
                              commitment_id: Id) -> Response:
        may_write(user)
        agreement, commitment, party = await load_commitment(agreement_id, commitment_id)
        lang = choose_language(request)
        form = await request.form()
        contacts = await contacts_of(party)
        state, typed = read_commitment_form(form, lang, {c.id for c in contacts})
        if await state.save(lang, set(COMMITMENT_FIELDS), lambda: agreements.update_commitment(
                user.actor, commitment.id, CommitmentUpdate(**typed), expected_version(form))):
            return Redirect(agreement_url(agreement.id, f"commitment-{commitment.id}",
                                          "ag_commitment_saved"), status_code=303)
        if state.refusal:
            agreement = await load(agreement_id)
            commitment = one(agreement.commitments, commitment_id)
            state.keep_version(commitment)
        return await self._commitment_page(request, user, agreement, party, commitment, state)

    @post("/commitments/{commitment_id:int}/status")
    async def move_commitment(self, request: Request, user: SignedIn, agreement_id: Id,
                              commitment_id: Id) -> Response:
        may_write(user)
        agreement, commitment, party = await load_commitment(agreement_id, commitment_id)
        lang = choose_language(request)
        form = await request.form()
        status_state = FormState({"status": line(form, "status"), "comment": box(form, "comment"),
                                  "version": line(form, "version")})
        target = one_of(status_state, "status", {s.value for s in CommitmentStatus}, lang,
                        required=True, message="ag_choose_status")
        too_long(status_state, "comment", COMMENT_MAX, lang)
        comment = status_state.values["comment"].strip() or None
        if await status_state.save(lang, {"comment"}, lambda: agreements.change_commitment_status(
                user.actor, commitment.id, CommitmentStatusChange(status=target, comment=comment),
                expected_version(form))):
            return Redirect(agreement_url(agreement.id, f"commitment-{commitment.id}",
                                          "ag_commitment_moved"), status_code=303)
        if status_state.refusal:
            agreement = await load(agreement_id)
            commitment = one(agreement.commitments, commitment_id)
        return await self._commitment_page(request, user, agreement, party, commitment,
                                           FormState(stored_commitment(commitment)), status_state)

    # --- follow-ups --------------------------------------------------------------------

    async def _follow_up_page(self, request: Request, user: SignedIn, agreement: AgreementRead,
                              follow_up: FollowUpRead | None, state: FormState) -> Template:
        lang = choose_language(request)
        return workspace_page(
            request, user, "agreement_follow_up.html", status_code=state.status_code,
            current="agreements", agreement=agreement, follow_up=follow_up,
            values=state.values, errors=state.errors, problem=state.problem,
            kinds=options(lang, "follow_up_kind", FollowUpKind), closed=_closed(agreement),
        )

    @get("/follow-ups/new")
    async def new_follow_up_form(self, request: Request, user: SignedIn,
                                 agreement_id: Id) -> Template:
        agreement = await load(agreement_id)
        return await self._follow_up_page(request, user, agreement, None, FormState(
            {"kind": FollowUpKind.steering_group_meeting.value, "duration_minutes": "120"}))

    @post("/follow-ups")
    async def add_follow_up(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement = await load(agreement_id)
        lang = choose_language(request)
        state, typed = read_follow_up_form(await request.form(), lang)
        if await state.save(lang, set(FOLLOW_UP_FIELDS), lambda: agreements.add_follow_up(
                user.actor, agreement.id, FollowUpCreate(**typed))):
            return Redirect(agreement_url(agreement.id, "follow-ups", "ag_follow_up_added"),
                            status_code=303)
        return await self._follow_up_page(request, user, agreement, None, state)

    @get("/follow-ups/{follow_up_id:int}")
    async def follow_up_form(self, request: Request, user: SignedIn, agreement_id: Id,
                             follow_up_id: Id) -> Template:
        agreement = await load(agreement_id)
        follow_up = one(agreement.follow_ups, follow_up_id)
        return await self._follow_up_page(request, user, agreement, follow_up,
                                          FormState(stored_follow_up(follow_up)))

    @post("/follow-ups/{follow_up_id:int}")
    async def save_follow_up(self, request: Request, user: SignedIn, agreement_id: Id,
                             follow_up_id: Id) -> Response:
        may_write(user)
        agreement = await load(agreement_id)
        follow_up = one(agreement.follow_ups, follow_up_id)
        lang = choose_language(request)
        form = await request.form()
        state, typed = read_follow_up_form(form, lang)
        if await state.save(lang, set(FOLLOW_UP_FIELDS), lambda: agreements.update_follow_up(
                user.actor, agreement.id, follow_up.id, FollowUpUpdate(**typed),
                expected_version(form))):
            return Redirect(agreement_url(agreement.id, "follow-ups", "ag_follow_up_saved"),
                            status_code=303)
        if state.refusal:
            agreement = await load(agreement_id)
            follow_up = one(agreement.follow_ups, follow_up_id)
            state.keep_version(follow_up)
        return await self._follow_up_page(request, user, agreement, follow_up, state)

    # --- a lägesbild round -------------------------------------------------------------

    async def _round_page(self, request: Request, user: SignedIn, agreement: AgreementRead,
                          state: FormState, chosen: set[str]) -> Template:
        catalogue = await situation.indicators()
        lang = choose_language(request)
        return workspace_page(
            request, user, "agreement_round.html", status_code=state.status_code,
            current="agreements", agreement=agreement, values=state.values,
            errors=state.errors, problem=state.problem, chosen=chosen,
            indicators=[(str(i.id), i.name_en if lang == "en" else i.name_sv, i.unit)
                        for i in catalogue],
            live=agreement.status in LIVE_AGREEMENT,
        )

    @get("/rounds/new")
    async def new_round_form(self, request: Request, user: SignedIn,
                             agreement_id: Id) -> Template:
        agreement = await load(agreement_id)
        wanted = sorted({str(g.indicator_id) for g in agreement.goals if g.indicator_id})
        return await self._round_page(request, user, agreement, FormState({}), set(wanted))

    @post("/rounds")
    async def create_round(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement = await load(agreement_id)
        lang = choose_language(request)
        form = await request.form()
        state = FormState({"period": line(form, "period"), "deadline": line(form, "deadline")})
        chosen = {str(v) for v in form.getall("indicator_ids", [])}
        known = {str(i.id) for i in await situation.indicators()}
        period = None
        if not state.values["period"]:
            state.errors["period"] = translate(lang, "ag_period_required")
        else:
            try:
                period = parse_period(state.values["period"]).code
            except ValueError:
                state.errors["period"] = translate(lang, "ag_period_invalid")
        deadline = a_date(state, "deadline", lang, required=True)
        if chosen - known:
            state.errors["indicator_ids"] = translate(lang, "ag_choose")

        async def create():
            ids = sorted(int(i) for i in chosen)
            return await situation.create_round(user.actor, agreement.id, RoundCreate(
                period=period, deadline=deadline, requests=[
                    RoundRequestInput(party_id=p.id, indicator_ids=ids)
                    for p in agreement.parties]))

        if await state.save(lang, {"period", "deadline"}, create):
            return Redirect(agreement_url(agreement.id, "situation", "ag_round_created"),
                            status_code=303)
        return await self._round_page(request, user, agreement, state, chosen)

