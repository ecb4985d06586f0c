"""What a signed-in partner sees and does: its organisation's agreements, its own
commitments, its reports and its own contact details.

Everything is read through the agreements and registry services. Whatever is not the
partner's – another organisation's commitment, an agreement it is no party to, a draft –
is NotFound with the same message as an id that does not exist, so nothing leaks.
"""

from dataclasses import dataclass
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
from samverkan.errors import NotFound
from samverkan.portal.access import PortalContact
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactRead, ContactUpdate

# A confirmed commitment due within this many days (or overdue) awaits a report.
REPORT_DUE_DAYS = 14
REPORTABLE = frozenset({CommitmentStatus.confirmed, CommitmentStatus.in_progress})

AGREEMENT_NOT_FOUND = "Överenskommelsen finns inte (agreement not found)"
COMMITMENT_NOT_FOUND = "Åtagandet finns inte (commitment not found)"


@dataclass(frozen=True)
class AgreementOverview:
    """One agreement on "Mina överenskommelser", with what awaits the partner in it."""

    agreement: AgreementRead
    to_confirm: list[CommitmentRead]
    reports_due: list[CommitmentRead]


@dataclass(frozen=True)
class PartnerAgreement:
    """An agreement as its parties see it, split into the partner's own commitments and
    everybody else's."""

    agreement: AgreementRead
    own_commitments: list[CommitmentRead]
    other_commitments: list[CommitmentRead]
    parties: dict[int, PartyRead]
    responsible: dict[int, ContactRead]

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
        overviews.append(AgreementOverview(
            agreement=agreement,
            to_confirm=[] if closed else [c for c in mine
                                          if c.status == CommitmentStatus.proposed],
            reports_due=[] if closed else [c for c in mine if _report_due(c, today)],
        ))
    return overviews


async def partner_agreement(contact: PortalContact, agreement_id: int) -> PartnerAgreement:
    agreement = await visible_agreement(contact, agreement_id)
    own = _own_party_ids(agreement, contact.organization_id)
    ordered = sorted(agreement.commitments, key=_by_due_date)
    contact_ids = sorted({c.responsible_contact_id for c in agreement.commitments
                          if c.responsible_contact_id})
    responsible = await registry.contacts_by_ids(contact_ids) if contact_ids else {}
    return PartnerAgreement(
        agreement=agreement,
        own_commitments=[c for c in ordered if c.party_id in own],
        other_commitments=[c for c in ordered if c.party_id not in own],
        parties={p.id: p for p in agreement.parties},
        responsible=responsible,
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
