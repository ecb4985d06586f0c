"""Piccolo app of the reminders domain: the reminder ledger and the e-mail outbox."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("reminders")
