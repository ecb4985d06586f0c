"""What the reminders API shows: outbox messages and the reminders planned for an agreement."""

from datetime import date, datetime
from enum import Enum

from samverkan.schemas import Output


class MessageState(str, Enum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"


class OutboxMessageRead(Output):
    id: int
    kind: str
    recipient: str
    recipient_name: str
    language: str
    digest_date: date | None
    subject: str
    message_id: str
    status: MessageState
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    created_at: datetime


class PlannedReminder(Output):
    rule: str
    subject_type: str
    subject_id: int
    occurrence: str
    due_on: date
    recipient: str
    text: str
    state: str  # planned, recorded, pending, sending, sent, failed, cancelled
    sent_at: datetime | None
