"""Reminders: rules that find what falls due, a ledger that records each reminder once, and
an outbox that delivers one digest per recipient and day."""
