"""Registering an agreement in one guided flow, saved as a draft at every step."""

from litestar.types import ControllerRouterHandler

# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = []
