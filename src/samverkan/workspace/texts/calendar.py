"""Words of the workspace's calendar pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {},
    "en": {},
}
