"""Shared parts of the server-rendered pages: layout, assets, language, security headers."""
