"""Inviting partner contacts through the API, the invitation e-mail, and the e-mail a
partner gets when a coordinator changes a commitment it had confirmed."""

import pytest

from samverkan.accounts.security import token_hash
from samverkan.audit.tables import AuditEvent
from samverkan.portal import access
from samverkan.portal.tables import PortalLink
from tests.portal.links import (
    client_address,
    invite,
    live_agreement,
    messages,
    only_token,
    organization,
    token_in,
)

pytestmark = pytest.mark.usefixtures("database")


async def test_an_invitation_is_one_e_mail_whose_link_opens_the_portal_once(coordinator):
    municipality = await organization(coordinator, {"name": "Åsa Öberg", "language": "sv"})
    agreement = await live_agreement(coordinator, municipality, await organization(coordinator))
    contact = municipality["contacts"][0]

    invitation = await invite(coordinator, agreement, contact)

    assert invitation["agreement_id"] == agreement["id"]
    assert invitation["contact_id"] == contact["id"]
    assert (invitation["contact_name"], invitation["email"]) == ("Åsa Öberg", contact["email"])
    assert invitation["created_by"] == coordinator.user.email
    assert invitation["used_at"] is None
    [message] = await messages(contact["email"], "portal_invitation")
    assert message["language"] == "sv" and message["redact_after_send"]
    assert agreement["title"] in message["subject"]
    # Who invites, to what, and for how long, in the contact's language.
    text = message["body_text"]
    assert "Hej Åsa Öberg!" in text
    assert f"Test coordinator ({coordinator.user.email}) har bjudit in dig" in text
    assert f"”{agreement['title']}” (diarienummer {agreement['registration_number']})" in text
    assert municipality["name"] in text
    assert "Länken gäller i 7 dygn, till " in text and "kan bara användas en gång" in text
    assert "<p>Hej Åsa Öberg!</p>" in message["body_html"]

    token = token_in(message)
    contact_in, cookie, landing = await access.redeem(token, client_address())
    assert contact_in.contact_id == contact["id"]
    assert contact_in.organization_id == municipality["id"]
    assert contact_in.actor.label == contact["email"] and contact_in.actor.id is None
    assert landing == agreement["id"]
    assert (await access.contact_for_session(cookie)) == contact_in

    with pytest.raises(access.LinkInvalid) as refused:
        await access.redeem(token, client_address())
    assert refused.value.status_code == 400
    assert "redan använd eller har gått ut" in refused.value.detail

    listed = (await coordinator.get(f"/api/agreements/{agreement['id']}/invitations")).json()
    assert [i["id"] for i in listed] == [invitation["id"]]
    assert listed[0]["used_at"] is not None

    [event] = await AuditEvent.select().where(
        (AuditEvent.entity_type == "portal_invitation") & (AuditEvent.entity_id == invitation["id"])
    )
    assert (event["action"], event["actor"], event["agreement_id"]) == (
        "invite", coordinator.user.email, agreement["id"]
    )
    assert token not in str(event)


async def test_the_invitation_speaks_the_contacts_language(coordinator):
    partner = await organization(coordinator, {"name": "Sam Smith", "language": "en"})
    agreement = await live_agreement(coordinator, partner, await organization(coordinator),
                                     status="in_preparation")
    await invite(coordinator, agreement, partner["contacts"][0])

    [message] = await messages(partner["contacts"][0]["email"], "portal_invitation")
    assert message["language"] == "en"
    assert message["subject"].startswith("Invitation to the Samverkan partner portal")
    assert "Hello Sam Smith," in message["body_text"]
    assert "has invited you to follow the agreement" in message["body_text"]
    assert "The link is valid for 7 days, until " in message["body_text"]
    assert '<html lang="en">' in message["body_html"]


async def test_only_the_hash_of_an_invitation_link_is_stored(coordinator):
    org = await organization(coordinator)
    agreement = await live_agreement(coordinator, org, await organization(coordinator))
    invitation = await invite(coordinator, agreement, org["contacts"][0])
    token = await only_token(org["contacts"][0]["email"], "portal_invitation")

    [link] = await PortalLink.select().where(PortalLink.id == invitation["id"])
    assert link["token_hash"] == token_hash(token) and len(token) >= 43  # 256 bits
    assert token not in str(link)


