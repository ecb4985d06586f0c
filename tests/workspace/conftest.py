"""Fixtures of the workspace's page tests: browsers without JavaScript signed in as a
coordinator, an admin or a viewer (the same users as the API fixtures)."""

import pytest

from tests.reminders.conftest import smtp  # noqa: F401 (the mail server, for the outbox page)
from tests.web.pages import signed_in_staff


@pytest.fixture
async def as_coordinator(app, coordinator):
    browser = await signed_in_staff(app, coordinator.user)
    yield browser
    await browser.close()


@pytest.fixture
async def as_admin(app, admin):
    browser = await signed_in_staff(app, admin.user)
    yield browser
    await browser.close()


@pytest.fixture
async def as_viewer(app, viewer):
    browser = await signed_in_staff(app, viewer.user)
    yield browser
    await browser.close()
