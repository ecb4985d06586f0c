"""The shared web layer: the CSRF configuration and its key, security headers only where
pages live, errors as pages there and JSON in the API, and the language catalogue."""

import stat

import httpx
import pytest
from litestar.config.csrf import CSRFConfig
from litestar.middleware._utils import build_exclude_path_pattern

from samverkan.documents.labels import CHOICES
from samverkan.settings import Settings
from samverkan.web import i18n
from samverkan.web.routes import local_path
from samverkan.web.security import CONTENT_SECURITY_POLICY, csrf_config, secret_key
from tests.factories import org_number, unique

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
async def browser(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


# --- CSRF ------------------------------------------------------------------------------------


def test_the_csrf_key_is_made_once_and_kept_readable_by_the_service_only(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", secret_key="")
    first = secret_key(settings)
    path = tmp_path / "data" / "secret_key"
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(settings) == first
    assert secret_key(Settings(data_dir=tmp_path / "data", secret_key="given")) == "given"


def test_csrf_spares_the_api_and_follows_the_portal_cookie_rules(tmp_path):
    config = csrf_config(Settings(data_dir=tmp_path, environment="production"))
    assert isinstance(config, CSRFConfig)
    assert (config.cookie_secure, config.cookie_samesite, config.cookie_httponly) == (
        True, "lax", True
    )
    assert csrf_config(Settings(data_dir=tmp_path, environment="development")).cookie_secure \
        is False

    pattern = build_exclude_path_pattern(exclude=config.exclude)
    for path in ("/api", "/api/agreements", "/health", "/schema", "/schema/swagger",
                 "/static/css/samverkan.css"):
        assert pattern.findall(path), path
    for path in ("/portal/login", "/portal/api", "/portal/static/x", "/apix", "/"):
        assert not pattern.findall(path), path


async def test_api_clients_need_no_csrf_token(coordinator):
    response = await coordinator.post("/api/organizations", json={
        "name": unique("Utan CSRF AB "), "kind": "business", "org_number": org_number(),
        "contacts": [],
    })
    assert response.status_code == 201, response.text


# --- headers and error pages -----------------------------------------------------------------


async def test_pages_carry_the_security_headers_and_the_api_does_not_change(browser):
    page = await browser.get("/portal/login")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"

    api = await browser.get("/health")
    assert "content-security-policy" not in api.headers
    # Swagger UI keeps working: its page is not under the pages' policy.
    docs = await browser.get("/schema/swagger")
    assert "content-security-policy" not in docs.headers


async def test_pages_have_no_inline_script_or_style(browser):
    page = (await browser.get("/portal/login")).text
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert '<script src="/static/htmx/htmx.min.js" defer></script>' in page
    for asset in ("/static/htmx/htmx.min.js", "/static/css/samverkan.css",
                  "/static/htmx/LICENSE"):
        assert (await browser.get(asset)).status_code == 200, asset


async def test_errors_are_pages_under_portal_and_json_in_the_api(browser):
    page = await browser.get("/portal/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Sidan finns inte</h1>" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"

    api = await browser.get("/api/agreements/1", headers={"Authorization": "Bearer nope"})
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/json")

    wrong_method = await browser.delete("/portal/login")
    assert wrong_method.status_code == 405
    assert "text/html" in wrong_method.headers["content-type"]


async def test_a_form_without_token_is_a_swedish_403_page(browser):
    response = await browser.post("/portal/login", data={"email": "a@example.se"})
    assert response.status_code == 403
    assert '<html lang="sv">' in response.text
    assert "Formuläret kunde inte skickas" in response.text


# --- language ----------------------------------------------------------------------------------


def test_both_languages_have_every_message():
    assert set(i18n.MESSAGES["sv"]) == set(i18n.MESSAGES["en"])
    for lang in i18n.LANGUAGES:
        for group in CHOICES["sv"]:
            assert set(CHOICES[lang][group]) == set(CHOICES["sv"][group])


def test_the_switch_outranks_the_preference_which_outranks_swedish():
    class FakeRequest:
        def __init__(self, cookies):
            self.cookies = cookies

    assert i18n.choose_language(FakeRequest({}), None) == "sv"
    assert i18n.choose_language(FakeRequest({}), "en") == "en"
    assert i18n.choose_language(FakeRequest({i18n.LANGUAGE_COOKIE: "sv"}), "en") == "sv"
    assert i18n.choose_language(FakeRequest({i18n.LANGUAGE_COOKIE: "xx"}), "en") == "en"


@pytest.mark.parametrize("target, expected", [
    ("/portal/agreements/3?x=1", "/portal/agreements/3?x=1"),
    ("//evil.example", "/portal/"),
    ("/\\evil.example", "/portal/"),
    ("https://evil.example/", "/portal/"),
    ("/portal/\r\nSet-Cookie: x", "/portal/"),
    ("", "/portal/"),
    (None, "/portal/"),
])
def test_going_back_after_the_switch_stays_on_the_site(target, expected):
    assert local_path(target, "/portal/") == expected
