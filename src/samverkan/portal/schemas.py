"""What the portal's API takes and shows: invitations of partner contacts."""

from datetime import datetime

from samverkan.schemas import Input, Output, Ref


class InvitationCreate(Input):
    contact_id: Ref


class InvitationRead(Output):
    id: int
    agreement_id: int
    contact_id: int
    contact_name: str
    email: str
    created_at: datetime
    created_by: str
    expires_at: datetime
    used_at: datetime | None
