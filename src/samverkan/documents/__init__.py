"""Printable agreements: PDF/A documents rendered from the registry (docs/documents.md)."""
