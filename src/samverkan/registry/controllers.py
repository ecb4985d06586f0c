"""HTTP routes of the registry: reference geography, organisations and contacts."""

from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.http import IF_MATCH, Limit, Offset, PathId, expected_version, with_etag
from samverkan.registry import service
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
from samverkan.registry.tables import OrganizationKind
from samverkan.schemas import OrgNumber, Page
from samverkan.settings import get_settings

User = Request[CurrentUser, None, None]
IfMatch = Annotated[str | None, IF_MATCH]


class ReferenceController(Controller):
    path = "/api/reference"
    tags = ["Geografi (reference)"]

    @get("/police-regions")
    async def police_regions(self) -> list[PoliceRegionRead]:
        return await service.police_regions()

    @get("/counties")
    async def counties(self) -> list[CountyRead]:
        return await service.counties()

    @get("/municipalities")
    async def municipalities(
        self, county: Annotated[str | None, QueryParameter(pattern=r"^\d{2}$")] = None
    ) -> list[MunicipalityRead]:
        return await service.municipalities(county)

    @get("/police-areas")
    async def police_areas(self) -> list[PoliceAreaRead]:
        return await service.police_areas()

    @post("/police-areas")
    async def create_police_area(
        self, request: User, data: JSONBody[PoliceAreaCreate]
    ) -> Response[PoliceAreaRead]:
        async with write_transaction():
            area = await service.create_police_area(request.user.actor, data)
        return with_etag(area, area.version, 201)

    @get("/local-police-areas")
    async def local_police_areas(self) -> list[LocalPoliceAreaRead]:
        return await service.local_police_areas()

    @get("/local-police-areas/{area_id:int}")
    async def local_police_area(self, area_id: PathId) -> Response[LocalPoliceAreaRead]:
        area = await service.local_police_area(area_id)
        return with_etag(area, area.version)

    @post("/local-police-areas")
    async def create_local_police_area(
        self, request: User, data: JSONBody[LocalPoliceAreaCreate]
    ) -> Response[LocalPoliceAreaRead]:
        async with write_transaction():
            area = await service.create_local_police_area(request.user.actor, data)
        return with_etag(area, area.version, 201)

    @patch("/local-police-areas/{area_id:int}")
    async def update_local_police_area(
        self, request: User, area_id: PathId, data: JSONBody[LocalPoliceAreaUpdate], if_match: IfMatch = None
    ) -> Response[LocalPoliceAreaRead]:
        async with write_transaction():
            area = await service.update_local_police_area(
                request.user.actor, area_id, data, expected_version(if_match)
            )
        return with_etag(area, area.version)


class OrganizationController(Controller):
    path = "/api/organizations"
    tags = ["Organisationer (organizations)"]

    @get("/")
    async def list_organizations(
        self,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Name contains")] = None,
        kind: FromQuery[OrganizationKind | None] = None,
        org_number: Annotated[
            str | None, QueryParameter(description="Exact organisationsnummer")
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[OrganizationSummary]:
        number = None
        if org_number:
            number = _org_number(org_number)
        limit = min(limit, get_settings().max_page_size)
        items, total = await service.organizations(q, kind, number, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/")
    async def create_organization(
        self, request: User, data: JSONBody[OrganizationCreate]
    ) -> Response[OrganizationRead]:
        async with write_transaction():
            organization = await service.create_organization(request.user.actor, data)
        return with_etag(organization, organization.version, 201)

    @get("/{organization_id:int}")
    async def get_organization(self, organization_id: PathId) -> Response[OrganizationRead]:
        organization = await service.organization(organization_id)
        return with_etag(organization, organization.version)

    @patch("/{organization_id:int}")
    async def update_organization(
        self, request: User, organization_id: PathId, data: JSONBody[OrganizationUpdate], if_match: IfMatch = None
    ) -> Response[OrganizationRead]:
        async with write_transaction():
            organization = await service.update_organization(
                request.user.actor, organization_id, data, expected_version(if_match)
            )
        return with_etag(organization, organization.version)

    @get("/{organization_id:int}/contacts")
    async def contacts(self, organization_id: PathId) -> list[ContactRead]:
        return (await service.organization(organization_id)).contacts

    @post("/{organization_id:int}/contacts")
    async def create_contact(
        self, request: User, organization_id: PathId, data: JSONBody[ContactCreate]
    ) -> Response[ContactRead]:
        async with write_transaction():
            contact = await service.create_contact(request.user.actor, organization_id, data)
        return with_etag(contact, contact.version, 201)


class ContactController(Controller):
    path = "/api/contacts"
    tags = ["Organisationer (organizations)"]

    @get("/{contact_id:int}")
    async def get_contact(self, contact_id: PathId) -> Response[ContactRead]:
        contact = await service.contact(contact_id)
        return with_etag(contact, contact.version)

    @patch("/{contact_id:int}")
    async def update_contact(
        self, request: User, contact_id: PathId, data: JSONBody[ContactUpdate], if_match: IfMatch = None
    ) -> Response[ContactRead]:
        async with write_transaction():
            contact = await service.update_contact(
                request.user.actor, contact_id, data, expected_version(if_match)
            )
        return with_etag(contact, contact.version)


def _org_number(value: str) -> str:
    from pydantic import TypeAdapter, ValidationError

    from samverkan.errors import InvalidInput

    try:
        return TypeAdapter(OrgNumber).validate_python(value)
    except ValidationError as exc:
        raise InvalidInput(exc.errors()[0]["msg"].removeprefix("Value error, "), field="org_number") from None
