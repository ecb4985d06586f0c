"""Samverkan: the registry of collaboration agreements between Polisen and its partners."""

__version__ = "0.1.0"