async def test_an_invitation_is_refused_when_it_could_not_be_used(coordinator, admin, viewer):
    org, other = await organization(coordinator), await organization(coordinator)
    agreement = await live_agreement(coordinator, org, other)
    url = f"/api/agreements/{agreement['id']}/invitations"
    outsider = (await organization(coordinator))["contacts"][0]

    refused = await coordinator.post(url, json={"contact_id": outsider["id"]})
    assert refused.status_code == 400, refused.text
    assert refused.json()["extra"][0]["key"] == "contact_id"
    assert "inte för någon av överenskommelsens parter" in refused.json()["detail"]
    unknown_contact = await coordinator.post(url, json={"contact_id": 2147483647})
    assert unknown_contact.status_code == 400
    assert (await coordinator.post(url, json={"contact_id": 0})).status_code == 400
    assert await messages(outsider["email"], "portal_invitation") == []

    draft = await live_agreement(coordinator, org, other, status="draft")
    in_draft = await coordinator.post(f"/api/agreements/{draft['id']}/invitations",
                                      json={"contact_id": org["contacts"][0]["id"]})
    assert in_draft.status_code == 409, in_draft.text
    assert "utkast" in in_draft.json()["detail"]

    as_viewer = await viewer.post(url, json={"contact_id": org["contacts"][0]["id"]})
    assert as_viewer.status_code == 403
    assert (await viewer.get(url)).status_code == 403

    missing = await coordinator.post("/api/agreements/2147483647/invitations",
                                     json={"contact_id": org["contacts"][0]["id"]})
    assert missing.status_code == 404
    assert (await coordinator.get("/api/agreements/2147483647/invitations")).status_code == 404
    assert await messages(org["contacts"][0]["email"], "portal_invitation") == []

    # An admin may invite, as a coordinator may.
    by_admin = await admin.post(url, json={"contact_id": other["contacts"][0]["id"]})
    assert by_admin.status_code == 201, by_admin.text


async def test_a_confirmation_reset_tells_the_responsible_contact(coordinator):
    owner = await organization(coordinator, {"name": "Primär"},
                               {"name": "Robin Ansvarig", "language": "en"})
    agreement = await live_agreement(coordinator, owner, await organization(coordinator))
    responsible = owner["contacts"][1]
    commitment = await coordinator.commitment(
        agreement, 0, responsible_contact_id=responsible["id"], due_date="2027-05-31"
    )
    confirmed = await coordinator.post(f"/api/commitments/{commitment['id']}/status",
                                       json={"status": "confirmed"})
    assert confirmed.status_code == 200, confirmed.text

    changed = await coordinator.patch(
        f"/api/commitments/{commitment['id']}", json={"title": "Fler trygghetsvandringar"},
        headers={"If-Match": f'"{confirmed.json()["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "proposed"

    [message] = await messages(responsible["email"], "portal_commitment_changed")
    assert message["language"] == "en" and message["redact_after_send"]
    assert "Fler trygghetsvandringar" in message["subject"]
    assert "due on 31 May 2027" in message["body_text"]
    assert await messages(owner["contacts"][0]["email"], "portal_commitment_changed") == []
    contact_in, _, landing = await access.redeem(token_in(message), client_address())
    assert (contact_in.contact_id, landing) == (responsible["id"], agreement["id"])

    # A change that leaves the substance alone sends nothing.
    current = (await coordinator.get(f"/api/commitments/{commitment['id']}")).json()
    unchanged = await coordinator.patch(
        f"/api/commitments/{commitment['id']}", json={"title": "Fler trygghetsvandringar"},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert unchanged.status_code == 200
    assert len(await messages(responsible["email"], "portal_commitment_changed")) == 1


async def test_without_a_responsible_contact_the_partys_primary_contact_is_told(coordinator):
    owner = await organization(coordinator, {"name": "Primär Kontakt"})
    agreement = await live_agreement(coordinator, owner, await organization(coordinator))
    commitment = await coordinator.commitment(agreement, 0)
    confirmed = await coordinator.post(f"/api/commitments/{commitment['id']}/status",
                                       json={"status": "confirmed"})
    changed = await coordinator.patch(
        f"/api/commitments/{commitment['id']}", json={"due_date": "2027-09-30"},
        headers={"If-Match": f'"{confirmed.json()["version"]}"'},
    )
    assert changed.status_code == 200, changed.text

    [message] = await messages(owner["contacts"][0]["email"], "portal_commitment_changed")
    assert message["language"] == "sv"
    assert "ska vara klart 30 september 2027" in message["body_text"]
    assert "behöver bekräftas igen" in message["subject"]
