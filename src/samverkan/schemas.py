"""Building blocks shared by every domain's schemas: text limits, org numbers, pages."""

from datetime import date
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.se import orgnr

from samverkan.errors import InvalidInput

T = TypeVar("T")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
RegistrationNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)
]
# Long enough for a real purpose or cause analysis, short enough that nobody pastes a book.
LongText = Annotated[str, StringConstraints(max_length=20_000)]
MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
# Row ids are 32-bit integers on PostgreSQL; a larger number can name no row and must get
# a 4xx, not reach the database driver and overflow there.
MAX_ID = 2**31 - 1
Ref = Annotated[int, Field(ge=1, le=MAX_ID)]


def normalise_org_number(value: str) -> str:
    """Check an organisationsnummer and return it as NNNNNN-NNNN.

    python-stdnum checks length and the Luhn check digit; digits 3–4 must also be at least
    20, which is what tells an organisation number from a personnummer.
    """
    try:
        compact = orgnr.validate(value)
    except InvalidChecksum:
        raise ValueError(
            "Ogiltigt organisationsnummer: kontrollsiffran stämmer inte "
            "(invalid organisation number: wrong check digit)"
        ) from None
    except (InvalidLength, InvalidFormat):
        raise ValueError(
            "Ogiltigt organisationsnummer: ange tio siffror, NNNNNN-NNNN "
            "(invalid organisation number: ten digits expected)"
        ) from None
    if int(compact[2:4]) < 20:
        raise ValueError(
            "Ogiltigt organisationsnummer: siffra 3–4 ska vara minst 20, det här ser ut som "
            "ett personnummer (invalid organisation number: looks like a personal identity number)"
        )
    return orgnr.format(compact)


OrgNumber = Annotated[str, AfterValidator(normalise_org_number)]


class Input(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Output, Generic[T]):
    items: list[T]
    total: int = Field(description="Number of matches in all pages")
    limit: int
    offset: int


def period_is_ordered(start: date | None, end: date | None) -> bool:
    return start is None or end is None or end >= start


def changes(data: BaseModel, required: tuple[str, ...] = ()) -> dict:
    """The fields a PATCH body sets; a required field may be changed but not emptied."""
    values = data.model_dump(exclude_unset=True)
    for field in required:
        if field in values and values[field] is None:
            raise InvalidInput("Fältet får inte vara tomt (field may not be empty)", field=field)
    return values
