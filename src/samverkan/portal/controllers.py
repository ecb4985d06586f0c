"""API routes of the portal for coordinators: invitations of partner contacts."""

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.http import PathId
from samverkan.portal import access
from samverkan.portal.schemas import InvitationCreate, InvitationRead
from samverkan.reminders.controllers import coordinators_only

User = Request[CurrentUser, None, None]


class InvitationController(Controller):
    path = "/api/agreements"
    tags = ["Partnerportal (partner portal)"]
    # Who was let into the portal, with their addresses: not for viewers, like the outbox.
    guards = [coordinators_only]

    @post("/{agreement_id:int}/invitations", status_code=201)
    async def invite(
        self, request: User, agreement_id: PathId, data: JSONBody[InvitationCreate]
    ) -> InvitationRead:
        """Invite a contact of a party to the agreement's pages in the partner portal: an
        e-mail with a single-use link, valid for portal_invitation_days."""
        async with write_transaction():
            return await access.invite(request.user.actor, agreement_id, data.contact_id)

    @get("/{agreement_id:int}/invitations")
    async def list_invitations(self, agreement_id: PathId) -> list[InvitationRead]:
        """The agreement's invitations, newest first; used_at stays empty until the link is used."""
        return await access.invitations(agreement_id)
