"""Every query of the registry."""

from piccolo.columns.combination import WhereRaw

from samverkan import clock
from samverkan.db import contains, update_versioned
from samverkan.registry.tables import (
    Contact,
    County,
    LocalPoliceArea,
    LocalPoliceAreaMunicipality,
    Municipality,
    Organization,
    PoliceArea,
    PoliceRegion,
)

# --- geography --------------------------------------------------------------------------


async def police_regions() -> list[dict]:
    return await PoliceRegion.select().order_by(PoliceRegion.name)


async def counties() -> list[dict]:
    return await County.select(
        County.code, County.name, County.short_name, County.police_region.name.as_alias("region")
    ).order_by(County.code)


async def municipalities(county_code: str | None = None) -> list[dict]:
    query = Municipality.select(
        Municipality.id,
        Municipality.code,
        Municipality.name,
        Municipality.short_name,
        Municipality.county.code.as_alias("county_code"),
    ).order_by(Municipality.code)
    if county_code:
        query = query.where(Municipality.county.code == county_code)
    return await query


async def municipality_ids(codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = await Municipality.select(Municipality.id, Municipality.code).where(
        Municipality.code.is_in(codes)
    )
    return {row["code"]: row["id"] for row in rows}


async def municipality_codes(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await Municipality.select(Municipality.id, Municipality.code).where(
        Municipality.id.is_in(ids)
    )
    return {row["id"]: row["code"] for row in rows}


async def upsert_police_region(name: str) -> int:
    row = await PoliceRegion.select(PoliceRegion.id).where(PoliceRegion.name == name).first()
    if row:
        return row["id"]
    result = await PoliceRegion.insert(PoliceRegion(name=name))
    return result[0]["id"]


async def upsert_county(code: str, name: str, short_name: str, region_id: int) -> int:
    row = await County.select(County.id).where(County.code == code).first()
    values = {"name": name, "short_name": short_name, "police_region": region_id}
    if row:
        await County.update(values).where(County.id == row["id"])
        return row["id"]
    result = await County.insert(County(code=code, **values))
    return result[0]["id"]


async def upsert_municipality(code: str, name: str, short_name: str, county_id: int) -> None:
    values = {"name": name, "short_name": short_name, "county": county_id}
    if await Municipality.exists().where(Municipality.code == code):
        await Municipality.update(values).where(Municipality.code == code)
    else:
        await Municipality.insert(Municipality(code=code, **values))


async def police_areas() -> list[dict]:
    return await PoliceArea.select(
        PoliceArea.id,
        PoliceArea.name,
        PoliceArea.police_region.as_alias("police_region_id"),
        PoliceArea.version,
    ).order_by(PoliceArea.name)


async def police_region_exists(region_id: int) -> bool:
    return await PoliceRegion.exists().where(PoliceRegion.id == region_id)


async def police_area_exists(area_id: int) -> bool:
    return await PoliceArea.exists().where(PoliceArea.id == area_id)


async def police_area_named(name: str) -> int | None:
    row = await PoliceArea.select(PoliceArea.id).where(PoliceArea.name == name).first()
    return row["id"] if row else None


async def local_police_area_named(name: str) -> int | None:
    row = await LocalPoliceArea.select(LocalPoliceArea.id).where(LocalPoliceArea.name == name).first()
    return row["id"] if row else None


async def insert_police_area(name: str, police_region_id: int) -> int:
    result = await PoliceArea.insert(PoliceArea(name=name, police_region=police_region_id))
    return result[0]["id"]


def _local_area_columns():
    return (
        LocalPoliceArea.id,
        LocalPoliceArea.name,
        LocalPoliceArea.police_area.as_alias("police_area_id"),
        LocalPoliceArea.version,
    )


async def local_police_areas(ids: list[int] | None = None) -> list[dict]:
    query = LocalPoliceArea.select(*_local_area_columns()).order_by(LocalPoliceArea.name)
    if ids is not None:
        query = query.where(LocalPoliceArea.id.is_in(ids or [-1]))
    areas = await query
    links = await LocalPoliceAreaMunicipality.select(
        LocalPoliceAreaMunicipality.local_police_area.as_alias("area"),
        LocalPoliceAreaMunicipality.municipality.code.as_alias("code"),
    ).where(LocalPoliceAreaMunicipality.local_police_area.is_in([a["id"] for a in areas] or [-1]))
    codes: dict[int, list[str]] = {}
    for link in links:
        codes.setdefault(link["area"], []).append(link["code"])
    for area in areas:
        area["municipality_codes"] = sorted(codes.get(area["id"], []))
    return areas


async def insert_local_police_area(name: str, police_area_id: int) -> int:
    result = await LocalPoliceArea.insert(LocalPoliceArea(name=name, police_area=police_area_id))
    return result[0]["id"]


async def set_local_police_area_municipalities(area_id: int, municipality_ids: list[int]) -> None:
    await LocalPoliceAreaMunicipality.delete().where(
        LocalPoliceAreaMunicipality.local_police_area == area_id
    )
    await LocalPoliceAreaMunicipality.insert(
        *[
            LocalPoliceAreaMunicipality(local_police_area=area_id, municipality=mid)
            for mid in municipality_ids
        ]
    )


# --- organisations and contacts --------------------------------------------------------


def _organization_columns():
    return (
        Organization.id,
        Organization.name,
        Organization.kind,
        Organization.org_number,
        Organization.municipality.code.as_alias("municipality_code"),
        Organization.version,
        Organization.created_at,
        Organization.updated_at,
    )


async def organizations(
    q: str | None, kind: str | None, org_number: str | None, limit: int, offset: int
) -> tuple[list[dict], int]:
    where = []
    if q:
        where.append(contains(Organization.name, q) | contains(Organization.org_number, q))
    if kind:
        where.append(Organization.kind == kind)
    if org_number:
        where.append(Organization.org_number == org_number)
    query = Organization.select(*_organization_columns()).order_by(Organization.name)
    count = Organization.count()
    if where:
        query, count = query.where(*where), count.where(*where)
    return await query.limit(limit).offset(offset), await count


async def organizations_by_ids(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    return await Organization.select(*_organization_columns()).where(Organization.id.is_in(ids))


async def organization_ids_matching(text: str) -> list[int]:
    rows = await Organization.select(Organization.id).where(contains(Organization.name, text))
    return [row["id"] for row in rows]


async def insert_organization(values: dict) -> int:
    now = clock.now()
    result = await Organization.insert(Organization(**values, created_at=now, updated_at=now))
    return result[0]["id"]


async def org_number_taken(org_number: str, except_id: int | None = None) -> bool:
    query = Organization.exists().where(Organization.org_number == org_number)
    if except_id is not None:
        query = Organization.exists().where(
            (Organization.org_number == org_number) & (Organization.id != except_id)
        )
    return await query


def _contact_columns():
    return (
        Contact.id,
        Contact.organization.as_alias("organization_id"),
        Contact.name,
        Contact.email,
        Contact.phone,
        Contact.title,
        Contact.language,
        Contact.version,
    )


async def contacts_of(organization_ids: list[int]) -> list[dict]:
    if not organization_ids:
        return []
    return await Contact.select(*_contact_columns()).where(
        Contact.organization.is_in(organization_ids)
    ).order_by(Contact.name)


async def contacts_by_ids(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    return await Contact.select(*_contact_columns()).where(Contact.id.is_in(ids))


async def contacts_by_email(email: str) -> list[dict]:
    """Contacts with this address in any letter case (lower() is the same on both engines
    for the ASCII letters addresses are made of), in id order."""
    name = Contact.email._meta.get_full_name(with_alias=False)
    return await Contact.select(*_contact_columns()).where(
        WhereRaw(f"lower({name}) = {{}}", email.lower())
    ).order_by(Contact.id)


async def insert_contact(organization_id: int, values: dict) -> int:
    now = clock.now()
    result = await Contact.insert(
        Contact(organization=organization_id, **values, created_at=now, updated_at=now)
    )
    return result[0]["id"]


_VERSIONED = {"organization": Organization, "contact": Contact, "local_police_area": LocalPoliceArea}


async def update(entity: str, row_id: int, version: int, values: dict) -> bool:
    return await update_versioned(_VERSIONED[entity], row_id, version, values)


async def organization_names() -> list[dict]:
    """(id, name) of every organisation, by name: the choices of a filter."""
    return await Organization.select(Organization.id, Organization.name).order_by(
        Organization.name
    ).order_by(Organization.id)


async def choices_fingerprint() -> tuple:
    """Something that changes whenever the organisations or the local police areas do (a
    row added, renamed, moved), in one small statement: for caching lists of choices."""
    rows = await Organization.raw(
        "SELECT (SELECT count(*) FROM organization) AS organizations, "
        "(SELECT max(updated_at) FROM organization) AS organizations_changed, "
        "(SELECT count(*) FROM local_police_area) AS areas, "
        "(SELECT coalesce(sum(version), 0) FROM local_police_area) AS area_versions, "
        "(SELECT count(*) FROM local_police_area_municipality) AS area_links, "
        "(SELECT count(*) FROM municipality) AS municipalities"
    )
    return tuple(rows[0].values())
