"""Piccolo app of the agreements domain: agreements, parties, goals, commitments, follow-ups."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("agreements", depends_on=("registry", "accounts"))
