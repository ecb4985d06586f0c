"""Rendering fetches nothing, prints user markup as text, and never blocks the service."""

import asyncio
import http.server
import threading
import time

import pytest

from tests.documents.conftest import flat, pdf_text

URL = "/api/agreements/{}/document.pdf"


@pytest.fixture
def recording_server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


async def test_injected_markup_is_printed_not_fetched(coordinator, recording_server):
    port, hits = recording_server
    image = f'<img src="http://127.0.0.1:{port}/x">'
    style = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
    passwd = '<img src="file:///etc/passwd"> file:///etc/passwd'
    agreement = await coordinator.agreement(
        purpose=f'<style>@import url("http://127.0.0.1:{port}/i.css");</style>{style}',
    )
    await coordinator.commitment(agreement, title=f"Bild {image}", description=passwd)
    response = await coordinator.get(URL.format(agreement["id"]))
    assert response.status_code == 200, response.text
    assert hits == []
    text = pdf_text(response.content)
    compact = "".join(text.split())
    for literal in (image, passwd, style):
        assert "".join(literal.split()) in compact
    assert "root:" not in text


async def test_failed_render_answers_503(coordinator, monkeypatch):
    from samverkan.documents import render

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "render", broken)
    agreement = await coordinator.agreement()
    response = await coordinator.get(URL.format(agreement["id"]))
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "Dokumentet kunde inte skapas" in detail and "could not be rendered" in detail


async def test_slow_render_answers_503_in_time(coordinator, monkeypatch):
    from samverkan.documents import render
    from samverkan.settings import get_settings

    def slow(*args, **kwargs):
        time.sleep(2)
        return b"%PDF-late"

    monkeypatch.setattr(render, "render", slow)
    monkeypatch.setattr(get_settings(), "document_render_timeout_seconds", 0.3)
    agreement = await coordinator.agreement()
    started = time.perf_counter()
    response = await coordinator.get(URL.format(agreement["id"]))
    assert response.status_code == 503
    assert time.perf_counter() - started < 1.5


async def test_other_requests_are_served_while_a_large_document_renders(coordinator, client):
    agreement = await coordinator.agreement()
    path = f"/api/agreements/{agreement['id']}/commitments"
    headers = {"Authorization": f"Bearer {coordinator.user.token}"}

    async def add(number: int):
        body = {"party_id": agreement["parties"][number % 2]["id"],
                "title": f"Åtagande nummer {number}",
                "description": "Parten genomför trygghetsvandringar och rapporterar. " * 3}
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text

    for start in range(0, 300, 20):
        await asyncio.gather(*(add(n) for n in range(start, start + 20)))

    download = asyncio.create_task(coordinator.get(URL.format(agreement["id"])))
    answered: list[float] = []
    started = time.perf_counter()
    while not download.done():
        response = await client.get("/health")
        assert response.status_code == 200
        answered.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)
    finished = time.perf_counter() - started
    response = await download
    assert response.status_code == 200
    assert "Åtagande nummer 299" in flat(pdf_text(response.content))
    # The render took a while, and /health kept answering during it.
    assert finished > 1.0
    assert len(answered) >= 5
    assert max(b - a for a, b in zip([0.0, *answered], answered)) < 1.0
