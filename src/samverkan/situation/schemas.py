"""Request and response bodies of the lägesbild: indicators, rounds, inputs, the joint picture."""

import math
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from samverkan.agreements.tables import Cadence
from samverkan.schemas import Input, LongText, Name, Output, Ref
from samverkan.situation.periods import parse_period
from samverkan.situation.tables import InputStatus, RoundStatus, SourceKind

IndicatorCode = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{1,39}$"),
    Field(description="2–40 characters: a–z, 0–9, '_', '.', '-'", examples=["anmalda_brott"]),
]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Place = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200),
    Field(description='A place within the area, e.g. a district; "" is the whole area'),
]


def _period_code(value: str) -> str:
    return parse_period(value).code


def _finite(value: float) -> float:
    if not math.isfinite(value) or abs(value) >= 1e300:
        raise ValueError("Värdet måste vara ett ändligt tal (the value must be a finite number)")
    return value


PeriodCode = Annotated[str, AfterValidator(_period_code),
                       Field(examples=["2026-Q1"], description="2026, 2026-H1, 2026-T1, 2026-Q1 or 2026-03")]
Value = Annotated[float, AfterValidator(_finite)]


class IndicatorCreate(Input):
    code: IndicatorCode
    name_sv: Name
    name_en: Name
    unit: Unit = ""
    source_kind: SourceKind
    higher_is_better: bool = False
    description: LongText = ""


class IndicatorRead(Output):
    id: int
    code: str
    name_sv: str
    name_en: str
    unit: str
    source_kind: SourceKind
    higher_is_better: bool
    description: str
    builtin: bool
    version: int


class RoundRequestInput(Input):
    party_id: Ref
    indicator_ids: list[Ref] = Field(max_length=200)


class RoundCreate(Input):
    period: PeriodCode
    deadline: date
    requests: list[RoundRequestInput] = Field(max_length=50)


class RoundRequestRead(Output):
    party_id: int
    indicator_ids: list[int]


class RoundRead(Output):
    id: int
    agreement_id: int
    period: str
    period_kind: Cadence
    period_start: date
    period_end: date
    deadline: date
    status: RoundStatus
    created_by: str
    created_at: datetime
    version: int
    requests: list[RoundRequestRead]


class ValueInput(Input):
    indicator_id: Ref
    place: Place = ""
    value: Value


class InputWrite(Input):
    """A party's input as a whole: saving replaces the values and the observations."""

    internal: bool = False
    observations: LongText = ""
    values: list[ValueInput] = Field(default_factory=list, max_length=5000)


class ReturnInput(Input):
    comment: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ValueRead(Output):
    indicator_id: int
    place: str
    value: float


class InputRead(Output):
    id: int
    round_id: int
    party_id: int
    status: InputStatus
    internal: bool
    observations: str
    return_comment: str
    submitted_at: datetime | None
    submitted_by: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    version: int
    values: list[ValueRead]


# --- the joint picture -------------------------------------------------------------------


class PeriodValue(Output):
    period: str
    value: float | None


class GoalDistance(Output):
    """How far a value is from a goal's baseline and target."""

    goal_id: int
    from_baseline: float | None = Field(description="value − baseline")
    to_target: float | None = Field(description="target − value")
    progress: float | None = Field(
        description="Share of the way from baseline to target: 0 at the baseline, 1 at the target"
    )


class PictureRow(Output):
    """One indicator for one party (and place) in the picture's period."""

    indicator_id: int
    party_id: int
    organization: str
    place: str
    value: float | None
    previous: float | None = Field(description="The same party's value one period earlier")
    change: float | None
    internal: bool
    history: list[PeriodValue]
    distances: list[GoalDistance]


class GoalRef(Output):
    goal_id: int
    title: str
    baseline: float | None
    target: float | None


class PictureIndicator(Output):
    indicator: IndicatorRead
    goals: list[GoalRef]
    rows: list[PictureRow]


class Observation(Output):
    party_id: int
    organization: str
    status: InputStatus
    internal: bool
    text: str


class Missing(Output):
    party_id: int
    organization: str
    indicator_ids: list[int]
    submitted: bool = Field(description="False: the party has not submitted its input at all")


class JointPicture(Output):
    agreement_id: int
    round: RoundRead
    periods: list[str]
    indicators: list[PictureIndicator]
    observations: list[Observation]
    missing: list[Missing]
