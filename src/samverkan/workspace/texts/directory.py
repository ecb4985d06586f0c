"""Words of the workspace's directory pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {},
    "en": {},
}
