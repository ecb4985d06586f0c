"""Rules of the registry: reference geography, organisations and contacts.

Other domains use the registry through these functions only.
"""

import csv
from importlib.resources import files

from samverkan.actor import Actor
from samverkan.audit import service as audit
from samverkan.errors import Conflict, InvalidInput, NotFound, require_version, stale
from samverkan.registry import repository
from samverkan.registry.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    CountyRead,
    LocalPoliceAreaCreate,
    LocalPoliceAreaRead,
    LocalPoliceAreaUpdate,
    MunicipalityRead,
    OrganizationCreate,
    OrganizationRead,
    OrganizationSummary,
    OrganizationUpdate,
    PoliceAreaCreate,
    PoliceAreaRead,
    PoliceRegionRead,
)
from samverkan.schemas import changes

# --- reference data ----------------------------------------------------------------------


def _reference_rows(name: str) -> list[dict]:
    text = files("samverkan.registry").joinpath("reference_data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


async def seed_reference_data() -> dict[str, int]:
    """Load police regions, counties and municipalities; running it again changes nothing."""
    region_of_county = {
        row["county_code"]: row["police_region"] for row in _reference_rows("police_regions.csv")
    }
    region_ids = {
        name: await repository.upsert_police_region(name)
        for name in sorted(set(region_of_county.values()))
    }
    county_ids = {}
    for row in _reference_rows("counties.csv"):
        code = row["county_code"]
        county_ids[code] = await repository.upsert_county(
            code, row["county_name"], row["county_name_short"], region_ids[region_of_county[code]]
        )
    municipalities = _reference_rows("municipalities.csv")
    for row in municipalities:
        await repository.upsert_municipality(
            row["municipality_code"],
            row["municipality_name"],
            row["municipality_name_short"],
            county_ids[row["county_code"]],
        )
    return {
        "police_regions": len(region_ids),
        "counties": len(county_ids),
        "municipalities": len(municipalities),
    }


async def police_regions() -> list[PoliceRegionRead]:
    counties = await repository.counties()
    return [
        PoliceRegionRead(
            id=region["id"],
            name=region["name"],
            county_codes=[c["code"] for c in counties if c["region"] == region["name"]],
        )
        for region in await repository.police_regions()
    ]


async def counties() -> list[CountyRead]:
    return [CountyRead(**row, police_region=row["region"]) for row in await repository.counties()]


async def municipalities(county_code: str | None = None) -> list[MunicipalityRead]:
    return [MunicipalityRead(**row) for row in await repository.municipalities(county_code)]


async def municipality_ids(codes: list[str], field: str) -> list[int]:
    """The ids of municipality codes, in order; an unknown code is the client's error."""
    known = await repository.municipality_ids(sorted(set(codes)))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InvalidInput(
            f"Okänd kommunkod: {', '.join(unknown)} (unknown municipality code)", field=field
        )
    return [known[code] for code in dict.fromkeys(codes)]


async def municipality_codes(ids: list[int]) -> dict[int, str]:
    return await repository.municipality_codes(sorted(set(ids)))


# --- police areas ------------------------------------------------------------------------


async def police_areas() -> list[PoliceAreaRead]:
    return [PoliceAreaRead(**row) for row in await repository.police_areas()]


async def create_police_area(actor: Actor, data: PoliceAreaCreate) -> PoliceAreaRead:
    if not await repository.police_region_exists(data.police_region_id):
        raise InvalidInput("Okänd polisregion (unknown police region)", field="police_region_id")
    if await repository.police_area_named(data.name) is not None:
        raise _name_taken("Polisområdet", data.name)
    area_id = await repository.insert_police_area(data.name, data.police_region_id)
    area = PoliceAreaRead(id=area_id, name=data.name, police_region_id=data.police_region_id, version=1)
    await audit.record(actor, "create", "police_area", area_id, after=area)
    return area


async def local_police_areas() -> list[LocalPoliceAreaRead]:
    return [LocalPoliceAreaRead(**row) for row in await repository.local_police_areas()]


async def local_police_area(area_id: int) -> LocalPoliceAreaRead:
    rows = await repository.local_police_areas([area_id])
    if not rows:
        raise NotFound("Lokalpolisområdet finns inte (local police area not found)")
    return LocalPoliceAreaRead(**rows[0])


async def require_local_police_area(area_id: int, field: str) -> None:
    if not await repository.local_police_areas([area_id]):
        raise InvalidInput("Okänt lokalpolisområde (unknown local police area)", field=field)


async def _require_police_area(area_id: int) -> None:
    if not await repository.police_area_exists(area_id):
        raise InvalidInput("Okänt polisområde (unknown police area)", field="police_area_id")


def _name_taken(what: str, name: str) -> Conflict:
    return Conflict(f"{what} {name!r} finns redan (name already registered)", field="name")


async def create_local_police_area(actor: Actor, data: LocalPoliceAreaCreate) -> LocalPoliceAreaRead:
    await _require_police_area(data.police_area_id)
    if await repository.local_police_area_named(data.name) is not None:
        raise _name_taken("Lokalpolisområdet", data.name)
    ids = await municipality_ids(data.municipality_codes, "municipality_codes")
    area_id = await repository.insert_local_police_area(data.name, data.police_area_id)
    await repository.set_local_police_area_municipalities(area_id, ids)
    area = await local_police_area(area_id)
    await audit.record(actor, "create", "local_police_area", area_id, after=area)
    return area


async def update_local_police_area(
    actor: Actor, area_id: int, data: LocalPoliceAreaUpdate, expected: int | None
) -> LocalPoliceAreaRead:
    before = await local_police_area(area_id)
    require_version(before.version, expected)
    values = changes(data, required=("name", "police_area_id", "municipality_codes"))
    values.pop("municipality_codes", None)
    values.pop("police_area_id", None)
    if data.police_area_id is not None:
        await _require_police_area(data.police_area_id)
        values["police_area"] = data.police_area_id
    if data.name is not None and await repository.local_police_area_named(data.name) not in (
        None, area_id
    ):
        raise _name_taken("Lokalpolisområdet", data.name)
    if not await repository.update("local_police_area", area_id, before.version, values):
        raise stale()
    if data.municipality_codes is not None:
        ids = await municipality_ids(data.municipality_codes, "municipality_codes")
        await repository.set_local_police_area_municipalities(area_id, ids)
    after = await local_police_area(area_id)
    await audit.record(actor, "update", "local_police_area", area_id, before=before, after=after)
    return after


# --- organisations and contacts ----------------------------------------------------------


async def organizations(
    q: str | None, kind: str | None, org_number: str | None, limit: int, offset: int
) -> tuple[list[OrganizationSummary], int]:
    rows, total = await repository.organizations(q, kind, org_number, limit, offset)
    return [OrganizationSummary(**row) for row in rows], total


async def organization(organization_id: int) -> OrganizationRead:
    rows = await repository.organizations_by_ids([organization_id])
    if not rows:
        raise NotFound("Organisationen finns inte (organization not found)")
    contacts = await repository.contacts_of([organization_id])
    return OrganizationRead(**rows[0], contacts=[ContactRead(**c) for c in contacts])


async def organizations_by_ids(ids: list[int]) -> dict[int, OrganizationSummary]:
    rows = await repository.organizations_by_ids(sorted(set(ids)))
    return {row["id"]: OrganizationSummary(**row) for row in rows}


async def organization_ids_matching(text: str) -> list[int]:
    return await repository.organization_ids_matching(text)


async def contacts_by_ids(ids: list[int]) -> dict[int, ContactRead]:
    rows = await repository.contacts_by_ids(sorted(set(ids)))
    return {row["id"]: ContactRead(**row) for row in rows}


async def contacts_by_email(email: str) -> list[ContactRead]:
    """Every contact with this e-mail address (a person may be contact of several
    organisations), whatever the letter case."""
    return [ContactRead(**row) for row in await repository.contacts_by_email(email)]


async def _organization_values(data: OrganizationCreate | OrganizationUpdate, except_id=None):
    values = changes(data, required=("name", "kind", "org_number"))
    values.pop("municipality_code", None)
    values.pop("contacts", None)
    if data.org_number is not None and await repository.org_number_taken(
        data.org_number, except_id
    ):
        raise Conflict(
            f"Organisationsnumret {data.org_number} finns redan i registret "
            "(organisation number already registered)",
            field="org_number",
        )
    if "municipality_code" in data.model_fields_set:
        code = data.municipality_code
        values["municipality"] = (
            (await municipality_ids([code], "municipality_code"))[0] if code else None
        )
    return values


async def create_organization(actor: Actor, data: OrganizationCreate) -> OrganizationRead:
    organization_id = await repository.insert_organization(await _organization_values(data))
    for contact in data.contacts:
        await repository.insert_contact(organization_id, contact.model_dump())
    created = await organization(organization_id)
    await audit.record(actor, "create", "organization", organization_id, after=created)
    return created


async def update_organization(
    actor: Actor, organization_id: int, data: OrganizationUpdate, expected: int | None
) -> OrganizationRead:
    before = await organization(organization_id)
    require_version(before.version, expected)
    values = await _organization_values(data, except_id=organization_id)
    if not await repository.update("organization", organization_id, before.version, values):
        raise stale()
    after = await organization(organization_id)
    await audit.record(actor, "update", "organization", organization_id, before=before, after=after)
    return after


async def contact(contact_id: int) -> ContactRead:
    found = await contacts_by_ids([contact_id])
    if contact_id not in found:
        raise NotFound("Kontaktpersonen finns inte (contact not found)")
    return found[contact_id]


async def create_contact(actor: Actor, organization_id: int, data: ContactCreate) -> ContactRead:
    await organization(organization_id)
    contact_id = await repository.insert_contact(organization_id, data.model_dump())
    created = await contact(contact_id)
    await audit.record(actor, "create", "contact", contact_id, after=created)
    return created


async def update_contact(
    actor: Actor, contact_id: int, data: ContactUpdate, expected: int | None
) -> ContactRead:
    before = await contact(contact_id)
    require_version(before.version, expected)
    values = changes(data, required=("name", "email", "language"))
    if not await repository.update("contact", contact_id, before.version, values):
        raise stale()
    after = await contact(contact_id)
    await audit.record(actor, "update", "contact", contact_id, before=before, after=after)
    return after


async def contacts_of_organizations(organization_ids: list[int]) -> dict[int, list[ContactRead]]:
    """The contacts of each of these organisations, by organisation id, in one query."""
    found: dict[int, list[ContactRead]] = {i: [] for i in organization_ids}
    if organization_ids:
        for row in await repository.contacts_of(sorted(set(organization_ids))):
            found.setdefault(row["organization_id"], []).append(ContactRead(**row))
    return found


# --- the coordinators' workspace: the agreements list ------------------------------------


async def organization_choices() -> list[tuple[int, str]]:
    """(id, name) of every organisation, by name, for a drop-down list."""
    return [(row["id"], row["name"]) for row in await repository.organization_names()]


async def choices_fingerprint() -> tuple:
    """Changes whenever organisation_choices(), local_police_areas() or municipalities()
    would answer differently: a list built from them may be kept until it does."""
    return await repository.choices_fingerprint()
