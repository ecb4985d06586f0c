"""Request and response bodies of agreements and everything in them."""

import datetime as dt
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from samverkan.agreements.tables import (
    AgreementKind,
    AgreementStatus,
    Cadence,
    CommitmentStatus,
    FollowUpKind,
    Outcome,
    ReportedStatus,
    SignatureMethod,
)
from samverkan.registry.schemas import ContactRead, OrganizationSummary
from samverkan.schemas import (
    Input,
    LongText,
    MunicipalityCode,
    Name,
    Output,
    Ref,
    RegistrationNumber,
    ShortText,
    Title,
)

Email = Annotated[EmailStr, Field(description="E-postadress")]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Minutes = Annotated[int, Field(ge=1, le=1440, description="Length in minutes, 1–1440")]


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(
            "Ange lokal tid utan tidszon, t.ex. 13:30 (local time without an offset)"
        )
    return value


LocalTime = Annotated[dt.time, AfterValidator(_local_time)]

Comment = Annotated[str, Field(max_length=2000)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]

# --- parties -----------------------------------------------------------------------------


class PartyCreate(Input):
    organization_id: Ref
    role: ShortText = Field("", description="The party's role, e.g. 'Kommun', 'Bostadsbolag'")
    registration_number: RegistrationNumber | None = Field(
        None, description="The party's own diarienummer for the agreement"
    )
    primary_contact_id: Ref | None = None
    signatory_name: Name | None = None
    signatory_title: ShortText | None = None
    signatory_email: Email | None = Field(
        None, description="Where the signatory is reminded when the agreement is about to end"
    )
    signed_on: date | None = None
    signed_place: Annotated[str, Field(max_length=100)] | None = None
    signature_method: SignatureMethod | None = None


class PartyUpdate(Input):
    role: ShortText | None = None
    registration_number: RegistrationNumber | None = None
    primary_contact_id: Ref | None = None
    signatory_name: Name | None = None
    signatory_title: ShortText | None = None
    signatory_email: Email | None = None
    signed_on: date | None = None
    signed_place: Annotated[str, Field(max_length=100)] | None = None
    signature_method: SignatureMethod | None = None


class PartyRead(Output):
    id: int
    agreement_id: Ref
    organization: OrganizationSummary
    role: str
    registration_number: str | None
    primary_contact: ContactRead | None
    signatory_name: str | None
    signatory_title: str | None
    signatory_email: str | None
    signed_on: date | None
    signed_place: str | None
    signature_method: SignatureMethod | None
    version: int


class PartyBrief(Output):
    id: int
    organization_id: Ref
    name: str


# --- focus areas and goals ---------------------------------------------------------------


class FocusAreaCreate(Input):
    title: Title
    problem: LongText = ""
    cause_analysis: LongText = Field("", description="Orsaksanalys")
    priority: int = Field(1, ge=1, le=100)


class FocusAreaUpdate(Input):
    title: Title | None = None
    problem: LongText | None = None
    cause_analysis: LongText | None = None
    priority: int | None = Field(None, ge=1, le=100)


class FocusAreaRead(Output):
    id: int
    agreement_id: Ref
    title: str
    problem: str
    cause_analysis: str
    priority: int
    version: int


class GoalCreate(Input):
    title: Title
    focus_area_id: Ref | None = None
    indicator: ShortText = ""
    unit: Annotated[str, Field(max_length=50)] = ""
    baseline: Number | None = None
    target: Number | None = None
    measured_how: LongText = ""
    indicator_id: Ref | None = Field(None, description="The lägesbild indicator it is measured by")


class GoalUpdate(Input):
    title: Title | None = None
    focus_area_id: Ref | None = None
    indicator: ShortText | None = None
    unit: Annotated[str, Field(max_length=50)] | None = None
    baseline: Number | None = None
    target: Number | None = None
    measured_how: LongText | None = None
    indicator_id: Ref | None = None


class GoalRead(Output):
    id: int
    agreement_id: Ref
    focus_area_id: int | None
    title: str
    indicator: str
    unit: str
    baseline: float | None
    target: float | None
    measured_how: str
    indicator_id: int | None
    version: int


# --- commitments -------------------------------------------------------------------------


class CommitmentCreate(Input):
    party_id: Ref = Field(description="The party that owns the commitment")
    focus_area_id: Ref | None = None
    title: Title
    description: LongText = ""
    responsible_contact_id: Ref | None = None
    due_date: date | None = None
    recurrence: Cadence | None = Field(None, description="For a recurring commitment")


class CommitmentUpdate(Input):
    party_id: Ref | None = None
    focus_area_id: Ref | None = None
    title: Title | None = None
    description: LongText | None = None
    responsible_contact_id: Ref | None = None
    due_date: date | None = None
    recurrence: Cadence | None = None


class CommitmentStatusChange(Input):
    status: CommitmentStatus
    comment: Comment | None = Field(None, description="Required when declining")


class CommitmentRead(Output):
    id: int
    agreement_id: Ref
    party_id: int
    focus_area_id: int | None
    title: str
    description: str
    responsible_contact_id: int | None
    due_date: date | None
    recurrence: Cadence | None
    status: CommitmentStatus
    status_changed_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    confirmation_comment: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class PartyResponse(Input):
    """A party confirms or declines its own commitment; a decline says why."""

    comment: Comment | None = None


