"""Tables of agreements: the agreement, its parties, focus areas, goals, commitments, follow-ups."""

from enum import Enum

from piccolo.columns import (
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    LazyTableReference,
    OnDelete,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from samverkan.registry.tables import Contact, LocalPoliceArea, Municipality, Organization


class AgreementKind(str, Enum):
    collaboration_agreement = "collaboration_agreement"  # samverkansöverenskommelse
    citizen_promise = "citizen_promise"  # medborgarlöfte
    action_plan = "action_plan"  # handlingsplan
    declaration_of_intent = "declaration_of_intent"  # avsiktsförklaring


class AgreementStatus(str, Enum):
    draft = "draft"
    in_preparation = "in_preparation"
    awaiting_signature = "awaiting_signature"
    active = "active"
    under_revision = "under_revision"
    ended = "ended"
    superseded = "superseded"


class Cadence(str, Enum):
    monthly = "monthly"
    quarterly = "quarterly"
    tertial = "tertial"
    half_yearly = "half_yearly"
    yearly = "yearly"


class SignatureMethod(str, Enum):
    paper = "paper"
    e_signature = "e_signature"


class CommitmentStatus(str, Enum):
    proposed = "proposed"
    confirmed = "confirmed"
    declined = "declined"
    in_progress = "in_progress"
    done = "done"
    not_done = "not_done"
    cancelled = "cancelled"


class FollowUpKind(str, Enum):
    steering_group_meeting = "steering_group_meeting"
    follow_up_report = "follow_up_report"


class Outcome(str, Enum):
    on_track = "on_track"
    delayed = "delayed"
    achieved = "achieved"
    not_achieved = "not_achieved"


class Agreement(Table):
    title = Varchar(length=300, null=False)
    kind = Varchar(length=40, choices=AgreementKind, null=False)
    registration_number = Varchar(length=60, null=True, default=None, unique=True)
    purpose = Text(null=False, default="")
    background = Text(null=False, default="")
    governance = Text(null=False, default="")
    period_start = Date(null=False)
    period_end = Date(null=True, default=None)
    follow_up_cadence = Varchar(length=20, choices=Cadence, null=True, default=None)
    local_police_area = ForeignKey(LocalPoliceArea, null=True, on_delete=OnDelete.restrict)
    parent = ForeignKey(
        LazyTableReference("Agreement", module_path=__name__), null=True, on_delete=OnDelete.restrict
    )
    supersedes = ForeignKey(
        LazyTableReference("Agreement", module_path=__name__), null=True, on_delete=OnDelete.restrict
    )
    status = Varchar(length=30, choices=AgreementStatus, null=False, default=AgreementStatus.draft)
    # Bumped by every write to the agreement or anything in it, so an ETag, a cached
    # document or an If-Match always speaks of the whole agreement as the parties see it.
    version = Integer(default=1, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)


class AgreementMunicipality(Table, tablename="agreement_municipality"):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    municipality = ForeignKey(Municipality, null=False, on_delete=OnDelete.restrict)


class Party(Table):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    organization = ForeignKey(Organization, null=False, on_delete=OnDelete.restrict)
    role = Varchar(length=200, null=False, default="")
    registration_number = Varchar(length=60, null=True, default=None)
    primary_contact = ForeignKey(Contact, null=True, on_delete=OnDelete.set_null)
    signatory_name = Varchar(length=200, null=True, default=None)
    signatory_title = Varchar(length=200, null=True, default=None)
    # Where the signatory is reminded that the agreement is about to end.
    signatory_email = Varchar(length=254, null=True, default=None)
    signed_on = Date(null=True, default=None)
    signed_place = Varchar(length=100, null=True, default=None)
    signature_method = Varchar(length=20, choices=SignatureMethod, null=True, default=None)
    version = Integer(default=1, null=False)


class FocusArea(Table, tablename="focus_area"):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    title = Varchar(length=300, null=False)
    problem = Text(null=False, default="")
    cause_analysis = Text(null=False, default="")
    priority = Integer(null=False, default=1)
    version = Integer(default=1, null=False)


class Goal(Table):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    focus_area = ForeignKey(FocusArea, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=300, null=False)
    indicator = Varchar(length=300, null=False, default="")
    unit = Varchar(length=50, null=False, default="")
    baseline = DoublePrecision(null=True, default=None)
    target = DoublePrecision(null=True, default=None)
    measured_how = Text(null=False, default="")
    # The lägesbild indicator the goal is measured by: the situation domain's id, a plain
    # integer as everywhere across domains.
    indicator_id = Integer(null=True, default=None)
    version = Integer(default=1, null=False)


class Commitment(Table):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    party = ForeignKey(Party, null=False, on_delete=OnDelete.restrict)
    focus_area = ForeignKey(FocusArea, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=300, null=False)
    description = Text(null=False, default="")
    responsible_contact = ForeignKey(Contact, null=True, on_delete=OnDelete.set_null)
    due_date = Date(null=True, default=None)
    recurrence = Varchar(length=20, choices=Cadence, null=True, default=None)
    status = Varchar(
        length=20, choices=CommitmentStatus, null=False, default=CommitmentStatus.proposed
    )
    status_changed_at = Timestamptz(null=False)
    confirmed_by = Varchar(length=254, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    confirmation_comment = Text(null=True, default=None)
    version = Integer(default=1, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)


class ReportedStatus(str, Enum):
    """What a party may report about its own confirmed commitment."""

    in_progress = "in_progress"
    done = "done"
    not_done = "not_done"


class ProgressReport(Table, tablename="progress_report"):
    """A party's report on how its commitment goes: kept, never edited, newest counts."""

    commitment = ForeignKey(Commitment, null=False, on_delete=OnDelete.cascade)
    status = Varchar(length=20, choices=ReportedStatus, null=False)
    note = Text(null=False, default="")
    # The day the report speaks of, which may be before the day it was written.
    as_of = Date(null=False)
    reported_by = Varchar(length=254, null=False)
    reported_at = Timestamptz(null=False)


class FollowUp(Table, tablename="follow_up"):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    date = Date(null=False)
    kind = Varchar(length=30, choices=FollowUpKind, null=False)
    title = Varchar(length=300, null=False, default="")
    notes = Text(null=False, default="")
    # Local time in Europe/Stockholm, as people write it in a calendar; none when not set.
    start_time = Time(null=True, default=None)
    duration_minutes = Integer(null=False, default=120)
    location = Varchar(length=200, null=False, default="")
    version = Integer(default=1, null=False)


class FollowUpOutcome(Table, tablename="follow_up_outcome"):
    follow_up = ForeignKey(FollowUp, null=False, on_delete=OnDelete.cascade)
    commitment = ForeignKey(Commitment, null=False, on_delete=OnDelete.cascade)
    outcome = Varchar(length=20, choices=Outcome, null=False)
    note = Text(null=False, default="")


class AgreementCoordinator(Table, tablename="agreement_coordinator"):
    """A user who coordinates the agreement (and is reminded about it).

    user_id is the accounts domain's user id, kept as a plain integer: agreements never
    reach into another domain's tables, not even with a foreign key.
    """

    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    user_id = Integer(null=False)
