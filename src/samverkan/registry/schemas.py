"""Request and response bodies of the registry: geography, organisations, contacts."""

from datetime import datetime

from pydantic import EmailStr, Field

from samverkan.registry.tables import Language, OrganizationKind
from samverkan.schemas import Input, MunicipalityCode, Name, OrgNumber, Output, Ref, ShortText


class PoliceRegionRead(Output):
    id: int
    name: str
    county_codes: list[str]


class CountyRead(Output):
    code: str
    name: str
    short_name: str
    police_region: str


class MunicipalityRead(Output):
    id: int
    code: str
    name: str
    short_name: str
    county_code: str


class PoliceAreaCreate(Input):
    name: Name
    police_region_id: Ref


class PoliceAreaRead(Output):
    id: int
    name: str
    police_region_id: Ref
    version: int


class LocalPoliceAreaCreate(Input):
    name: Name
    police_area_id: Ref
    municipality_codes: list[MunicipalityCode] = Field(min_length=1, max_length=50)


class LocalPoliceAreaUpdate(Input):
    name: Name | None = None
    police_area_id: Ref | None = None
    municipality_codes: list[MunicipalityCode] | None = Field(None, min_length=1, max_length=50)


class LocalPoliceAreaRead(Output):
    id: int
    name: str
    police_area_id: Ref
    municipality_codes: list[str]
    version: int


class ContactCreate(Input):
    name: Name
    email: EmailStr
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9 +()\-]{3,40}$")
    title: ShortText | None = None
    language: Language = Language.sv


class ContactUpdate(Input):
    name: Name | None = None
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9 +()\-]{3,40}$")
    title: ShortText | None = None
    language: Language | None = None


class ContactRead(Output):
    id: int
    organization_id: Ref
    name: str
    email: str
    phone: str | None
    title: str | None
    language: Language
    version: int


class OrganizationCreate(Input):
    name: Name
    kind: OrganizationKind
    org_number: OrgNumber = Field(description="Organisationsnummer, NNNNNN-NNNN")
    municipality_code: MunicipalityCode | None = None
    contacts: list[ContactCreate] = Field(default_factory=list, max_length=50)


class OrganizationUpdate(Input):
    name: Name | None = None
    kind: OrganizationKind | None = None
    org_number: OrgNumber | None = None
    municipality_code: MunicipalityCode | None = None


class OrganizationSummary(Output):
    id: int
    name: str
    kind: OrganizationKind
    org_number: str
    municipality_code: str | None
    version: int


class OrganizationRead(OrganizationSummary):
    created_at: datetime
    updated_at: datetime
    contacts: list[ContactRead]
