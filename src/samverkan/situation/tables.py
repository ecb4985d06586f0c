"""Tables of the lägesbild: the indicator catalogue, input rounds, each party's input and values.

An agreement and its parties are the agreements domain's: they are held here as plain ids.
"""

from enum import Enum

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from samverkan.agreements.tables import Cadence


class SourceKind(str, Enum):
    reported_crime = "reported_crime"  # anmälda brott (Brå, Polisen)
    ntu = "ntu"  # Nationella trygghetsundersökningen
    safety_survey = "safety_survey"  # kommunens trygghetsmätning
    est_report = "est_report"  # EST-rapport (skadegörelse, otrygga platser)
    citizen_dialogue = "citizen_dialogue"  # medborgardialog
    school_social_services = "school_social_services"  # skola, socialtjänst, fritid (SSPF)
    rescue_service = "rescue_service"  # räddningstjänst
    business_survey = "business_survey"  # näringslivets undersökning
    other = "other"


class RoundStatus(str, Enum):
    open = "open"
    closed = "closed"


class InputStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"


class Indicator(Table):
    code = Varchar(length=40, unique=True, null=False)
    name_sv = Varchar(length=200, null=False)
    name_en = Varchar(length=200, null=False)
    unit = Varchar(length=50, null=False, default="")
    source_kind = Varchar(length=30, choices=SourceKind, null=False)
    higher_is_better = Boolean(null=False, default=False)
    description = Text(null=False, default="")
    builtin = Boolean(null=False, default=False)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class SituationRound(Table, tablename="situation_round"):
    agreement_id = Integer(null=False)
    period_kind = Varchar(length=20, choices=Cadence, null=False)
    period_start = Date(null=False)
    period_end = Date(null=False)
    deadline = Date(null=False)
    status = Varchar(length=10, choices=RoundStatus, null=False, default=RoundStatus.open)
    created_by = Varchar(length=254, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)


class RoundRequest(Table, tablename="round_request"):
    """An indicator a party is asked for in a round."""

    round = ForeignKey(SituationRound, null=False, on_delete=OnDelete.cascade)
    party_id = Integer(null=False)
    indicator = ForeignKey(Indicator, null=False, on_delete=OnDelete.restrict)


class SituationInput(Table, tablename="situation_input"):
    """One party's contribution to a round: its values and observations."""

    round = ForeignKey(SituationRound, null=False, on_delete=OnDelete.cascade)
    party_id = Integer(null=False)
    status = Varchar(length=20, choices=InputStatus, null=False, default=InputStatus.draft)
    # Internal: seen by the coordinators and the party itself only, never exported.
    internal = Boolean(null=False, default=False)
    observations = Text(null=False, default="")
    return_comment = Text(null=False, default="")
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = Varchar(length=254, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = Varchar(length=254, null=True, default=None)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)


class InputValue(Table, tablename="input_value"):
    input = ForeignKey(SituationInput, null=False, on_delete=OnDelete.cascade)
    indicator = ForeignKey(Indicator, null=False, on_delete=OnDelete.restrict)
    # "" is the whole area; otherwise a district, a square … within it.
    place = Varchar(length=200, null=False, default="")
    value = DoublePrecision(null=False)
