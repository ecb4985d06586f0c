"""An agreement's page: overview, commitments, lägesbild, follow-ups, reminders, history, documents, invitations and lifecycle actions.

GET /workspace/agreements/{id} shows everything every signed-in staff role may read; the
small actions of the page (a lifecycle move, an invitation, accepting or returning an
input, closing a round, removing a follow-up) post to it and come back to their section.
Forms with many fields have pages of their own (agreement_actions.py). A refusal shows on
the page again with the reason, at the section it concerns, and what was typed kept.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from samverkan import clock
from samverkan.accounts import service as accounts
from samverkan.accounts.schemas import UserRead
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import (
    CLOSED_AGREEMENT,
    IN_FORCE_AGREEMENT,
    LIVE_AGREEMENT,
    allowed_agreement_moves,
)
from samverkan.agreements.schemas import (
    AgreementRead,
    AgreementStatusChange,
    CommitmentRead,
    PartyRead,
    ProgressReportRead,
)
from samverkan.agreements.tables import AgreementStatus, CommitmentStatus
from samverkan.audit.schemas import AuditEventRead
from samverkan.db import gather_reads, write_transaction
from samverkan.documents import service as documents
from samverkan.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from samverkan.portal import access
from samverkan.portal.schemas import InvitationRead
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactRead
from samverkan.reminders import service as reminders
from samverkan.reminders.schemas import PlannedReminder
from samverkan.situation import service as situation
from samverkan.situation.schemas import IndicatorRead, InputRead, JointPicture, RoundRead
from samverkan.situation.tables import InputStatus, RoundStatus
from samverkan.web import i18n
from samverkan.web.forms import COMMENT_MAX, NOT_FOUND, checked_id, expected_version, query_id
from samverkan.web.i18n import choice, choose_language, translate
from samverkan.web.pictures import picture_block
from samverkan.workspace import agreement_actions
from samverkan.workspace.agreement_actions import (
    Id,
    agreement_url,
    box,
    line,
    load,
)
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, may_write, workspace_page

# History lines shown at first, and how many more each "show more" adds.
HISTORY_STEP = 25
HISTORY_MAX = 2000
# Sent reminders shown, and the planned ones (the earliest).
SENT_SHOWN = 50
PLANNED_SHOWN = 15
# An agreement ending within this many days needs a successor soon.
RENEWAL_DAYS = 90
# A planned reminder is one not yet in an e-mail.
NOT_YET_SENT = frozenset({"planned", "recorded"})

NOTICES.update({
    "ag_moved": "ag_moved_notice",
    "ag_invited": "ag_invited_notice",
    "ag_round_closed": "ag_round_closed_notice",
    "ag_input_accepted": "ag_input_accepted_notice",
    "ag_input_returned": "ag_input_returned_notice",
    "ag_follow_up_removed": "ag_follow_up_removed_notice",
})


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class PartyBlock:
    """A party with its commitments and its organisation's contacts."""

    party: PartyRead
    commitments: list[CommitmentRead]
    contacts: list[ContactRead]


@dataclass(frozen=True)
class RoundParty:
    """Where one party's input to a round stands."""

    party: PartyRead
    asked: list[int]
    input: InputRead | None

    @property
    def status(self) -> str:
        """not_started, draft, submitted, accepted or returned."""
        return self.input.status.value if self.input else "not_started"

    @property
    def came_in(self) -> bool:
        return self.input is not None and self.input.status in situation.COUNTED


@dataclass(frozen=True)
class RoundBlock:
    round: RoundRead
    parties: list[RoundParty]

    @property
    def open(self) -> bool:
        return self.round.status == RoundStatus.open

    @property
    def missing(self) -> list[RoundParty]:
        return [p for p in self.parties if not p.came_in and (p.asked or p.input)]

    @property
    def to_review(self) -> list[RoundParty]:
        return [p for p in self.parties if p.input and p.input.status == InputStatus.submitted]


