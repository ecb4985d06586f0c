"""Piccolo app of the audit domain: the append-only trail of every write."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("audit")
