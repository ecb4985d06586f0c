"""Request and response bodies of accounts: login, users and API tokens."""

from datetime import datetime

from pydantic import EmailStr, Field

from samverkan.accounts.tables import Role
from samverkan.schemas import Input, Name, Output


class LoginRequest(Input):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1000)


class UserCreate(Input):
    email: EmailStr
    name: Name
    role: Role = Role.coordinator
    password: str = Field(min_length=12, max_length=1000, description="At least 12 characters")


class UserRead(Output):
    id: int
    email: str
    name: str
    role: Role
    active: bool


class TokenCreate(Input):
    name: Name
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenRead(Output):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once; send as `Authorization: Bearer <token>`")
