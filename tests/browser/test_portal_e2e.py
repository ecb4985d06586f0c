"""The partner portal end to end, in headless Chromium against the running service: a
coordinator invites two partners through the API; partner 1 signs in with the link from the
real SMTP server, confirms, declines and reports; the coordinator sees it all through the
API; partner 2 cannot reach partner 1's commitments, by URL or by an edited form."""

import asyncio
import re
from datetime import timedelta

from samverkan import clock
from tests.browser.portal import (
    CONTINUE,
    new_person,
    no_console_errors,
    only_refused,
    partnership,
    sign_in,
)

CONFIRM_COMMENT = "Vi genomför vandringarna tillsammans med fastighetsägarna."
DECLINE_COMMENT = "Kameraövervakning beslutas av kommunstyrelsen, inte av oss."
REPORT_NOTE = "Första vandringen hölls i mars; tolv deltagare, fyra platser åtgärdas."


async def text(page, selector: str = "main") -> str:
    return await page.locator(selector).inner_text()


async def api_commitment(coordinator, commitment: dict) -> dict:
    response = await coordinator.get(f"/api/commitments/{commitment['id']}")
    assert response.status_code == 200, response.text
    return response.json()


async def api_reports(coordinator, commitment: dict) -> list[dict]:
    response = await coordinator.get(f"/api/commitments/{commitment['id']}/reports")
    assert response.status_code == 200, response.text
    return response.json()