@dataclass(frozen=True)
class HistoryLine:
    when: Any
    who: str
    what: str


@dataclass
class AgreementView:
    agreement: AgreementRead
    coordinators: list[UserRead]
    municipalities: list[str]
    local_police_area: str | None
    indicators: dict[int, IndicatorRead]
    parties: list[PartyBlock]
    responsible: dict[int, ContactRead]
    reports: dict[int, ProgressReportRead]
    rounds: list[RoundBlock]
    planned: list[PlannedReminder]
    sent: list[reminders.SentReminder]
    history: list[HistoryLine]
    history_total: int
    invitations: list[InvitationRead]
    moves: list[AgreementStatus]
    renewal_due: bool
    unsigned: list[str] = field(default_factory=list)
    without_signatory: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.agreement.status in CLOSED_AGREEMENT

    @property
    def live(self) -> bool:
        return self.agreement.status in LIVE_AGREEMENT

    @property
    def contacts(self) -> list[tuple[str, str]]:
        """Every contact of every party, for the invitation form: (id, "name, org (e-mail)")."""
        return [(str(c.id), f"{c.name}, {block.party.organization.name} ({c.email})")
                for block in self.parties for c in block.contacts]

    def focus_area_title(self, focus_area_id: int | None) -> str | None:
        return next((f.title for f in self.agreement.focus_areas if f.id == focus_area_id), None)

    def party_name(self, party_id: int) -> str:
        return next((b.party.organization.name for b in self.parties if b.party.id == party_id),
                    "")


def is_overdue(commitment: CommitmentRead, today: date) -> bool:
    return (commitment.due_date is not None and commitment.due_date < today
            and commitment.status in (CommitmentStatus.proposed, CommitmentStatus.confirmed,
                                      CommitmentStatus.in_progress))


async def _nothing() -> list:
    return []


async def agreement_view(agreement_id: int, lang: str, history_shown: int,
                         coordinator: bool = True) -> AgreementView:
    """Everything the page shows, in a fixed number of reads whatever the agreement holds.
    Invitations and reminders name people's addresses: like the API, only coordinators
    and admins (coordinator=True) see them."""
    agreement = await agreements.agreement(agreement_id)
    commitment_ids = [c.id for c in agreement.commitments]
    responsible_ids = sorted({c.responsible_contact_id for c in agreement.commitments
                              if c.responsible_contact_id})
    indicator_ids = sorted({g.indicator_id for g in agreement.goals if g.indicator_id})
    (municipalities, area, indicators, reports, responsible, contacts, rounds, invitations,
     planned, sent, (_, total), renewal) = await gather_reads(
        registry.municipalities(),
        _area_name(agreement.local_police_area_id),
        situation.indicators_by_ids(indicator_ids),
        agreements.latest_progress_reports(commitment_ids),
        registry.contacts_by_ids(responsible_ids),
        registry.contacts_of_organizations([p.organization.id for p in agreement.parties]),
        situation.rounds(agreement_id),
        access.invitations(agreement_id) if coordinator else _nothing(),
        reminders.planned(agreement_id) if coordinator else _nothing(),
        reminders.sent_reminders(agreement_id, SENT_SHOWN) if coordinator else _nothing(),
        agreements.history(agreement_id, 1, 0),
        agreements.renewal_needed(agreement_id),
    )
    shown = min(history_shown, total)
    events, _ = await agreements.history(agreement_id, max(shown, 1), max(total - shown, 0))
    events = list(reversed(events))[:shown]
    inputs = await situation.inputs_of_rounds([r.id for r in rounds])
    user_ids = {*agreement.coordinator_user_ids,
                *(e.actor_id for e in events if e.actor_id is not None),
                *(_user_of(e) for e in events if e.entity_type == "coordinator")}
    users = await accounts.users_by_ids([i for i in user_ids if i])
    by_code = {m.code: m.name for m in municipalities}
    today = clock.today()
    ending_soon = (agreement.status in IN_FORCE_AGREEMENT and agreement.period_end is not None
                   and agreement.period_end <= today + timedelta(RENEWAL_DAYS))
    blocks = [
        PartyBlock(party=p, commitments=sorted(
            [c for c in agreement.commitments if c.party_id == p.id],
            key=lambda c: (c.due_date is None, c.due_date or date.max, c.id)),
            contacts=contacts.get(p.organization.id, []))
        for p in agreement.parties
    ]
    round_blocks = []
    for r in sorted(rounds, key=lambda r: (r.period_start, r.id), reverse=True):
        given = {i.party_id: i for i in inputs.get(r.id, [])}
        asked = {q.party_id: q.indicator_ids for q in r.requests}
        round_blocks.append(RoundBlock(round=r, parties=[
            RoundParty(party=p, asked=asked.get(p.id, []), input=given.get(p.id))
            for p in agreement.parties]))
    view = AgreementView(
        agreement=agreement,
        coordinators=[users[i] for i in agreement.coordinator_user_ids if i in users],
        municipalities=[f"{by_code.get(code, code)} ({code})"
                        for code in agreement.municipality_codes],
        local_police_area=area, indicators=indicators, parties=blocks,
        responsible=responsible, reports=reports, rounds=round_blocks,
        planned=[p for p in planned if p.state in NOT_YET_SENT], sent=sent,
        history=[], history_total=total, invitations=invitations,
        moves=allowed_agreement_moves(agreement.status),
        renewal_due=ending_soon and renewal,
        unsigned=[p.organization.name for p in agreement.parties if p.signed_on is None],
        without_signatory=[p.organization.name for p in agreement.parties
                           if not p.signatory_name],
    )
    view.history = [history_line(e, view, users, rounds, lang) for e in events]
    return view


