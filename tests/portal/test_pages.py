"""The portal's pages through HTTP, as a browser without JavaScript uses them: signing in by
link, the partner's agreements and commitments, the forms and what they change, and that
nothing of another organisation is reachable."""

import re
from datetime import timedelta

import httpx
import pytest

from samverkan import clock
from samverkan.settings import get_settings
from tests.web.pages import CSRF_FIELD, Browser, browsers  # noqa: F401 - browsers is a fixture
from tests.portal.links import (
    change_settings,
    client_address,
    invite,
    live_agreement,
    messages,
    organization,
    token_in,
)

pytestmark = pytest.mark.usefixtures("database")

PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


async def sign_in(browser: Browser, coordinator, agreement: dict, contact: dict) -> None:
    """Invite the contact and use the invitation's link, as the e-mail's reader would."""
    await invite(coordinator, agreement, contact)
    token = token_in((await messages(contact["email"], "portal_invitation"))[-1])
    token_field = await browser.form_token(f"/portal/link/{token}")
    used = await browser.post(f"/portal/link/{token}", token=token_field)
    assert used.status_code == 303, used.text
    assert used.headers["location"] == f"/portal/agreements/{agreement['id']}"


async def two_party_agreement(coordinator, **commitment_values) -> dict:
    """An agreement in preparation between two organisations, each with one commitment."""
    ours, theirs = await organization(coordinator), await organization(coordinator)
    agreement = await live_agreement(coordinator, ours, theirs)
    own = await coordinator.commitment(agreement, 0, **commitment_values)
    other = await coordinator.commitment(agreement, 1)
    return {"agreement": agreement, "ours": ours, "theirs": theirs, "own": own, "other": other,
            "contact": ours["contacts"][0]}


async def signed_in_partner(browsers, coordinator, **commitment_values) -> tuple[dict, Browser]:
    """A two-party agreement and a browser signed in as the first party's contact."""
    world = await two_party_agreement(coordinator, **commitment_values)
    browser = browsers()
    await sign_in(browser, coordinator, world["agreement"], world["contact"])
    return world, browser


async def commitment(coordinator, commitment_id: int) -> dict:
    response = await coordinator.get(f"/api/commitments/{commitment_id}")
    assert response.status_code == 200, response.text
    return response.json()


def assert_page_headers(response: httpx.Response) -> None:
    for name, value in PAGE_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)


# --- signing in -------------------------------------------------------------------------------


async def test_without_a_session_every_partner_page_sends_to_sign_in(browsers):
    browser = browsers()
    for url in ("/portal/", "/portal/agreements/1", "/portal/agreements/1/document.pdf",
                "/portal/commitments/1", "/portal/profile"):
        response = await browser.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/portal/login"
        assert_page_headers(response)
    for url in ("/portal/commitments/1/confirm", "/portal/commitments/1/decline",
                "/portal/commitments/1/reports", "/portal/profile"):
        response = await browser.post(url, {"comment": "x"})
        assert response.status_code == 303, url
        assert response.headers["location"] == "/portal/login"


async def test_asking_for_a_link_answers_the_same_for_known_and_unknown_addresses(
    browsers, coordinator
):
    browser = browsers()
    page = await browser.get("/portal/login")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert '<label for="email">E-postadress</label>' in page.text
    assert_page_headers(page)

    known = (await organization(coordinator))["contacts"][0]["email"]
    answers = []
    for address in (known, "ingen-sadan@example.se"):
        response = await browser.post("/portal/login", {"email": address})
        assert response.status_code == 303
        answers.append(response.headers["location"])
    assert answers == ["/portal/login?sent=1"] * 2
    assert len(await messages(known, "portal_sign_in")) == 1
    sent = await browser.get("/portal/login?sent=1")
    assert "Kolla din e-post" in sent.text


async def test_an_empty_or_malformed_address_is_explained_next_to_the_field(browsers):
    browser = browsers()
    response = await browser.post("/portal/login", {"email": "inte en adress"})
    assert response.status_code == 400
    assert 'aria-describedby="email-hint email-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Skriv en giltig e-postadress" in response.text
    assert 'value="inte en adress"' in response.text


