"""Words of the workspace's registration pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {},
    "en": {},
}
