"""Piccolo app of the portal domain: links, portal sessions and rate-limit counts."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("portal")