async def api_history(coordinator, agreement: dict) -> list[dict]:
    response = await coordinator.get(f"/api/agreements/{agreement['id']}/history",
                                     params={"limit": 200})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_partners_confirm_decline_and_report_and_see_only_their_own(
    page, browser, live_server, live_coordinator, mailbox, console_errors
):
    coordinator = live_coordinator
    world = await partnership(coordinator)
    agreement, c = world.agreement, world.commitments

    # --- partner 1 opens the invitation from the e-mail -------------------------------------
    opened = await sign_in(page, mailbox, coordinator, agreement, world.contact1)
    assert opened.headers["referrer-policy"] == "no-referrer"
    policy = opened.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert page.url.endswith(f"/portal/agreements/{agreement['id']}")
    assert await page.locator("h1").inner_text() == agreement["title"]
    no_console_errors(console_errors)

    own = page.get_by_role("region", name="Våra åtaganden")
    others = page.get_by_role("region", name="Andra parters åtaganden")
    for key in ("to_confirm", "to_decline", "left_open"):
        row = own.get_by_role("row").filter(has_text=c[key]["title"])
        await row.get_by_role("link", name=re.compile("^Svara")).wait_for()
        assert "Föreslaget" in await row.inner_text()
    for key in ("p2_open", "p2_to_confirm", "police"):
        row = others.get_by_role("row").filter(has_text=c[key]["title"])
        assert "Föreslaget" in await row.inner_text()
        # Read-only: neither a link to the commitment nor a form.
        assert await row.get_by_role("link").count() == 0
        assert await row.locator("form, button").count() == 0
    assert await own.get_by_role("row").filter(has_text=c["p2_open"]["title"]).count() == 0

    # --- confirm one, with a comment ----------------------------------------------------------
    await own.get_by_role("link", name=c["to_confirm"]["title"], exact=True).click()
    await page.wait_for_url(f"**/portal/commitments/{c['to_confirm']['id']}")
    await page.get_by_label("Kommentar (frivillig)").fill(CONFIRM_COMMENT)
    await page.get_by_role("button", name="Bekräfta åtagandet").click()
    await page.get_by_role("status").filter(has_text="Åtagandet är bekräftat.").wait_for()
    facts = await text(page, "dl.facts")
    assert "Bekräftat" in facts and CONFIRM_COMMENT in facts
    assert await page.get_by_role("button", name="Bekräfta åtagandet").count() == 0
    no_console_errors(console_errors)

    # --- decline another: first without a reason, then with one -------------------------------
    await page.goto(f"/portal/agreements/{agreement['id']}")
    await own.get_by_role("link", name=c["to_decline"]["title"], exact=True).click()
    await page.wait_for_url(f"**/portal/commitments/{c['to_decline']['id']}")
    await page.get_by_role("button", name="Avböj åtagandet").click()
    error = page.locator("#decline-comment-error")
    await error.wait_for()
    assert " ".join((await error.text_content()).split()) == (
        "Fel: Skriv varför ni avböjer åtagandet.")
    reason = page.get_by_label("Varför avböjer ni?")
    assert await reason.get_attribute("aria-invalid") == "true"
    assert "decline-comment-error" in await reason.get_attribute("aria-describedby")
    summary = page.get_by_role("alert").filter(has_text="Formuläret har fel.")
    await summary.get_by_role("link", name="Skriv varför ni avböjer åtagandet.").wait_for()
    # Nothing was declined, and both forms are still there to be used.
    assert (await api_commitment(coordinator, c["to_decline"]))["status"] == "proposed"
    assert await page.get_by_role("button", name="Bekräfta åtagandet").count() == 1
    # The form came back with 400 (what a browser without JavaScript gets, too).
    only_refused(console_errors, 400)

    await reason.fill(DECLINE_COMMENT)
    await page.get_by_role("button", name="Avböj åtagandet").click()
    await page.get_by_role("status").filter(has_text="Ni har avböjt åtagandet.").wait_for()
    facts = await text(page, "dl.facts")
    assert "Avböjt" in facts and DECLINE_COMMENT in facts
    no_console_errors(console_errors)

    # --- report progress on the confirmed one -------------------------------------------------
    as_of = clock.today() - timedelta(days=1)
    await page.goto(f"/portal/commitments/{c['to_confirm']['id']}")
    assert "Inga rapporter ännu." in await text(page)
    report_form = page.get_by_role("region", name="Rapportera läget")
    await report_form.get_by_label("Pågår").check()
    await report_form.get_by_label("Beskrivning").fill(REPORT_NOTE)
    await report_form.get_by_label("Läget gäller den").fill(as_of.isoformat())
    await report_form.get_by_role("button").click()
    await page.get_by_role("status").filter(has_text="Rapporten är skickad.").wait_for()
    history = page.get_by_role("region", name="Rapporter")
    [row] = await history.get_by_role("row").filter(has_text=REPORT_NOTE).all()
    row_text = await row.inner_text()
    assert "Pågår" in row_text and world.contact1["email"] in row_text
    assert str(as_of.year) in row_text and str(as_of.day) in row_text
    no_console_errors(console_errors)

    # The agreement page shows the new statuses, with the actions that now apply.
    await page.goto(f"/portal/agreements/{agreement['id']}")
    row = own.get_by_role("row").filter(has_text=c["to_confirm"]["title"])
    assert "Pågår" in await row.inner_text()
    await row.get_by_role("link", name=re.compile("^Rapportera")).wait_for()
    assert "Avböjt" in await own.get_by_role("row").filter(
        has_text=c["to_decline"]["title"]).inner_text()
    no_console_errors(console_errors)

    # --- the coordinator sees all of it through the API ---------------------------------------
    email = world.contact1["email"]
    confirmed = await api_commitment(coordinator, c["to_confirm"])
    assert confirmed["status"] == "in_progress"
    assert confirmed["confirmed_by"] == email
    assert confirmed["confirmation_comment"] == CONFIRM_COMMENT
    declined = await api_commitment(coordinator, c["to_decline"])
    assert declined["status"] == "declined"
    assert declined["confirmed_by"] == email
    assert declined["confirmation_comment"] == DECLINE_COMMENT
    [report] = await api_reports(coordinator, c["to_confirm"])
    assert report["status"] == "in_progress"
    assert report["note"] == REPORT_NOTE
    assert report["as_of"] == as_of.isoformat()
    assert report["reported_by"] == email
    by_partner = [e for e in await api_history(coordinator, agreement) if e["actor"] == email]
    assert {(e["entity_type"], e["entity_id"]) for e in by_partner} == {
        ("commitment", c["to_confirm"]["id"]),
        ("commitment", c["to_decline"]["id"]),
        ("progress_report", report["id"]),
    }
    assert {e["after"]["status"] for e in by_partner if e["entity_type"] == "commitment"} >= {
        "confirmed", "declined", "in_progress"}
    assert all(e["occurred_at"] for e in by_partner)
    invited = [e for e in await api_history(coordinator, agreement)
               if e["entity_type"] == "portal_invitation"]
    assert len(invited) == 1 and invited[0]["actor"] == coordinator.user.email

    # --- partner 2 cannot reach partner 1's commitments ---------------------------------------
    before = {key: await api_commitment(coordinator, c[key])
              for key in ("to_confirm", "to_decline", "left_open")}
    context2, page2, errors2 = await new_person(browser, live_server)
    try:
        await sign_in(page2, mailbox, coordinator, agreement, world.contact2)
        no_console_errors(errors2)
        own2 = page2.get_by_role("region", name="Våra åtaganden")
        assert c["p2_open"]["title"] in await own2.inner_text()
        assert c["to_confirm"]["title"] not in await own2.inner_text()

        # By URL: the page and every action on it are the 404 page of something that
        # does not exist.
        for key in ("to_confirm", "to_decline", "left_open"):
            response = await page2.goto(f"/portal/commitments/{c[key]['id']}")
            assert response.status == 404
            assert await page2.locator("h1").inner_text() == "Sidan finns inte"
            assert c[key]["title"] not in await page2.content()
            only_refused(errors2, 404)
        await page2.goto(f"/portal/commitments/{c['p2_open']['id']}")
        csrf = await page2.locator("input[name=_csrf_token]").first.get_attribute("value")
        posts = {"confirm": {"comment": "Bekräftat av fel part."},
                 "decline": {"comment": "Avböjt av fel part."},
                 "reports": {"status": "done", "note": "Fel part.",
                             "as_of": clock.today().isoformat()}}
        for key in ("left_open", "to_confirm"):
            for action, fields in posts.items():
                response = await page2.request.post(
                    f"/portal/commitments/{c[key]['id']}/{action}",
                    form={"_csrf_token": csrf, **fields}, max_redirects=0,
                )
                assert response.status == 404, (key, action, response.status)
                assert "Sidan finns inte" in await response.text()

        # By editing a form: partner 2's own forms, pointed at partner 1's commitments.
        # Without JavaScript's help (the form as a browser sends it) ...
        for action, target in (("confirm", "left_open"), ("decline", "left_open")):
            await page2.goto(f"/portal/commitments/{c['p2_open']['id']}")
            form = page2.locator(f"form[action$='/{action}']")
            await form.locator("textarea").fill("Ett försök med någon annans åtagande.")
            async with page2.expect_response(lambda r: r.request.method == "POST") as answer:
                await form.evaluate(
                    """(form, action) => {
                        form.removeAttribute("hx-post");
                        form.action = action;
                        form.submit();
                    }""",
                    f"/portal/commitments/{c[target]['id']}/{action}",
                )
            response = await answer.value
            assert response.status == 404
            await page2.locator("h1", has_text="Sidan finns inte").wait_for()
            only_refused(errors2, 404)

        # ... and through htmx, which sends what the edited form says.
        await page2.goto(f"/portal/commitments/{c['p2_to_confirm']['id']}")
        await page2.get_by_role("button", name="Bekräfta åtagandet").click()
        await page2.get_by_role("status").filter(has_text="Åtagandet är bekräftat.").wait_for()
        no_console_errors(errors2)
        form = page2.locator("form[action$='/reports']")
        action = f"/portal/commitments/{c['to_confirm']['id']}/reports"
        await form.evaluate(
            """(form, action) => {
                form.action = action;
                form.setAttribute("hx-post", action);
                htmx.process(form);
            }""",
            action,
        )
        await form.get_by_label("Genomfört", exact=True).check()
        await form.get_by_label("Beskrivning").fill("Fel part rapporterar.")
        async with page2.expect_response(lambda r: r.request.method == "POST") as answer:
            await form.get_by_role("button").click()
        response = await answer.value
        assert response.url.endswith(action) and response.status == 404
        # The page stays as it was: htmx swaps in no error.
        assert await page2.locator("h1").inner_text() == c["p2_to_confirm"]["title"]
        # htmx logs its note on the refusal a moment after the response has arrived.
        for _ in range(50):
            if any("Response Status Error Code 404" in e for e in errors2):
                break
            await asyncio.sleep(0.1)
        only_refused(errors2, 404)

        # The coordinator's API shows that nothing of partner 1's changed.
        for key, was in before.items():
            now = await api_commitment(coordinator, c[key])
            assert now == was, key
        assert len(await api_reports(coordinator, c["to_confirm"])) == 1
        assert await api_reports(coordinator, c["left_open"]) == []
        assert not [e for e in await api_history(coordinator, agreement)
                    if e["actor"] == world.contact2["email"]
                    and e["entity_id"] != c["p2_to_confirm"]["id"]]
        no_console_errors(errors2)

        # The same request for partner 2's own commitment is what those were refused:
        # the refusals were about whose commitment it is, nothing else.
        response = await page2.request.post(
            f"/portal/commitments/{c['p2_open']['id']}/decline",
            form={"_csrf_token": csrf, "comment": "Vi har inte personal på kvällarna."},
            max_redirects=0,
        )
        assert response.status == 303
        assert (await api_commitment(coordinator, c["p2_open"]))["status"] == "declined"
    finally:
        await context2.close()

    no_console_errors(console_errors)


