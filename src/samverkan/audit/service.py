"""The audit trail: every write records who, when, what, and the state before and after.

Callers record inside the transaction of the write itself, so a write and its event are
committed together or not at all.
"""

import json
from typing import Any

from samverkan import clock
from samverkan.actor import Actor
from samverkan.audit import repository
from samverkan.audit.schemas import AuditEventRead


def _plain(state: Any) -> dict[str, Any] | None:
    if state is None:
        return None
    if hasattr(state, "model_dump"):
        state = state.model_dump(mode="json")
    # Round-trip through JSON so dates and decimals are stored the same on every engine.
    return json.loads(json.dumps(state, default=str))


async def record(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    agreement_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    await repository.insert(
        {
            "occurred_at": clock.now(),
            "actor_id": actor.id,
            "actor": actor.label,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "agreement_id": agreement_id,
            "before": json.dumps(_plain(before)) if before is not None else None,
            "after": json.dumps(_plain(after)) if after is not None else None,
        }
    )


def _changed(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return [key for key in keys if before.get(key) != after.get(key) and key != "version"]


def _read(row: dict) -> AuditEventRead:
    return AuditEventRead(**row, changed=_changed(row["before"], row["after"]))


async def agreement_history(
    agreement_id: int, limit: int, offset: int
) -> tuple[list[AuditEventRead], int]:
    rows, total = await repository.for_agreement(agreement_id, limit, offset)
    return [_read(row) for row in rows], total


async def entity_history(entity_type: str, entity_id: int) -> list[AuditEventRead]:
    return [_read(row) for row in await repository.for_entity(entity_type, entity_id)]
