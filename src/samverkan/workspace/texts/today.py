"""Words of the workspace's today pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {},
    "en": {},
}
