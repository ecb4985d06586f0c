"""What the audit trail shows: one event per write."""

from datetime import datetime
from typing import Any

from samverkan.schemas import Output


class AuditEventRead(Output):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor: str
    action: str
    entity_type: str
    entity_id: int
    agreement_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: list[str]
