"""Piccolo app of the registry domain: geography, organisations and contacts."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("registry")
