"""The lägesbild's tables with their constraints and indexes (issue 6).

Frozen copies of tables.py as of this migration; Piccolo writes each engine's DDL, the
portable helpers of samverkan.db the constraints and indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index, add_unique, one_of

ID = "2026-11-25T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indicators, situation rounds, inputs and values"

PERIOD_KINDS = ["monthly", "quarterly", "tertial", "half_yearly", "yearly"]
SOURCE_KINDS = [
    "reported_crime", "ntu", "safety_survey", "est_report", "citizen_dialogue",
    "school_social_services", "rescue_service", "business_survey", "other",
]


class Indicator(Table, tablename="indicator", schema=None):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True, null=False)
    name_sv = Varchar(length=200, null=False)
    name_en = Varchar(length=200, null=False)
    unit = Varchar(length=50, null=False, default="")
    source_kind = Varchar(length=30, null=False)
    higher_is_better = Boolean(null=False, default=False)
    description = Text(null=False, default="")
    builtin = Boolean(null=False, default=False)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class SituationRound(Table, tablename="situation_round", schema=None):
    id = Serial(primary_key=True)
    agreement_id = Integer(null=False)
    period_kind = Varchar(length=20, null=False)
    period_start = Date(null=False)
    period_end = Date(null=False)
    deadline = Date(null=False)
    status = Varchar(length=10, null=False, default="open")
    created_by = Varchar(length=254, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)


class RoundRequest(Table, tablename="round_request", schema=None):
    id = Serial(primary_key=True)
    round = ForeignKey(SituationRound, null=False, on_delete=OnDelete.cascade)
    party_id = Integer(null=False)
    indicator = ForeignKey(Indicator, null=False, on_delete=OnDelete.restrict)


class SituationInput(Table, tablename="situation_input", schema=None):
    id = Serial(primary_key=True)
    round = ForeignKey(SituationRound, null=False, on_delete=OnDelete.cascade)
    party_id = Integer(null=False)
    status = Varchar(length=20, null=False, default="draft")
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


class InputValue(Table, tablename="input_value", schema=None):
    id = Serial(primary_key=True)
    input = ForeignKey(SituationInput, null=False, on_delete=OnDelete.cascade)
    indicator = ForeignKey(Indicator, null=False, on_delete=OnDelete.restrict)
    place = Varchar(length=200, null=False, default="")
    value = DoublePrecision(null=False)


async def create() -> None:
    for table in (Indicator, SituationRound, RoundRequest, SituationInput, InputValue):
        await table.create_table()
    await add_check(DB, "indicator", "indicator_source_kind", one_of("source_kind", SOURCE_KINDS))
    await add_check(DB, "indicator", "indicator_code_not_empty", "{code} <> ''")
    await add_check(DB, "situation_round", "situation_round_kind",
                    one_of("period_kind", PERIOD_KINDS))
    await add_check(DB, "situation_round", "situation_round_status",
                    one_of("status", ["open", "closed"]))
    await add_check(DB, "situation_round", "situation_round_period",
                    "{period_end} >= {period_start}")
    await add_unique(DB, "situation_round", "situation_round_once",
                     ["agreement_id", "period_kind", "period_start"])
    await add_index(DB, "situation_round", "situation_round_deadline", ["status", "deadline"])
    await add_unique(DB, "round_request", "round_request_once", ["round", "party_id", "indicator"])
    await add_check(DB, "situation_input", "situation_input_status",
                    one_of("status", ["draft", "submitted", "accepted", "returned"]))
    await add_unique(DB, "situation_input", "situation_input_once", ["round", "party_id"])
    await add_unique(DB, "input_value", "input_value_once", ["input", "indicator", "place"])
    await add_check(DB, "input_value", "input_value_finite",
                    "{value} > -1e300 AND {value} < 1e300")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="situation", description=DESCRIPTION)
    manager.add_raw(create)
    return manager
