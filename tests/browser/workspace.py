"""What the workspace's browser tests share: signing a staff user in through the sign-in
form, in Chromium, as a coordinator does."""

from tests.factories import PASSWORD

SIGN_IN = "Logga in"


async def sign_in_staff(page, user, next_path: str = "/workspace/") -> None:
    """Sign user (tests.factories.User, e.g. live_coordinator.user) in and land on next_path."""
    await page.goto(f"/workspace/login?next={next_path}")
    await page.get_by_label("E-postadress").fill(user.email)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name=SIGN_IN).click()
    await page.wait_for_url(f"**{next_path}")
