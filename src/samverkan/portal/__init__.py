"""The partner portal: partners confirm and follow up their own commitments (docs/portal.md)."""
