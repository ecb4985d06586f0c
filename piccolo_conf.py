"""Piccolo's entry point for its own CLI (`piccolo migrations ...`) run from the repository root."""

from samverkan.conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
