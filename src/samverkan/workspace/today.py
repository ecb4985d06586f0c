"""The Today page and the agreements list with its CSV and XLSX export."""

from litestar.types import ControllerRouterHandler

# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = []
