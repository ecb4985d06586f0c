"""Helpers of the portal's access tests: partners to invite, the e-mails in the outbox and
the links in them, and time and settings moved for one test."""

import re
from datetime import datetime, timedelta

from samverkan import clock
from samverkan.portal.tables import PortalLink
from samverkan.reminders import repository as outbox_repository
from samverkan.reminders.tables import OutboxMessage
from samverkan.settings import get_settings
from tests.factories import Api, org_number, unique

LINK = re.compile(r"/portal/link/([A-Za-z0-9_-]+)")


def address(tag: str = "partner") -> str:
    return f"{unique(tag + '-')}@example.se"


def client_address() -> str:
    """A client of the test's own, so rate limits of other tests never count against it."""
    return f"192.0.2.1-{unique()}"


async def organization(api: Api, *contacts: dict) -> dict:
    """An organisation with these contacts (name, email, language...); one if none given."""
    people = [{"name": f"Partner {i}", "email": address(), **person}
              for i, person in enumerate(contacts or ({},))]
    response = await api.post("/api/organizations", json={
        "name": unique("Partnerorganisation "), "kind": "municipality",
        "org_number": org_number("2"), "contacts": people,
    })
    assert response.status_code == 201, response.text
    return response.json()


async def live_agreement(api: Api, *organizations: dict, status: str = "in_preparation") -> dict:
    """An agreement between these organisations (two new ones if none given), at status."""
    organizations = organizations or (await organization(api), await organization(api))
    response = await api.post("/api/agreements", json={
        "title": unique("Trygghetsöverenskommelse "), "kind": "collaboration_agreement",
        "period_start": "2026-01-01", "registration_number": unique("A-"),
        "parties": [{"organization_id": org["id"], "role": "Part",
                     "primary_contact_id": org["contacts"][0]["id"]} for org in organizations],
    })
    assert response.status_code == 201, response.text
    agreement = response.json()
    if status != "draft":
        moved = await api.move(agreement, status)
        assert moved.status_code == 200, moved.text
        agreement = moved.json()
    return agreement


async def invite(api: Api, agreement: dict, contact: dict) -> dict:
    response = await api.post(f"/api/agreements/{agreement['id']}/invitations",
                              json={"contact_id": contact["id"]})
    assert response.status_code == 201, response.text
    return response.json()


async def messages(recipient: str, kind: str) -> list[dict]:
    """Outbox messages of a kind to recipient, oldest first."""
    rows = await OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.recipient == recipient.lower()) & (OutboxMessage.kind == kind)
    )
    return await outbox_repository.messages([r["id"] for r in rows]) if rows else []


def token_in(message: dict) -> str:
    """The link's token, from the text body; the HTML body carries the same link."""
    [token] = set(LINK.findall(message["body_text"]))
    assert f"/portal/link/{token}" in message["body_html"]
    return token


async def only_token(recipient: str, kind: str) -> str:
    [message] = await messages(recipient, kind)
    return token_in(message)


async def links_of(contact_id: int) -> list[dict]:
    return await PortalLink.select().where(PortalLink.contact_id == contact_id).order_by(
        PortalLink.id
    )


def change_settings(monkeypatch, **values):
    """Settings for one test; get_settings() is cached, monkeypatch restores the values."""
    settings = get_settings()
    for name, value in values.items():
        assert hasattr(settings, name), name
        monkeypatch.setattr(settings, name, value)
    return settings


def travel(monkeypatch, to: datetime) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: to)
    return to


def later(start: datetime, **delta) -> datetime:
    return start + timedelta(**delta)
