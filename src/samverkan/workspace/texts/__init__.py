"""The workspace's words, one module per group of pages; each is added to the pages'
catalogue (web/i18n.py) once, at import, with a check that no key is defined twice."""

from samverkan.web import i18n
from samverkan.workspace.texts import (
    agreement,
    calendar,
    common,
    directory,
    registration,
    today,
)

for _module in (common, today, registration, agreement, directory, calendar):
    i18n.extend(_module.MESSAGES, _module.__name__)