class ProgressReportCreate(Input):
    status: ReportedStatus
    note: LongText = ""
    as_of: date = Field(description="The day the report speaks of; not in the future")


class ProgressReportRead(Output):
    id: int
    commitment_id: int
    status: ReportedStatus
    note: str
    as_of: date
    reported_by: str
    reported_at: datetime


# --- follow-ups --------------------------------------------------------------------------


class OutcomeInput(Input):
    commitment_id: Ref
    outcome: Outcome
    note: LongText = ""


class FollowUpCreate(Input):
    date: dt.date
    kind: FollowUpKind
    title: ShortText = ""
    notes: LongText = ""
    start_time: LocalTime | None = Field(
        None, description="Local start time (Europe/Stockholm), e.g. 13:30"
    )
    duration_minutes: Minutes = 120
    location: Place = ""
    outcomes: list[OutcomeInput] = Field(default_factory=list, max_length=500)


class FollowUpUpdate(Input):
    date: dt.date | None = None
    kind: FollowUpKind | None = None
    title: ShortText | None = None
    notes: LongText | None = None
    start_time: LocalTime | None = None
    duration_minutes: Minutes | None = None
    location: Place | None = None
    outcomes: list[OutcomeInput] | None = Field(None, max_length=500)


class OutcomeRead(Output):
    commitment_id: Ref
    outcome: Outcome
    note: str


class FollowUpRead(Output):
    id: int
    agreement_id: Ref
    date: dt.date
    kind: FollowUpKind
    title: str
    notes: str
    start_time: dt.time | None
    duration_minutes: int
    location: str
    outcomes: list[OutcomeRead]
    version: int


# --- agreements --------------------------------------------------------------------------


class AgreementCreate(Input):
    title: Title
    kind: AgreementKind
    registration_number: RegistrationNumber | None = Field(None, description="Diarienummer")
    purpose: LongText = ""
    background: LongText = ""
    governance: LongText = Field("", description="Styrgrupp, arbetsgrupper, dokumentation")
    period_start: date
    period_end: date | None = Field(None, description="Open-ended when absent")
    follow_up_cadence: Cadence | None = None
    local_police_area_id: Ref | None = None
    municipality_codes: list[MunicipalityCode] = Field(default_factory=list, max_length=50)
    parent_id: Ref | None = Field(None, description="The agreement this one is part of")
    supersedes_id: Ref | None = Field(None, description="The earlier agreement this replaces")
    parties: list[PartyCreate] = Field(default_factory=list, max_length=50)


class AgreementUpdate(Input):
    title: Title | None = None
    kind: AgreementKind | None = None
    registration_number: RegistrationNumber | None = None
    purpose: LongText | None = None
    background: LongText | None = None
    governance: LongText | None = None
    period_start: date | None = None
    period_end: date | None = None
    follow_up_cadence: Cadence | None = None
    local_police_area_id: Ref | None = None
    municipality_codes: list[MunicipalityCode] | None = Field(None, max_length=50)
    parent_id: Ref | None = None
    supersedes_id: Ref | None = None


class AgreementStatusChange(Input):
    status: AgreementStatus
    comment: Comment | None = None


class AgreementSummary(Output):
    id: int
    title: str
    kind: AgreementKind
    status: AgreementStatus
    registration_number: str | None
    period_start: date
    period_end: date | None
    municipality_codes: list[str]
    parties: list[PartyBrief]
    version: int
    updated_at: datetime


class AgreementRead(Output):
    id: int
    title: str
    kind: AgreementKind
    status: AgreementStatus
    registration_number: str | None
    purpose: str
    background: str
    governance: str
    period_start: date
    period_end: date | None
    follow_up_cadence: Cadence | None
    local_police_area_id: int | None
    municipality_codes: list[str]
    parent_id: int | None
    supersedes_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    coordinator_user_ids: list[int] = Field(
        description="Users who coordinate the agreement (accounts' user ids)"
    )
    parties: list[PartyRead]
    focus_areas: list[FocusAreaRead]
    goals: list[GoalRead]
    commitments: list[CommitmentRead]
    follow_ups: list[FollowUpRead]


class CoordinatorAdd(Input):
    user_id: Ref = Field(description="An active user's id")


# --- what is due: read by the reminders domain ---------------------------------------------


class CommitmentDue(Output):
    """An open commitment of a live agreement, with whom to remind about it."""

    commitment_id: int
    title: str
    due_date: date | None
    status: CommitmentStatus
    status_changed_at: datetime
    agreement_id: int
    agreement_title: str
    agreement_registration_number: str | None
    party_id: int
    organization_name: str
    responsible_contact_id: int | None
    primary_contact_id: int | None = Field(description="The owning party's primary contact")


class MeetingDue(Output):
    """A steering group meeting of a live agreement."""

    follow_up_id: int
    agreement_id: int
    agreement_title: str
    date: dt.date
    start_time: dt.time | None
    duration_minutes: int
    location: str
    title: str
    notes: str
    contact_ids: list[int] = Field(
        description="Primary contact of every party, each once, in party order"
    )
    version: int = Field(description="The follow-up's version")


class Signatory(Output):
    name: str | None
    email: str


class AgreementEnding(Output):
    """An active agreement (or one under revision) whose period ends soon."""

    agreement_id: int
    title: str
    kind: AgreementKind
    period_end: date
    registration_number: str | None
    coordinator_user_ids: list[int]
    signatories: list[Signatory]
    has_successor: bool
