"""An agreement's page: overview, commitments, lägesbild, follow-ups, reminders, history, documents, invitations and lifecycle actions."""

from litestar.types import ControllerRouterHandler

# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = []
