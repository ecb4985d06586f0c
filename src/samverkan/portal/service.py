"""What a signed-in partner sees and does: its organisation's agreements, its own
commitments, its reports, its inputs to the lägesbild, the joint picture as its organisation
sees it, and its own contact details.

Everything is read through the agreements, situation and registry services. Whatever is not the
partner's – another organisation's commitment, an agreement it is no party to, a draft –
is NotFound with the same message as an id that does not exist, so nothing leaks.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from samverkan import clock
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import CLOSED_AGREEMENT
from samverkan.agreements.schemas import (
    AgreementRead,
    CommitmentRead,
    PartyRead,
    PartyResponse,
    ProgressReportCreate,
    ProgressReportRead,
)
from samverkan.agreements.tables import AgreementStatus, CommitmentStatus
from samverkan.db import gather_reads
from samverkan.errors import Conflict, NotFound
from samverkan.portal.access import PortalContact
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactRead, ContactUpdate
from samverkan.situation import service as situation
from samverkan.situation.schemas import (
    IndicatorRead,
    InputRead,
    InputWrite,
    JointPicture,
    RoundRead,
)
from samverkan.situation.service import Audience
from samverkan.situation.tables import InputStatus, RoundStatus
from samverkan.web.pictures import PictureBlock, picture_block

# A confirmed commitment due within this many days (or overdue) awaits a report.
REPORT_DUE_DAYS = 14
REPORTABLE = frozenset({CommitmentStatus.confirmed, CommitmentStatus.in_progress})

# Inputs a party may still change (the situation service's rule, for the pages' wording).
EDITABLE_INPUT = frozenset({InputStatus.draft, InputStatus.returned})

AGREEMENT_NOT_FOUND = "Överenskommelsen finns inte (agreement not found)"
COMMITMENT_NOT_FOUND = "Åtagandet finns inte (commitment not found)"


@dataclass(frozen=True)
class RoundTask:
    """A lägesbild round of an agreement and where the partner's input to it stands."""

    round: RoundRead
    asked: list[int]  # the indicators the partner's party is asked for
    input: InputRead | None

    @property
    def status(self) -> str:
        """not_started, draft, submitted, accepted or returned."""
        return self.input.status.value if self.input else "not_started"

    @property
    def awaiting(self) -> bool:
        """The round is open and the party owes an input it has not sent (or must resend)."""
        return (self.round.status == RoundStatus.open
                and (self.input is None or self.input.status in EDITABLE_INPUT)
                and (bool(self.asked) or self.input is not None))


@dataclass(frozen=True)
class AgreementOverview:
    """One agreement on "Mina överenskommelser", with what awaits the partner in it."""

    agreement: AgreementRead
    to_confirm: list[CommitmentRead]
    reports_due: list[CommitmentRead]
    rounds_due: list[RoundTask] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerAgreement:
    """An agreement as its parties see it, split into the partner's own commitments and
    everybody else's."""

    agreement: AgreementRead
    own_commitments: list[CommitmentRead]
    other_commitments: list[CommitmentRead]
    parties: dict[int, PartyRead]
    responsible: dict[int, ContactRead]
    rounds: list[RoundTask] = field(default_factory=list)  # newest period first
    indicators: dict[int, IndicatorRead] = field(default_factory=dict)  # the goals' indicators

    @property
    def closed(self) -> bool:
        return self.agreement.status in CLOSED_AGREEMENT

    def focus_area_title(self, focus_area_id: int | None) -> str | None:
        return next((f.title for f in self.agreement.focus_areas if f.id == focus_area_id), None)


@dataclass(frozen=True)
class PartnerCommitment:
    commitment: CommitmentRead
    agreement: AgreementRead
    party: PartyRead
    responsible: ContactRead | None
    reports: list[ProgressReportRead]

    @property
    def closed(self) -> bool:
        return self.agreement.status in CLOSED_AGREEMENT

    @property
    def can_respond(self) -> bool:
        return not self.closed and self.commitment.status == CommitmentStatus.proposed

    @property
    def can_report(self) -> bool:
        return not self.closed and self.commitment.status in REPORTABLE


def _own_party_ids(agreement: AgreementRead, organization_id: int) -> set[int]:
    return {p.id for p in agreement.parties if p.organization.id == organization_id}


def is_overdue(commitment: CommitmentRead, today: date) -> bool:
    return (commitment.status in REPORTABLE and commitment.due_date is not None
            and commitment.due_date < today)


def _report_due(commitment: CommitmentRead, today: date) -> bool:
    return (commitment.status in REPORTABLE and commitment.due_date is not None
            and commitment.due_date <= today + timedelta(days=REPORT_DUE_DAYS))


def _by_due_date(commitment: CommitmentRead) -> tuple:
    return (commitment.due_date is None, commitment.due_date or date.max, commitment.id)


