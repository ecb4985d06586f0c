"""Piccolo app of the situation domain: indicators, input rounds, inputs and their values."""

from samverkan.apps import domain_app

APP_CONFIG = domain_app("situation")