async def _area_name(area_id: int | None) -> str | None:
    if area_id is None:
        return None
    try:
        return (await registry.local_police_area(area_id)).name
    except NotFound:
        return None


def _user_of(event: AuditEventRead) -> int | None:
    state = event.after or event.before or {}
    value = state.get("user_id")
    return value if isinstance(value, int) else None


# --- the history in words ------------------------------------------------------------------

# Fields whose old and new value a history line says; other changed fields are only named.
_SIMPLE = ("title", "status", "kind", "registration_number", "period_start", "period_end",
           "due_date", "date", "location", "role", "follow_up_cadence", "signatory_name",
           "signed_on", "priority", "baseline", "target", "start_time", "duration_minutes",
           "deadline")
# Bookkeeping that changes with every write and tells a reader nothing.
_QUIET = frozenset({"version", "updated_at", "created_at", "status_changed_at", "confirmed_at",
                    "confirmed_by", "submitted_at", "submitted_by", "reviewed_at",
                    "reviewed_by", "values", "outcomes", "organization",
                    "parties", "commitments", "focus_areas", "goals", "follow_ups",
                    "coordinator_user_ids", "requests", "id", "agreement_id"})
_CHOICE_OF = {"status": None, "kind": None, "follow_up_cadence": "cadence",
              "recurrence": "cadence", "signature_method": "signature_method"}
_TEXT_MAX = 80


