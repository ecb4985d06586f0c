"""The service says whether it is healthy and documents its API."""

import re


async def test_health_reports_the_database(client, database):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "sqlite" if database.is_sqlite else "postgres",
    }


async def test_openapi_document_lists_the_api_and_its_security(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    for path in (
        "/api/agreements",
        "/api/agreements/{agreement_id}",
        "/api/agreements/{agreement_id}/status",
        "/api/agreements/{agreement_id}/history",
        "/api/commitments/{commitment_id}",
        "/api/organizations",
        "/api/reference/municipalities",
        "/api/auth/login",
    ):
        assert path in spec["paths"], path
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "session"}
    patch = spec["paths"]["/api/agreements/{agreement_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])


async def test_interactive_api_page(client):
    response = await client.get("/schema")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "swagger-ui" in response.text
    assert "/api/agreements" in response.text  # the page carries this service's spec


async def test_the_api_page_works_without_internet(client):
    """Every script, style and icon the page loads is served by the service itself."""
    page = (await client.get("/schema")).text
    assets = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is fetched from elsewhere"
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 0