async def test_the_language_switch_logout_and_a_used_link(
    page, live_coordinator, mailbox, console_errors
):
    world = await partnership(live_coordinator)
    agreement = world.agreement
    await sign_in(page, mailbox, live_coordinator, agreement, world.contact1)
    link = await mailbox.url(world.contact1["email"], "/portal/link/")

    # English, on this page and the next ones.
    await page.get_by_role("link", name="English").click()
    await page.wait_for_url(f"**/portal/agreements/{agreement['id']}")
    assert await page.locator("html").get_attribute("lang") == "en"
    assert "Our commitments" in await text(page)
    assert "Other parties' commitments" in await text(page)
    await page.get_by_role("link", name="My agreements").first.click()
    assert await page.locator("h1").inner_text() == "My agreements"
    await page.get_by_role("link", name="Svenska").click()
    assert await page.locator("h1").inner_text() == "Mina överenskommelser"
    no_console_errors(console_errors)

    # Logging out ends the session: the portal sends to the sign-in page again.
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url("**/portal/login?done=logged_out")
    assert "Du är utloggad." in await text(page)
    # Back to the page before (no-store: the browser asks the server again) ...
    await page.go_back()
    assert page.url.endswith("/portal/login")
    assert "Du är utloggad." not in await text(page)
    await page.goto("/portal/")
    assert page.url.endswith("/portal/login")
    await page.goto(f"/portal/agreements/{agreement['id']}")
    assert page.url.endswith("/portal/login")
    no_console_errors(console_errors)

    # The link that signed in once does not sign in again.
    await page.goto(link)
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name=CONTINUE).click()
    assert (await navigation.value).status == 400
    assert await page.locator("h1").inner_text() == "Länken fungerar inte längre"
    only_refused(console_errors, 400)
    await page.get_by_role("link", name="Begär en ny inloggningslänk").click()
    await page.wait_for_url("**/portal/login")
    await page.goto("/portal/")
    assert page.url.endswith("/portal/login")
    no_console_errors(console_errors)
