"""Piccolo app of the accounts domain: users, sessions and API tokens."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("accounts")
