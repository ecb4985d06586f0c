"""Words of the workspace's agreement pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {},
    "en": {},
}
