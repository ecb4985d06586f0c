"""The personal iCalendar feed: a secret, revocable URL per coordinator."""

from litestar.types import ControllerRouterHandler

# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = []
