"""API routes of the portal for coordinators: invitations of partner contacts."""

from litestar import Controller


class InvitationController(Controller):
    path = "/api/agreements"
    tags = ["Partnerportal (partner portal)"]