async def visible_agreement(contact: PortalContact, agreement_id: int) -> AgreementRead:
    """The agreement, if the contact's organisation is a party and it is past its draft."""
    found = await agreements.agreement(agreement_id)
    if found.status == AgreementStatus.draft or not _own_party_ids(found,
                                                                   contact.organization_id):
        raise NotFound(AGREEMENT_NOT_FOUND)
    return found


async def my_agreements(contact: PortalContact) -> list[AgreementOverview]:
    """The organisation's agreements (newest first) and, in each, its commitments awaiting
    confirmation and those awaiting a report (due within two weeks, or overdue)."""
    ids = await agreements.agreement_ids_with_party(contact.organization_id)
    found = await gather_reads(*(agreements.agreement(i) for i in ids))
    today = clock.today()
    overviews = []
    for agreement in found:
        own = _own_party_ids(agreement, contact.organization_id)
        mine = sorted((c for c in agreement.commitments if c.party_id in own), key=_by_due_date)
        closed = agreement.status in CLOSED_AGREEMENT
        rounds = [] if closed else await _round_tasks(agreement, own)
        overviews.append(AgreementOverview(
            agreement=agreement,
            to_confirm=[] if closed else [c for c in mine
                                          if c.status == CommitmentStatus.proposed],
            reports_due=[] if closed else [c for c in mine if _report_due(c, today)],
            rounds_due=sorted((task for task in rounds if task.awaiting),
                              key=lambda task: (task.round.deadline, task.round.id)),
        ))
    return overviews


async def _round_tasks(agreement: AgreementRead, own: set[int]) -> list[RoundTask]:
    """The agreement's rounds, newest period first, with the party's input to each (the
    organisation's first party, as situation.own_party chooses it)."""
    party_id = next(p.id for p in agreement.parties if p.id in own)
    rounds = await situation.rounds(agreement.id)
    inputs = await situation.party_inputs([r.id for r in rounds], party_id)
    tasks = [RoundTask(round=r, input=inputs.get(r.id),
                       asked=next((q.indicator_ids for q in r.requests if q.party_id == party_id),
                                  []))
             for r in rounds]
    return sorted(tasks, key=lambda task: (task.round.period_start, task.round.id), reverse=True)


async def partner_agreement(contact: PortalContact, agreement_id: int) -> PartnerAgreement:
    agreement = await visible_agreement(contact, agreement_id)
    own = _own_party_ids(agreement, contact.organization_id)
    ordered = sorted(agreement.commitments, key=_by_due_date)
    contact_ids = sorted({c.responsible_contact_id for c in agreement.commitments
                          if c.responsible_contact_id})
    responsible = await registry.contacts_by_ids(contact_ids) if contact_ids else {}
    indicator_ids = [g.indicator_id for g in agreement.goals if g.indicator_id is not None]
    return PartnerAgreement(
        agreement=agreement,
        own_commitments=[c for c in ordered if c.party_id in own],
        other_commitments=[c for c in ordered if c.party_id not in own],
        parties={p.id: p for p in agreement.parties},
        responsible=responsible,
        rounds=await _round_tasks(agreement, own),
        indicators=await situation.indicators_by_ids(indicator_ids) if indicator_ids else {},
    )


async def partner_commitment(contact: PortalContact, commitment_id: int) -> PartnerCommitment:
    """One of the organisation's own commitments, with its agreement and report history."""
    try:
        commitment = await agreements.commitment(commitment_id)
        agreement = await visible_agreement(contact, commitment.agreement_id)
    except NotFound:
        raise NotFound(COMMITMENT_NOT_FOUND) from None
    party = next(p for p in agreement.parties if p.id == commitment.party_id)
    if party.organization.id != contact.organization_id:
        raise NotFound(COMMITMENT_NOT_FOUND)
    reports, responsible = await gather_reads(
        agreements.progress_reports(commitment_id),
        registry.contacts_by_ids([commitment.responsible_contact_id]
                                 if commitment.responsible_contact_id else []),
    )
    return PartnerCommitment(
        commitment=commitment,
        agreement=agreement,
        party=party,
        responsible=responsible.get(commitment.responsible_contact_id),
        reports=reports,
    )


# --- what a partner does (the caller owns the write transaction) ---------------------------


async def confirm(contact: PortalContact, commitment_id: int, comment: str | None,
                  expected: int | None = None) -> CommitmentRead:
    return await agreements.respond_as_party(
        contact.actor, commitment_id, contact.organization_id,
        PartyResponse(comment=comment or None), confirm=True, expected=expected,
    )


async def decline(contact: PortalContact, commitment_id: int, comment: str,
                  expected: int | None = None) -> CommitmentRead:
    return await agreements.respond_as_party(
        contact.actor, commitment_id, contact.organization_id,
        PartyResponse(comment=comment), confirm=False, expected=expected,
    )


async def report(contact: PortalContact, commitment_id: int,
                 data: ProgressReportCreate) -> ProgressReportRead:
    return await agreements.report_progress(contact.actor, commitment_id,
                                            contact.organization_id, data)


