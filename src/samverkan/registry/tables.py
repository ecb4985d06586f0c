"""Tables of the registry: geography, organisations and their contacts."""

from enum import Enum

from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table


class OrganizationKind(str, Enum):
    police = "police"
    municipality = "municipality"
    region = "region"
    agency = "agency"
    business = "business"
    ngo = "ngo"


class Language(str, Enum):
    sv = "sv"
    en = "en"


class PoliceRegion(Table, tablename="police_region"):
    name = Varchar(length=50, unique=True, null=False)


class County(Table):
    code = Varchar(length=2, unique=True, null=False)
    name = Varchar(length=100, null=False)
    short_name = Varchar(length=100, null=False)
    police_region = ForeignKey(PoliceRegion, null=False, on_delete=OnDelete.restrict)


class Municipality(Table):
    code = Varchar(length=4, unique=True, null=False)
    name = Varchar(length=100, null=False)
    short_name = Varchar(length=100, null=False)
    county = ForeignKey(County, null=False, on_delete=OnDelete.restrict)


class PoliceArea(Table, tablename="police_area"):
    name = Varchar(length=120, unique=True, null=False)
    police_region = ForeignKey(PoliceRegion, null=False, on_delete=OnDelete.restrict)
    version = Integer(default=1, null=False)


class LocalPoliceArea(Table, tablename="local_police_area"):
    name = Varchar(length=120, unique=True, null=False)
    police_area = ForeignKey(PoliceArea, null=False, on_delete=OnDelete.restrict)
    version = Integer(default=1, null=False)


class LocalPoliceAreaMunicipality(Table, tablename="local_police_area_municipality"):
    local_police_area = ForeignKey(LocalPoliceArea, null=False, on_delete=OnDelete.cascade)
    municipality = ForeignKey(Municipality, null=False, on_delete=OnDelete.restrict)


class Organization(Table):
    name = Varchar(length=200, null=False)
    kind = Varchar(length=20, choices=OrganizationKind, null=False)
    # Normalised as NNNNNN-NNNN, validated with its Luhn check digit before it gets here.
    org_number = Varchar(length=11, unique=True, null=False)
    municipality = ForeignKey(Municipality, null=True, on_delete=OnDelete.restrict)
    version = Integer(default=1, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)


class Contact(Table):
    organization = ForeignKey(Organization, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, null=False)
    email = Varchar(length=254, null=False)
    phone = Varchar(length=40, null=True, default=None)
    title = Varchar(length=200, null=True, default=None)
    language = Varchar(length=2, choices=Language, null=False, default=Language.sv)
    version = Integer(default=1, null=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)
