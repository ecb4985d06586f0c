"""Agreement constraints and indexes, written portably (see samverkan.db)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import add_check, add_index, add_unique, one_of

ID = "2026-11-25T04:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "agreement constraints and indexes"

AGREEMENT_KINDS = ["collaboration_agreement", "citizen_promise", "action_plan", "declaration_of_intent"]
AGREEMENT_STATUSES = [
    "draft", "in_preparation", "awaiting_signature", "active", "under_revision", "ended", "superseded",
]
CADENCES = ["monthly", "quarterly", "tertial", "half_yearly", "yearly"]
COMMITMENT_STATUSES = [
    "proposed", "confirmed", "declined", "in_progress", "done", "not_done", "cancelled",
]


async def constraints() -> None:
    await add_check(DB, "agreement", "agreement_title_present", "length(trim({title})) > 0")
    await add_check(DB, "agreement", "agreement_kind_valid", one_of("kind", AGREEMENT_KINDS))
    await add_check(DB, "agreement", "agreement_status_valid", one_of("status", AGREEMENT_STATUSES))
    await add_check(DB, "agreement", "agreement_cadence_valid", one_of("follow_up_cadence", CADENCES))
    await add_check(
        DB,
        "agreement",
        "agreement_period_order",
        "{period_end} IS NULL OR {period_end} >= {period_start}",
    )
    await add_check(
        DB, "agreement", "agreement_not_own_parent",
        "({parent} IS NULL OR {parent} <> {id}) AND ({supersedes} IS NULL OR {supersedes} <> {id})",
    )
    await add_index(DB, "agreement", "agreement_status", ["status"])
    await add_index(DB, "agreement", "agreement_period_end", ["period_end"])
    await add_index(DB, "agreement", "agreement_updated_at", ["updated_at"])
    await add_index(DB, "agreement", "agreement_parent", ["parent"])
    await add_unique(
        DB, "agreement_municipality", "agreement_municipality_unique", ["agreement", "municipality"]
    )
    await add_index(DB, "agreement_municipality", "agreement_municipality_m", ["municipality"])

    await add_unique(DB, "party", "party_organization_once", ["agreement", "organization"])
    await add_index(DB, "party", "party_organization", ["organization"])
    await add_check(
        DB, "party", "party_signature_method_valid",
        one_of("signature_method", ["paper", "e_signature"]),
    )

    await add_check(DB, "focus_area", "focus_area_title_present", "length(trim({title})) > 0")
    await add_check(DB, "focus_area", "focus_area_priority_positive", "{priority} >= 1")
    await add_index(DB, "focus_area", "focus_area_agreement", ["agreement"])

    await add_check(DB, "goal", "goal_title_present", "length(trim({title})) > 0")
    await add_index(DB, "goal", "goal_agreement", ["agreement"])

    await add_check(DB, "commitment", "commitment_title_present", "length(trim({title})) > 0")
    await add_check(
        DB, "commitment", "commitment_status_valid", one_of("status", COMMITMENT_STATUSES)
    )
    await add_check(DB, "commitment", "commitment_recurrence_valid", one_of("recurrence", CADENCES))
    await add_index(DB, "commitment", "commitment_agreement", ["agreement"])
    await add_index(DB, "commitment", "commitment_party", ["party"])
    await add_index(DB, "commitment", "commitment_due_date", ["due_date"])

    await add_check(
        DB, "follow_up", "follow_up_kind_valid",
        one_of("kind", ["steering_group_meeting", "follow_up_report"]),
    )
    await add_index(DB, "follow_up", "follow_up_agreement", ["agreement"])
    await add_check(
        DB, "follow_up_outcome", "follow_up_outcome_valid",
        one_of("outcome", ["on_track", "delayed", "achieved", "not_achieved"]),
    )
    await add_unique(
        DB, "follow_up_outcome", "follow_up_outcome_once", ["follow_up", "commitment"]
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agreements", description=DESCRIPTION)
    manager.add_raw(constraints)
    return manager
