"""Piccolo app of the workspace domain: the coordinators' personal calendar feeds."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("workspace")
