"""Queries of the audit trail; it only ever inserts and reads."""

import json
from typing import Any

from samverkan.audit.tables import AuditEvent


async def insert(row: dict[str, Any]) -> None:
    await AuditEvent.insert(AuditEvent(**row))


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def for_agreement(agreement_id: int, limit: int, offset: int) -> tuple[list[dict], int]:
    query = AuditEvent.select().where(AuditEvent.agreement_id == agreement_id)
    rows = await query.order_by(AuditEvent.id).limit(limit).offset(offset)
    total = await AuditEvent.count().where(AuditEvent.agreement_id == agreement_id)
    return [_with_json(row) for row in rows], total


async def for_entity(entity_type: str, entity_id: int) -> list[dict]:
    rows = await AuditEvent.select().where(
        (AuditEvent.entity_type == entity_type) & (AuditEvent.entity_id == entity_id)
    ).order_by(AuditEvent.id)
    return [_with_json(row) for row in rows]


def _with_json(row: dict) -> dict:
    row["before"] = _decoded(row["before"])
    row["after"] = _decoded(row["after"])
    return row
