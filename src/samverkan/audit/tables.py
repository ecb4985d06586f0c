"""The audit trail: one append-only row per write, with who, when, and before and after."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    occurred_at = Timestamptz(null=False)
    # No foreign key: the trail must outlive the accounts and rows it speaks of.
    actor_id = Integer(null=True, default=None)
    actor = Varchar(length=254, null=False)
    action = Varchar(length=40, null=False)
    entity_type = Varchar(length=40, null=False)
    entity_id = Integer(null=False)
    agreement_id = Integer(null=True, default=None, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
