"""The reminder ledger (each occurrence once) and the outbox (each e-mail until it is sent)."""

from enum import Enum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class MessageStatus(str, Enum):
    pending = "pending"  # waiting for its next attempt
    sending = "sending"  # claimed by a delivery pass
    sent = "sent"
    failed = "failed"  # gave up after the last attempt; an operator can retry it
    cancelled = "cancelled"  # everything it would have said was withdrawn before sending


class OutboxMessage(Table, tablename="outbox_message"):
    kind = Varchar(length=40, null=False)  # "digest"; later features add theirs
    recipient = Varchar(length=254, null=False)
    recipient_name = Varchar(length=200, null=False, default="")
    language = Varchar(length=2, null=False, default="sv")
    # A digest is one per recipient and day: unique (kind, recipient, digest_date).
    digest_date = Date(null=True, default=None)
    subject = Varchar(length=300, null=False, default="")
    body_text = Text(null=False, default="")
    body_html = Text(null=False, default="")
    attachments = JSON(null=False, default="[]")
    message_id = Varchar(length=200, null=False, unique=True)
    status = Varchar(length=20, choices=MessageStatus, null=False, default=MessageStatus.pending)
    attempts = Integer(null=False, default=0)
    next_attempt_at = Timestamptz(null=False)
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=100, null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    # The body holds a secret (a sign-in link): replaced by REDACTED once sent or given up.
    redact_after_send = Boolean(null=False, default=False)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)


class Reminder(Table, tablename="reminder"):
    # rule:subject_type:subject_id:occurrence:recipient, unique: what makes "once".
    key = Varchar(length=600, null=False, unique=True)
    rule = Varchar(length=60, null=False)
    subject_type = Varchar(length=40, null=False)
    subject_id = Integer(null=False)
    agreement_id = Integer(null=True, default=None)
    occurrence = Varchar(length=80, null=False)
    recipient = Varchar(length=254, null=False)
    recipient_name = Varchar(length=200, null=False, default="")
    language = Varchar(length=2, null=False, default="sv")
    due_on = Date(null=False)  # the local day it fell due
    payload = JSON(null=False, default="{}")
    message = ForeignKey(OutboxMessage, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(null=False)
