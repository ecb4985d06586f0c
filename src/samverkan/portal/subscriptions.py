"""What the portal does when another domain changes something a partner must hear about."""

from samverkan import events
from samverkan.portal import access


async def _confirmation_reset(commitment_id: int) -> None:
    await access.notify_confirmation_reset(commitment_id)


events.subscribe(events.COMMITMENT_CONFIRMATION_RESET, _confirmation_reset)
