"""Test data: every test makes its own rows with unique names and numbers, so tests never
depend on each other's leftovers (the audit trail is append-only; nothing is wiped)."""

import random
import uuid
from dataclasses import dataclass

from stdnum import luhn

from samverkan.accounts import service as accounts
from samverkan.accounts.schemas import TokenCreate, UserCreate
from samverkan.actor import Actor
from samverkan.db import write_transaction

PASSWORD = "correct horse battery staple"


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def org_number(first: str = "5") -> str:
    """A fresh valid organisationsnummer: Luhn check digit, digits 3–4 at least 20."""
    digits = first + str(random.randint(0, 9)) + str(random.randint(20, 99))
    digits += "".join(str(random.randint(0, 9)) for _ in range(5))
    number = digits + luhn.calc_check_digit(digits)
    return f"{number[:6]}-{number[6:]}"


def with_wrong_check_digit(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


@dataclass
class User:
    id: int
    email: str
    role: str
    token: str


async def make_user(role: str) -> User:
    email = f"{unique(role + '-')}@example.se"
    async with write_transaction():
        created = await accounts.create_user(
            Actor.system("test"), UserCreate(email=email, name=f"Test {role}", role=role,
                                             password=PASSWORD)
        )
        token = await accounts.create_api_token(
            Actor.system("test"), created.id, TokenCreate(name="test")
        )
    return User(created.id, email, role, token.token)


class Api:
    """A client acting as one user through a bearer token."""

    def __init__(self, client, user: User) -> None:
        self.client = client
        self.user = user

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.user.token}", **(headers or {})}

    async def get(self, url, **kwargs):
        return await self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def post(self, url, **kwargs):
        return await self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def put(self, url, **kwargs):
        return await self.client.put(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def patch(self, url, **kwargs):
        return await self.client.patch(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def delete(self, url, **kwargs):
        return await self.client.delete(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    # --- building blocks ---------------------------------------------------------------

    async def organization(self, kind: str = "municipality", contacts: int = 1, **values) -> dict:
        body = {
            "name": unique("Organisation "),
            "kind": kind,
            "org_number": org_number("2" if kind in ("municipality", "police", "agency") else "5"),
            "contacts": [
                {"name": f"Kontakt {i}", "email": f"{unique('k')}@example.se", "title": "Samordnare"}
                for i in range(contacts)
            ],
            **values,
        }
        response = await self.post("/api/organizations", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def agreement(self, parties: int = 2, **values) -> dict:
        organizations = [await self.organization() for _ in range(parties)]
        body = {
            "title": unique("Överenskommelse "),
            "kind": "collaboration_agreement",
            "period_start": "2026-01-01",
            "period_end": "2029-12-31",
            "municipality_codes": ["2580"],
            "parties": [
                {
                    "organization_id": org["id"],
                    "role": "Part",
                    "primary_contact_id": org["contacts"][0]["id"],
                }
                for org in organizations
            ],
            **values,
        }
        response = await self.post("/api/agreements", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def commitment(self, agreement: dict, party_index: int = 0, **values) -> dict:
        body = {"party_id": agreement["parties"][party_index]["id"], "title": unique("Åtagande "),
                **values}
        response = await self.post(f"/api/agreements/{agreement['id']}/commitments", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def fresh(self, agreement: dict) -> dict:
        response = await self.get(f"/api/agreements/{agreement['id']}")
        assert response.status_code == 200, response.text
        return response.json()

    async def move(self, agreement: dict, status: str, **extra):
        return await self.post(
            f"/api/agreements/{agreement['id']}/status", json={"status": status, **extra}
        )

    async def sign_all(self, agreement: dict, signed_on: str | None = "2026-01-10") -> None:
        for party in (await self.fresh(agreement))["parties"]:
            body = {"signatory_name": "Anna Andersson", "signatory_title": "Ordförande"}
            if signed_on:
                body |= {"signed_on": signed_on, "signed_place": "Luleå", "signature_method": "paper"}
            response = await self.patch(
                f"/api/agreements/{agreement['id']}/parties/{party['id']}",
                json=body,
                headers={"If-Match": f'"{party["version"]}"'},
            )
            assert response.status_code == 200, response.text

    async def activate(self, agreement: dict) -> dict:
        await self.sign_all(agreement)
        for status in ("in_preparation", "awaiting_signature", "active"):
            response = await self.move(agreement, status)
            assert response.status_code == 200, response.text
        return response.json()

    # --- the lägesbild -----------------------------------------------------------------

    async def indicators(self) -> dict[str, dict]:
        """The indicator catalogue by code."""
        response = await self.get("/api/indicators")
        assert response.status_code == 200
        return {i["code"]: i for i in response.json()}

    async def round(self, agreement: dict, period: str, deadline: str, requests: list) -> dict:
        response = await self.post(f"/api/agreements/{agreement['id']}/rounds", json={
            "period": period, "deadline": deadline, "requests": requests,
        })
        assert response.status_code == 201, response.text
        return response.json()

    async def save_input(self, round_: dict, party_id: int, values: list,
                         observations: str = "", internal: bool = False) -> dict:
        url = f"/api/rounds/{round_['id']}/inputs/{party_id}"
        saved = await self.put(url, json={"values": values, "observations": observations,
                                          "internal": internal})
        assert saved.status_code == 200, saved.text
        return saved.json()

    async def submit_input(self, round_: dict, party_id: int, values: list,
                           observations: str = "", internal: bool = False) -> dict:
        """Save a party's input and submit it."""
        await self.save_input(round_, party_id, values, observations, internal)
        submitted = await self.post(f"/api/rounds/{round_['id']}/inputs/{party_id}/submit")
        assert submitted.status_code == 200, submitted.text
        return submitted.json()
