"""Registry constraints and indexes, written portably (see samverkan.db)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import add_check, add_index, add_unique, one_of

ID = "2026-11-25T04:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry constraints and indexes"

KINDS = ["police", "municipality", "region", "agency", "business", "ngo"]


async def constraints() -> None:
    await add_check(DB, "organization", "organization_kind_valid", one_of("kind", KINDS))
    await add_check(
        DB,
        "organization",
        "organization_org_number_format",
        "length({org_number}) = 11 AND substr({org_number}, 7, 1) = '-'",
    )
    await add_check(DB, "organization", "organization_name_present", "length(trim({name})) > 0")
    await add_check(DB, "contact", "contact_name_present", "length(trim({name})) > 0")
    await add_check(DB, "contact", "contact_email_format", "{email} LIKE '%_@_%'")
    await add_check(DB, "contact", "contact_language_valid", one_of("language", ["sv", "en"]))
    await add_check(DB, "police_area", "police_area_name_present", "length(trim({name})) > 0")
    await add_check(
        DB, "local_police_area", "local_police_area_name_present", "length(trim({name})) > 0"
    )
    await add_unique(
        DB,
        "local_police_area_municipality",
        "local_police_area_municipality_unique",
        ["local_police_area", "municipality"],
    )
    await add_index(DB, "local_police_area_municipality", "lpam_municipality", ["municipality"])
    await add_index(DB, "contact", "contact_organization", ["organization"])
    await add_index(DB, "contact", "contact_email", ["email"])
    await add_index(DB, "organization", "organization_municipality", ["municipality"])
    await add_index(DB, "municipality", "municipality_county", ["county"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)
    manager.add_raw(constraints)
    return manager