async def test_too_many_link_requests_answer_a_429_page(browsers, monkeypatch):
    change_settings(monkeypatch, portal_link_requests_per_client=1)
    browser = browsers()
    assert (await browser.post("/portal/login", {"email": "a@example.se"})).status_code == 303
    refused = await browser.post("/portal/login", {"email": "b@example.se"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "För många försök" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert_page_headers(refused)


async def test_opening_a_link_uses_nothing_and_the_button_signs_in_once(browsers, coordinator):
    world = await two_party_agreement(coordinator)
    await invite(coordinator, world["agreement"], world["contact"])
    token = token_in((await messages(world["contact"]["email"], "portal_invitation"))[-1])
    browser = browsers()

    # A mail scanner (or the person, twice) opens the link: the link still works.
    for _ in range(2):
        opened = await browser.get(f"/portal/link/{token}")
        assert opened.status_code == 200
        assert f'action="/portal/link/{token}"' in opened.text
        assert_page_headers(opened)

    used = await browser.post(f"/portal/link/{token}",
                              token=await browser.form_token(f"/portal/link/{token}"))
    assert used.status_code == 303
    cookie = used.headers["set-cookie"]
    assert cookie.startswith(f"{get_settings().portal_cookie_name}=")
    for attribute in ("HttpOnly", "Path=/portal", "SameSite=lax", "Secure"):
        assert attribute in cookie
    home = await browser.get("/portal/")
    assert home.status_code == 200
    assert world["agreement"]["title"] in home.text

    again = await browsers().post(f"/portal/link/{token}")
    assert again.status_code == 400
    assert "Länken fungerar inte längre" in again.text
    assert 'href="/portal/login"' in again.text
    assert_page_headers(again)


async def test_logging_out_ends_the_session_on_the_server(browsers, coordinator):
    world, browser = await signed_in_partner(browsers, coordinator)
    session = browser.client.cookies[get_settings().portal_cookie_name]

    out = await browser.post("/portal/logout")
    assert out.status_code == 303
    assert out.headers["location"] == "/portal/login?done=logged_out"
    assert "Du är utloggad" in (await browser.get(out.headers["location"])).text

    # The old cookie, replayed, opens nothing.
    replay = browsers()
    replay.client.cookies.set(get_settings().portal_cookie_name, session, path="/portal")
    assert (await replay.get("/portal/")).status_code == 303


# --- what a partner sees ----------------------------------------------------------------------


async def test_the_partner_sees_its_agreement_and_what_awaits_it(browsers, coordinator):
    soon = (clock.today() + timedelta(days=5)).isoformat()
    world, browser = await signed_in_partner(browsers, coordinator, due_date=soon)

    home = await browser.get("/portal/")
    assert home.status_code == 200
    assert_page_headers(home)
    assert "<h1>Mina överenskommelser</h1>" in home.text
    assert "Åtaganden att bekräfta eller avböja" in home.text
    assert f'href="/portal/commitments/{world["own"]["id"]}"' in home.text
    assert f'href="/portal/commitments/{world["other"]["id"]}"' not in home.text

    page = await browser.get(f"/portal/agreements/{world['agreement']['id']}")
    assert page.status_code == 200
    assert page.text.count("<h1>") == 1
    assert world["own"]["title"] in page.text and world["other"]["title"] in page.text
    # Only the partner's own commitment has a way to act on it.
    assert f'href="/portal/commitments/{world["own"]["id"]}"' in page.text
    assert f'href="/portal/commitments/{world["other"]["id"]}"' not in page.text
    assert world["theirs"]["name"] in page.text
    assert f'/portal/agreements/{world["agreement"]["id"]}/document.pdf' in page.text
    assert '<th scope="col">' in page.text


async def test_nothing_of_another_organisation_is_reachable(browsers, coordinator):
    world = await two_party_agreement(coordinator)
    elsewhere = await two_party_agreement(coordinator)
    draft = await live_agreement(coordinator, world["ours"], world["theirs"], status="draft")
    draft_commitment = await coordinator.commitment(draft, 0)
    browser = browsers()
    await sign_in(browser, coordinator, world["agreement"], world["contact"])

    missing = await browser.get("/portal/agreements/2147483000")
    assert missing.status_code == 404
    for url in (
        f"/portal/agreements/{elsewhere['agreement']['id']}",
        f"/portal/agreements/{elsewhere['agreement']['id']}/document.pdf",
        f"/portal/agreements/{draft['id']}",
        f"/portal/commitments/{world['other']['id']}",
        f"/portal/commitments/{elsewhere['own']['id']}",
        f"/portal/commitments/{draft_commitment['id']}",
        "/portal/commitments/99999999999",
        "/portal/agreements/0",
    ):
        response = await browser.get(url)
        assert response.status_code == 404, url
        assert response.text == missing.text.replace(
            "/portal/agreements/2147483000", url.replace("&", "&amp;")
        ), url
        assert_page_headers(response)

    # Forms that name another organisation's commitment are refused the same way and
    # change nothing.
    for target in (world["other"], elsewhere["own"], draft_commitment):
        for action, data in (("confirm", {}), ("decline", {"comment": "Nej"}),
                             ("reports", {"status": "done", "note": "",
                                          "as_of": clock.today().isoformat()})):
            response = await browser.post(f"/portal/commitments/{target['id']}/{action}", data)
            assert response.status_code == 404, (target["id"], action)
        assert (await commitment(coordinator, target["id"]))["status"] == "proposed"


async def test_the_pdf_is_the_printed_agreement(browsers, coordinator):
    world, browser = await signed_in_partner(browsers, coordinator)
    response = await browser.get(f"/portal/agreements/{world['agreement']['id']}/document.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith("attachment;")


# --- what a partner does ----------------------------------------------------------------------


async def test_confirming_through_the_form(browsers, coordinator):
    world, browser = await signed_in_partner(browsers, coordinator)
    url = f"/portal/commitments/{world['own']['id']}"
    page = await browser.get(url)
    assert page.status_code == 200
    assert f'action="{url}/confirm"' in page.text and f'action="{url}/decline"' in page.text

    done = await browser.post(f"{url}/confirm", {"comment": "Vi tar det.",
                                                  "version": world["own"]["version"]},
                              token=CSRF_FIELD.search(page.text).group(1))
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?done=confirmed"
    after = await commitment(coordinator, world["own"]["id"])
    assert after["status"] == "confirmed"
    assert after["confirmed_by"] == world["contact"]["email"]
    assert after["confirmation_comment"] == "Vi tar det."
    shown = await browser.get(done.headers["location"])
    assert "Åtagandet är bekräftat." in shown.text
    assert f'action="{url}/reports"' in shown.text

    # A second answer is refused on the page, not with a 500.
    twice = await browser.post(f"{url}/decline", {"comment": "Ändå inte"})
    assert twice.status_code == 409
    assert "väntar inte på svar" in twice.text


async def test_declining_needs_a_reason_and_keeps_what_was_typed(browsers, coordinator):
    world, browser = await signed_in_partner(browsers, coordinator)
    url = f"/portal/commitments/{world['own']['id']}"

    blank = await browser.post(f"{url}/decline", {"comment": "   "})
    assert blank.status_code == 400
    assert "Skriv varför ni avböjer åtagandet." in blank.text
    assert 'id="decline-comment-error"' in blank.text
    assert 'aria-describedby="decline-comment-hint decline-comment-error"' in blank.text
    assert (await commitment(coordinator, world["own"]["id"]))["status"] == "proposed"

    too_long = "x" * 2001
    refused = await browser.post(f"{url}/decline", {"comment": too_long})
    assert refused.status_code == 400
    assert too_long in refused.text

    declined = await browser.post(f"{url}/decline", {"comment": "Vi saknar resurser i år."})
    assert declined.status_code == 303
    after = await commitment(coordinator, world["own"]["id"])
    assert after["status"] == "declined"
    assert after["confirmation_comment"] == "Vi saknar resurser i år."


async def test_a_commitment_changed_since_the_page_was_read_is_not_confirmed(
    browsers, coordinator
):
    world, browser = await signed_in_partner(browsers, coordinator)
    url = f"/portal/commitments/{world['own']['id']}"
    read_version = world["own"]["version"]
    changed = await coordinator.patch(f"/api/commitments/{world['own']['id']}",
                                      json={"title": "Ny lydelse"},
                                      headers={"If-Match": f'"{read_version}"'})
    assert changed.status_code == 200, changed.text

    refused = await browser.post(f"{url}/confirm", {"comment": "", "version": read_version})
    assert refused.status_code == 409
    assert "har ändrats sedan du öppnade sidan" in refused.text
    assert (await commitment(coordinator, world["own"]["id"]))["status"] == "proposed"


async def test_reporting_progress_through_the_form(browsers, coordinator):
    world, browser = await signed_in_partner(browsers, coordinator)
    url = f"/portal/commitments/{world['own']['id']}"
    assert (await browser.post(f"{url}/confirm", {"comment": ""})).status_code == 303

    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    future = await browser.post(f"{url}/reports", {"status": "in_progress",
                                                   "note": "Halvvägs.", "as_of": tomorrow})
    assert future.status_code == 400
    assert "Datumet får inte ligga i framtiden." in future.text
    assert "Halvvägs." in future.text
    assert 'value="in_progress" checked' in future.text

    no_status = await browser.post(f"{url}/reports", {"note": "", "as_of": "igår"})
    assert no_status.status_code == 400
    assert "Välj hur det går." in no_status.text
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in no_status.text
    assert '<legend>Hur går det?</legend>' in no_status.text

    as_of = (clock.today() - timedelta(days=2)).isoformat()
    sent = await browser.post(f"{url}/reports", {"status": "in_progress",
                                                 "note": "Två av fyra möten hållna.",
                                                 "as_of": as_of})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}?done=reported"
    assert (await commitment(coordinator, world["own"]["id"]))["status"] == "in_progress"
    reports = await coordinator.get(f"/api/commitments/{world['own']['id']}/reports")
    assert [(r["status"], r["note"], r["as_of"]) for r in reports.json()] == [
        ("in_progress", "Två av fyra möten hållna.", as_of)
    ]
    page = await browser.get(sent.headers["location"])
    assert "Rapporten är skickad." in page.text
    assert "Två av fyra möten hållna." in page.text


# --- CSRF -------------------------------------------------------------------------------------


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    browsers, coordinator
):
    world, browser = await signed_in_partner(browsers, coordinator)
    url = f"/portal/commitments/{world['own']['id']}"

    for token in (None, "0" * 128):
        if token is None:
            response = await browser.post(f"{url}/confirm", {"comment": ""}, csrf=False)
        else:
            response = await browser.post(f"{url}/confirm", {"comment": ""}, token=token)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "Formuläret kunde inte skickas" in response.text
        assert '<html lang="sv">' in response.text
        assert_page_headers(response)
    assert (await commitment(coordinator, world["own"]["id"]))["status"] == "proposed"
    # Signing out needs the token too (no forced logout from another site).
    assert (await browser.post("/portal/logout", csrf=False)).status_code == 403
    assert (await browser.get("/portal/")).status_code == 200


# --- the contact's own details and language -----------------------------------------------------


async def test_the_profile_changes_name_phone_title_and_language_but_not_the_address(
    browsers, coordinator
):
    world, browser = await signed_in_partner(browsers, coordinator)
    page = await browser.get("/portal/profile")
    assert page.status_code == 200
    assert world["contact"]["email"] in page.text
    assert 'name="email"' not in page.text
    assert "Be samordnaren hos Polisen" in page.text

    bad = await browser.post("/portal/profile", {"name": "", "phone": "ring mig",
                                                 "title": "", "language": "sv"})
    assert bad.status_code == 400
    assert "Skriv ditt namn." in bad.text and "Skriv telefonnumret med siffror" in bad.text

    saved = await browser.post("/portal/profile", {
        "name": "Kim Nyman", "title": "Trygghetssamordnare", "phone": "010-123 45 67",
        "language": "en", "email": "kapning@example.se",
    })
    assert saved.status_code == 303
    contact = (await coordinator.get(f"/api/contacts/{world['contact']['id']}")).json()
    assert (contact["name"], contact["title"], contact["phone"], contact["language"]) == (
        "Kim Nyman", "Trygghetssamordnare", "010-123 45 67", "en"
    )
    assert contact["email"] == world["contact"]["email"]
    # The preference now chooses the pages' language…
    english = await browser.get("/portal/")
    assert '<html lang="en">' in english.text and "<h1>My agreements</h1>" in english.text
    # …and the switch outranks it.
    switched = await browser.get("/portal/language/sv?next=/portal/profile")
    assert switched.status_code == 303 and switched.headers["location"] == "/portal/profile"
    assert '<html lang="sv">' in (await browser.get("/portal/profile")).text
    # Choosing a language in the profile is as explicit: the switch's choice is forgotten.
    again = await browser.post("/portal/profile", {"name": "Kim Nyman", "language": "en"})
    assert again.status_code == 303
    assert '<html lang="en">' in (await browser.get("/portal/profile")).text


async def test_the_language_switch_never_leaves_the_site(browsers):
    browser = browsers()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "portal"):
        response = await browser.get("/portal/language/en", params={"next": target})
        assert response.status_code == 303
        assert response.headers["location"] == "/portal/"
    assert (await browser.get("/portal/language/de")).status_code == 404
    page = await browser.get("/portal/login")
    assert '<html lang="en">' in page.text
    assert "Sign in to the partner portal" in page.text
    assert 'lang="sv" hreflang="sv">Svenska</a>' in page.text
