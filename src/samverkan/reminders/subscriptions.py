"""What the reminders domain does when another domain changes something it reminds about."""

from samverkan import events
from samverkan.reminders import service


async def _commitment_changed(commitment_id: int) -> None:
    await service.recall("commitment", commitment_id)


async def _follow_up_changed(follow_up_id: int) -> None:
    await service.recall("follow_up", follow_up_id)


async def _agreement_changed(agreement_id: int) -> None:
    await service.recall("agreement", agreement_id)


async def _situation_round_changed(round_id: int) -> None:
    await service.recall("situation_round", round_id)


events.subscribe(events.COMMITMENT_CHANGED, _commitment_changed)
events.subscribe(events.FOLLOW_UP_CHANGED, _follow_up_changed)
events.subscribe(events.AGREEMENT_CHANGED, _agreement_changed)
events.subscribe(events.SITUATION_ROUND_CHANGED, _situation_round_changed)
