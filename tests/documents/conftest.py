"""Documents are cached on disk: each test session gets a cache directory of its own."""

import subprocess

import pytest


@pytest.fixture(autouse=True)
def document_cache(tmp_path_factory, monkeypatch):
    from samverkan.documents import service

    directory = tmp_path_factory.mktemp("documents")
    monkeypatch.setattr(service, "_cache_dir", lambda: directory)
    return directory


def pdf_text(pdf: bytes, page: int | None = None, layout: bool = False) -> str:
    """pdftotext of the whole document, or of one page; non-breaking spaces kept. With
    `layout`, a table's row stays on one line."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    result = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text with every kind of whitespace (line breaks, NBSP) as one space."""
    return " ".join(text.replace("\u00a0", " ").split())


def page_count(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