# --- the lägesbild: the party's input to a round, the joint picture ----------------------


@dataclass(frozen=True)
class PartnerRound:
    """A round as the partner's party answers it: what it is asked for and its input."""

    round: RoundRead
    agreement: AgreementRead
    party: PartyRead
    indicators: list[IndicatorRead]  # asked for (in the round's order), then any other given
    input: InputRead | None

    @property
    def closed(self) -> bool:
        """Nothing can be changed: the round is closed or the agreement has ended."""
        return (self.round.status == RoundStatus.closed
                or self.agreement.status in CLOSED_AGREEMENT)

    @property
    def editable(self) -> bool:
        return not self.closed and (self.input is None or self.input.status in EDITABLE_INPUT)

    @property
    def status(self) -> str:
        return self.input.status.value if self.input else "not_started"

    def values_of(self, indicator_id: int) -> tuple[float | None, list[tuple[str, float]]]:
        """The input's value for the whole area and its (place, value) pairs, by place."""
        values = [v for v in (self.input.values if self.input else [])
                  if v.indicator_id == indicator_id]
        whole = next((v.value for v in values if not v.place), None)
        return whole, sorted(((v.place, v.value) for v in values if v.place),
                             key=lambda pair: pair[0].casefold())


async def partner_round(contact: PortalContact, round_id: int) -> PartnerRound:
    """A round of an agreement the organisation is a party of (past its draft); NotFound,
    as for an id that does not exist, for every other round."""
    round_read, agreement, party = await situation.own_party(round_id, contact.organization_id)
    party_id = party.id
    current = await situation.input_(round_id, party_id)
    asked = next((q.indicator_ids for q in round_read.requests if q.party_id == party_id), [])
    given = [v.indicator_id for v in (current.values if current else [])]
    ordered = list(dict.fromkeys([*asked, *given]))
    catalogue = await situation.indicators_by_ids(ordered)
    return PartnerRound(
        round=round_read, agreement=agreement, party=party,
        indicators=[catalogue[i] for i in ordered if i in catalogue], input=current,
    )


async def save_input(contact: PortalContact, round_id: int, data: InputWrite,
                     expected: int | None, *, submit: bool) -> InputRead:
    """Save the party's input as a draft and, when asked, submit it: both or neither (the
    caller owns the transaction)."""
    view = await partner_round(contact, round_id)
    if view.agreement.status in CLOSED_AGREEMENT:
        raise Conflict("Överenskommelsen är avslutad (the agreement has ended)", field="status")
    saved = await situation.save_input(contact.actor, round_id, view.party.id, data, expected)
    if submit:
        saved = await situation.submit_input(contact.actor, round_id, view.party.id,
                                             saved.version)
    return saved


@dataclass(frozen=True)
class PartnerPicture:
    agreement: AgreementRead
    rounds: list[RoundRead]  # every round of the agreement, newest period first
    picture: JointPicture | None  # None: no round yet
    blocks: list[PictureBlock]
    own_party_ids: frozenset[int]

    def indicator_name(self, indicator_id: int, language: str) -> str:
        for block in self.blocks:
            if block.block.indicator.id == indicator_id:
                indicator = block.block.indicator
                return indicator.name_en if language == "en" else indicator.name_sv
        return str(indicator_id)


async def partner_picture(contact: PortalContact, agreement_id: int, round_id: int | None,
                          language: str) -> PartnerPicture:
    """The joint picture of a round (the latest when none is named) as the organisation's
    parties see it: shared inputs, and their own internal ones. A round of another agreement
    is NotFound."""
    agreement = await visible_agreement(contact, agreement_id)
    own = frozenset(_own_party_ids(agreement, contact.organization_id))
    rounds = sorted(await situation.rounds(agreement_id),
                    key=lambda r: (r.period_start, r.id), reverse=True)
    picture = None
    if rounds or round_id is not None:
        picture = await situation.joint_picture(agreement_id, round_id, Audience(own))
    return PartnerPicture(
        agreement=agreement, rounds=rounds, picture=picture, own_party_ids=own,
        blocks=[picture_block(block, language) for block in picture.indicators] if picture else [],
    )


# --- the contact's own details -------------------------------------------------------------


async def organization_name(contact: PortalContact) -> str:
    found = await registry.organizations_by_ids([contact.organization_id])
    return found[contact.organization_id].name if contact.organization_id in found else ""


async def profile(contact: PortalContact) -> ContactRead:
    return await registry.contact(contact.contact_id)


async def update_profile(contact: PortalContact, *, name: str, title: str | None,
                         phone: str | None, language: str, expected: int | None) -> ContactRead:
    """Name, title, phone and language; the e-mail address is the key to the portal and
    only a coordinator changes it."""
    return await registry.update_contact(
        contact.actor, contact.contact_id,
        ContactUpdate(name=name, title=title, phone=phone, language=language), expected,
    )