def _value(lang: str, entity: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if name == "status":
        group = {"agreement": "status", "commitment": "commitment_status",
                 "situation_input": "input_status", "situation_round": "round_status",
                 "progress_report": "commitment_status"}.get(entity)
        return choice(lang, group, value) if group else str(value)
    if name == "kind":
        return choice(lang, "follow_up_kind" if entity == "follow_up" else "kind", value)
    if name in _CHOICE_OF and _CHOICE_OF[name]:
        return choice(lang, _CHOICE_OF[name], value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return i18n.long_date(lang, date.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, bool):
        return translate(lang, "ag_yes" if value else "ag_no")
    if isinstance(value, int | float):
        return i18n.number(lang, value)
    text = str(value)
    if len(text) > _TEXT_MAX:
        text = text[:_TEXT_MAX - 1] + "…"
    return f"”{text}”" if lang == "sv" else f"“{text}”"


def _field_name(lang: str, name: str) -> str:
    key = f"ag_field_{name}"
    return translate(lang, key) if key in i18n.MESSAGES[lang] else name.replace("_", " ")


def _quoted(lang: str, text: str) -> str:
    return f"”{text}”" if lang == "sv" else f"“{text}”"


def _entity(lang: str, event: AuditEventRead, view: AgreementView, users: dict[int, UserRead],
            rounds: dict[int, RoundRead]) -> str:
    """The thing an event is about, in words: "åtagandet ”Trygghetsvandringar”"."""
    state = event.after or event.before or {}
    kind = event.entity_type
    commitment_titles = {c.id: c.title for c in view.agreement.commitments}
    if kind == "agreement":
        return translate(lang, "ag_e_agreement")
    if kind == "party":
        name = (state.get("organization") or {}).get("name") or view.party_name(event.entity_id)
        return translate(lang, "ag_e_party", name=name)
    if kind in ("focus_area", "goal", "commitment"):
        title = state.get("title") or commitment_titles.get(event.entity_id, "")
        return translate(lang, f"ag_e_{kind}", title=_quoted(lang, title))
    if kind == "follow_up":
        what = choice(lang, "follow_up_kind", state.get("kind", "")) if state.get("kind") else ""
        day = _value(lang, kind, "date", state.get("date"))
        return translate(lang, "ag_e_follow_up", kind=what.lower(), date=day)
    if kind == "coordinator":
        user = users.get(_user_of(event) or 0)
        return translate(lang, "ag_e_coordinator", name=user.name if user else "?")
    if kind == "progress_report":
        title = commitment_titles.get(state.get("commitment_id"), "")
        return translate(lang, "ag_e_progress_report", title=_quoted(lang, title))
    if kind == "situation_round":
        return translate(lang, "ag_e_round", period=state.get("period", ""))
    if kind == "situation_input":
        found = rounds.get(state.get("round_id"))
        return translate(lang, "ag_e_input", organization=view.party_name(state.get("party_id")),
                         period=found.period if found else "")
    if kind == "portal_invitation":
        return translate(lang, "ag_e_invitation", name=state.get("contact_name", ""),
                         email=state.get("email", ""))
    return f"{kind} {event.entity_id}"


def _changes(lang: str, event: AuditEventRead) -> str:
    before, after = event.before or {}, event.after or {}
    told, named = [], []
    # The fields a reader looks for first (the title, the status, dates) come first.
    ordered = sorted(event.changed, key=lambda n: _SIMPLE.index(n) if n in _SIMPLE else 99)
    for name in ordered:
        if name in _QUIET:
            continue
        if name == "primary_contact":
            # A party's contact person is stored whole: say whose name it was and is.
            told.append(translate(
                lang, "ag_h_change", field=_field_name(lang, "primary_contact_id"),
                old=_value(lang, "", "", (before.get(name) or {}).get("name")),
                new=_value(lang, "", "", (after.get(name) or {}).get("name"))))
        elif name in _SIMPLE:
            told.append(translate(
                lang, "ag_h_change", field=_field_name(lang, name),
                old=_value(lang, event.entity_type, name, before.get(name)),
                new=_value(lang, event.entity_type, name, after.get(name))))
        else:
            named.append(_field_name(lang, name))
    if named:
        told.append(translate(lang, "ag_h_also", fields=", ".join(named)))
    return "; ".join(told)


def history_line(event: AuditEventRead, view: AgreementView, users: dict[int, UserRead],
                 rounds: list[RoundRead], lang: str) -> HistoryLine:
    """One event of the audit trail as a sentence: when, who, what."""
    entity = _entity(lang, event, view, users, {r.id: r for r in rounds})
    after = event.after or {}
    comment = (after.get("comment") or after.get("confirmation_comment")
               or after.get("return_comment") or "")
    action = event.action
    if action == "status":
        target = after.get("status")
        if event.entity_type == "commitment" and target in ("confirmed", "declined"):
            what = translate(lang, f"ag_h_{target}", entity=entity)
        else:
            what = translate(lang, "ag_h_status", entity=entity,
                             old=_value(lang, event.entity_type, "status",
                                        (event.before or {}).get("status")),
                             new=_value(lang, event.entity_type, "status", target))
    elif action == "update":
        changes = _changes(lang, event)
        what = translate(lang, "ag_h_update", entity=entity)
        if changes:
            what += f": {changes}"
    elif action == "report":
        what = translate(lang, "ag_h_report", entity=entity,
                         status=translate(lang, f"reported_{after.get('status', 'in_progress')}"))
    elif action == "create" and event.entity_type == "agreement":
        what = translate(lang, "ag_h_create_agreement")
    elif f"ag_h_{action}" in i18n.MESSAGES[lang]:
        what = translate(lang, f"ag_h_{action}", entity=entity)
    else:
        what = f"{action} {entity}"
    if comment and action in ("status", "return"):
        what += " – " + translate(lang, "ag_h_comment", comment=_value(lang, "", "", comment))
    return HistoryLine(when=event.occurred_at, who=_who(lang, event, users),
                       what=what[:1].upper() + what[1:] + ".")


def _who(lang: str, event: AuditEventRead, users: dict[int, UserRead]) -> str:
    if event.actor_id is not None and event.actor_id in users:
        user = users[event.actor_id]
        return f"{user.name} ({user.email})"
    if event.actor.startswith("system:"):
        return translate(lang, "ag_h_system")
    if event.actor_id is None:
        return translate(lang, "ag_h_partner", email=event.actor)
    return event.actor


# --- the page and its small actions --------------------------------------------------------


def _history_shown(request: Request) -> int:
    typed = request.query_params.get("history", "")
    if typed.isascii() and typed.isdigit() and len(typed) < 6:
        return max(HISTORY_STEP, min(int(typed), HISTORY_MAX))
    return HISTORY_STEP


async def agreement_page(request: Request, user: SignedIn, agreement_id: int, *,
                         status_code: int = 200, problem: str | None = None,
                         problem_at: str | None = None, values: dict | None = None,
                         errors: dict | None = None) -> Template:
    """The page; after a refused action, with the reason at the section (problem_at) and
    what was typed (values, errors by field name) kept."""
    lang = choose_language(request)
    view = await agreement_view(agreement_id, lang, _history_shown(request), user.may_write)
    return workspace_page(
        request, user, "agreement.html", status_code=status_code, current="agreements",
        view=view, agreement=view.agreement, today=clock.today(), problem=problem,
        problem_at=problem_at, values=values or {}, errors=errors or {},
        history_step=HISTORY_STEP, planned_shown=PLANNED_SHOWN, is_overdue=is_overdue,
    )


class AgreementPage(Controller):
    """The agreement's page, its printed document, its joint picture and its small actions."""

    path = "/agreements/{agreement_id:int}"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/")
    async def show(self, request: Request, user: SignedIn, agreement_id: Id) -> Template:
        return await agreement_page(request, user, checked_id(agreement_id))

    @get("/document.pdf", media_type="application/pdf")
    async def document(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        """The printed agreement, as the API prints it: PDF/A-3b unless ?variant=ua."""
        agreement_id = checked_id(agreement_id)
        lang = request.query_params.get("lang")
        lang = lang if lang in i18n.LANGUAGES else choose_language(request)
        variant = "ua" if request.query_params.get("variant") == "ua" else "a3b"
        described = await documents.describe(agreement_id, lang, variant)
        body = await documents.pdf(described)
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{described.filename}"',
            "Cache-Control": "private, no-cache",
        })

    @get("/situation")
    async def joint_picture(self, request: Request, user: SignedIn,
                            agreement_id: Id) -> Template:
        """The joint picture of a round (?round=ID; by default the latest reported on) as
        the coordinators see it: internal inputs too, marked."""
        agreement = await load(agreement_id)
        round_id = query_id(request, "round")
        lang = choose_language(request)
        rounds = sorted(await situation.rounds(agreement.id),
                        key=lambda r: (r.period_start, r.id), reverse=True)
        picture: JointPicture | None = None
        if rounds or round_id is not None:
            picture = await situation.joint_picture(agreement.id, round_id,
                                                    situation.COORDINATORS)
        blocks = [picture_block(b, lang) for b in picture.indicators] if picture else []
        names = {b.block.indicator.id: b.block.indicator for b in blocks}
        if picture:
            wanted = [i for m in picture.missing for i in m.indicator_ids if i not in names]
            if wanted:
                names.update(await situation.indicators_by_ids(wanted))
        inputs = await situation.inputs_of_rounds([picture.round.id]) if picture else {}
        return workspace_page(
            request, user, "agreement_situation.html", current="agreements",
            agreement=agreement, rounds=rounds, picture=picture, blocks=blocks,
            indicator_names=names,
            inputs=inputs.get(picture.round.id, []) if picture else [],
            party_names={p.id: p.organization.name for p in agreement.parties},
        )

    # --- the lifecycle -----------------------------------------------------------------

    @post("/status")
    async def move(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement_id = checked_id(agreement_id)
        lang = choose_language(request)
        form = await request.form()
        values = {"comment": box(form, "comment")}
        typed = line(form, "status")
        target = next((s for s in AgreementStatus if s.value == typed), None)
        if target is None:
            return await agreement_page(request, user, agreement_id, status_code=400,
                                        problem_at="lifecycle", values=values,
                                        problem=translate(lang, "ag_choose_status"))
        if len(values["comment"]) > COMMENT_MAX:
            return await agreement_page(
                request, user, agreement_id, status_code=400, problem_at="lifecycle",
                values=values,
                errors={"comment": translate(lang, "ag_too_long", max=COMMENT_MAX)})
        return await self._act(request, user, agreement_id, "lifecycle", "ag_moved", values,
                               lambda: agreements.change_agreement_status(
                                   user.actor, agreement_id,
                                   AgreementStatusChange(
                                       status=target, comment=values["comment"].strip() or None),
                                   expected_version(form)))

    async def _act(self, request: Request, user: SignedIn, agreement_id: int, section: str,
                   done: str, values: dict, write: Callable[[], Awaitable[Any]]) -> Response:
        """A small action: write() in one transaction, then back to its section of the page
        saying `done`; a refusal shows on the page at that section, what was typed kept."""
        try:
            async with write_transaction():
                await write()
        except (Conflict, InvalidInput, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement_id, exc, section, values)
        return Redirect(agreement_url(agreement_id, section, done), status_code=303)

    async def _refused(self, request: Request, user: SignedIn, agreement_id: int,
                       exc: Exception, section: str, values: dict) -> Template:
        lang = choose_language(request)
        if isinstance(exc, PreconditionFailed):
            status_code, problem = 409, translate(lang, "ws_changed_meanwhile")
        else:
            status_code = 409 if isinstance(exc, Conflict) else 400
            problem = getattr(exc, "detail", str(exc))
        return await agreement_page(request, user, agreement_id, status_code=status_code,
                                    problem=problem, problem_at=section, values=values)

    # --- invitations -------------------------------------------------------------------

    @post("/invitations")
    async def invite(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement_id = checked_id(agreement_id)
        lang = choose_language(request)
        form = await request.form()
        typed = line(form, "contact_id")
        values = {"contact_id": typed}
        if not (typed.isascii() and typed.isdigit() and 0 < len(typed) < 12):
            await load(agreement_id)
            return await agreement_page(
                request, user, agreement_id, status_code=400, problem_at="invitations",
                values=values, errors={"contact_id": translate(lang, "ag_choose_contact")})
        try:
            async with write_transaction():
                await access.invite(user.actor, agreement_id, int(typed))
        except (Conflict, InvalidInput) as exc:
            if isinstance(exc, InvalidInput):
                return await agreement_page(
                    request, user, agreement_id, status_code=400, problem_at="invitations",
                    values=values, errors={"contact_id": translate(lang, "ag_choose_contact")})
            return await self._refused(request, user, agreement_id, exc, "invitations", values)
        return Redirect(agreement_url(agreement_id, "invitations", "ag_invited"),
                        status_code=303)

    # --- the lägesbild -----------------------------------------------------------------

    async def _round(self, user: SignedIn, agreement_id: int, round_id: int) -> RoundRead:
        """A round of this agreement (else the 404), for a user who may change it."""
        may_write(user)
        found = await situation.round_(checked_id(round_id))
        if found.agreement_id != checked_id(agreement_id):
            raise NotFound(NOT_FOUND)
        return found

    @post("/rounds/{round_id:int}/close")
    async def close_round(self, request: Request, user: SignedIn, agreement_id: Id,
                          round_id: Id) -> Response:
        found = await self._round(user, agreement_id, round_id)
        form = await request.form()
        return await self._act(request, user, agreement_id, "situation", "ag_round_closed", {},
                               lambda: situation.close_round(user.actor, found.id,
                                                             expected_version(form)))

    @post("/rounds/{round_id:int}/inputs/{party_id:int}/accept")
    async def accept_input(self, request: Request, user: SignedIn, agreement_id: Id,
                           round_id: Id, party_id: Id) -> Response:
        found = await self._round(user, agreement_id, round_id)
        form = await request.form()
        party_id = checked_id(party_id)
        return await self._act(request, user, agreement_id, "situation", "ag_input_accepted", {},
                               lambda: situation.accept_input(user.actor, found.id, party_id,
                                                              expected_version(form)))

    @post("/rounds/{round_id:int}/inputs/{party_id:int}/return")
    async def return_input(self, request: Request, user: SignedIn, agreement_id: Id,
                           round_id: Id, party_id: Id) -> Response:
        found = await self._round(user, agreement_id, round_id)
        party_id = checked_id(party_id)
        lang = choose_language(request)
        form = await request.form()
        comment = box(form, "comment")
        field_name = f"return-{found.id}-{party_id}"
        values = {field_name: comment}
        error = None
        if not comment.strip():
            error = translate(lang, "ag_return_comment_required")
        elif len(comment) > COMMENT_MAX:
            error = translate(lang, "ag_too_long", max=COMMENT_MAX)
        if error:
            return await agreement_page(request, user, agreement_id, status_code=400,
                                        problem_at="situation", values=values,
                                        errors={field_name: error})
        return await self._act(request, user, agreement_id, "situation", "ag_input_returned",
                               values, lambda: situation.return_input(
                                   user.actor, found.id, party_id, comment.strip(),
                                   expected_version(form)))

    # --- follow-ups --------------------------------------------------------------------

    @post("/follow-ups/{follow_up_id:int}/delete")
    async def remove_follow_up(self, request: Request, user: SignedIn, agreement_id: Id,
                               follow_up_id: Id) -> Response:
        may_write(user)
        agreement_id = checked_id(agreement_id)
        follow_up_id = checked_id(follow_up_id)
        form = await request.form()
        return await self._act(request, user, agreement_id, "follow-ups", "ag_follow_up_removed",
                               {}, lambda: agreements.remove_follow_up(
                                   user.actor, agreement_id, follow_up_id,
                                   expected_version(form)))


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [AgreementPage, agreement_actions.AgreementForms]
