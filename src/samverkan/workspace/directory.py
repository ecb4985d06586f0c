"""Organisations and their contacts, users (admin only), the failed e-mails."""

from litestar.types import ControllerRouterHandler

# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = []
