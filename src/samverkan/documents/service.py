"""The printed agreement: read through the agreements service, render off the event loop,
cache on disk by (agreement, version, content digest, template version, variant, lang)."""

import functools
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread
import msgspec

from samverkan.agreements import service as agreements
from samverkan.documents import render
from samverkan.errors import SamverkanError
from samverkan.registry import service as registry
from samverkan.settings import get_settings

log = logging.getLogger(__name__)


class RenderUnavailable(SamverkanError):
    """The document could not be rendered in time (or at all): try again later."""

    status_code = 503


UNAVAILABLE = (
    "Dokumentet kunde inte skapas just nu; försök igen om en stund. "
    "(The document could not be rendered right now; please try again shortly.)"
)


@dataclass(frozen=True)
class Document:
    agreement_id: int
    version: int
    key: str
    agreement_json: bytes
    contacts: dict
    lang: str
    variant: str
    registration_number: str | None

    @property
    def etag(self) -> str:
        return f'"{self.key}"'

    @property
    def filename(self) -> str:
        suffix = "" if self.lang == "sv" else f"-{self.lang}"
        suffix += "" if self.variant == "a3b" else f"-{self.variant}"
        return f"overenskommelse-{self.agreement_id}-v{self.version}{suffix}.pdf"


_ENCODER = msgspec.json.Encoder()


def _api_json(body) -> bytes:
    """The bytes GET /api/agreements/{id} answers (Litestar encodes pydantic models so)."""
    if isinstance(body, bytes):
        return body
    return _ENCODER.encode(body.model_dump(mode="json"))


async def describe(agreement_id: int, lang: str, variant: str) -> Document:
    """What the document of the agreement's current state is, without rendering it."""
    body, version = await agreements.agreement_response(agreement_id)
    agreement_json = _api_json(body)
    agreement = json.loads(agreement_json)
    # Responsible contacts are registry data, not part of the agreement's JSON: they are
    # read through the registry's service and go into the digest, so a renamed contact
    # gives a new document too.
    ids = sorted({c["responsible_contact_id"] for c in agreement["commitments"]
                  if c["responsible_contact_id"]})
    found = await registry.contacts_by_ids(ids) if ids else {}
    contacts = {i: found[i].model_dump(mode="json") for i in ids if i in found}
    digest = hashlib.sha256(
        agreement_json + _ENCODER.encode(sorted(contacts.items()))
    ).hexdigest()[:16]
    key = (f"agreement-{agreement_id}-v{version}-{digest}-t{render.TEMPLATE_VERSION}"
           f"-{variant}-{lang}")
    return Document(agreement_id, version, key, agreement_json, contacts, lang, variant,
                    agreement["registration_number"])


def _cache_dir() -> Path:
    return get_settings().document_cache_dir


def cached(document: Document) -> bytes | None:
    try:
        return (_cache_dir() / f"{document.key}.pdf").read_bytes()
    except FileNotFoundError:
        return None


def _store(document: Document, pdf: bytes) -> None:
    directory = _cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "wb") as file:
        file.write(pdf)
    os.replace(temporary, directory / f"{document.key}.pdf")
    # Older documents of the same agreement, variant and language are never served again.
    for old in directory.glob(f"agreement-{document.agreement_id}-v*-{document.variant}"
                              f"-{document.lang}.pdf"):
        if old.name != f"{document.key}.pdf":
            old.unlink(missing_ok=True)


_limiter: anyio.CapacityLimiter | None = None
_locks: dict[str, anyio.Lock] = {}


def _render_limiter() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(get_settings().document_render_concurrency)
    return _limiter


def _render_blocking(document: Document) -> bytes:
    return render.render(document.agreement_json, document.contacts, document.lang,
                         document.variant, get_settings().timezone)


async def pdf(document: Document) -> bytes:
    """The document's bytes: from the cache, or rendered in a worker thread within the
    time limit (503 when it fails or takes too long)."""
    found = cached(document)
    if found is not None:
        return found
    lock = _locks.setdefault(document.key, anyio.Lock())
    async with lock:
        found = cached(document)
        if found is not None:
            return found
        try:
            with anyio.fail_after(get_settings().document_render_timeout_seconds):
                # abandon_on_cancel: on timeout the request answers at once; the thread
                # finishes on its own (a thread cannot be stopped) and its result is dropped.
                rendered = await anyio.to_thread.run_sync(
                    functools.partial(_render_blocking, document),
                    abandon_on_cancel=True,
                    limiter=_render_limiter(),
                )
        except TimeoutError:
            log.warning("document render timed out: %s", document.key)
            raise RenderUnavailable(UNAVAILABLE) from None
        except Exception:
            log.exception("document render failed: %s", document.key)
            raise RenderUnavailable(UNAVAILABLE) from None
        else:
            # Stored before the lock is let go: a request arriving after it finds the
            # file instead of rendering the same document a second time.
            _store(document, rendered)
            return rendered
        finally:
            _locks.pop(document.key, None)
