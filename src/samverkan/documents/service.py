"""The printed agreement and the printed lägesbild round: read through the agreements and
situation services, render off the event loop, cache on disk by (agreement or round, content
digest, template version, variant, lang) – docs/documents.md."""

import datetime as dt
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
from samverkan.errors import NotFound, SamverkanError
from samverkan.registry import service as registry
from samverkan.settings import get_settings
from samverkan.situation import service as situation

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
    """An agreement's document, or (round_id set) one lägesbild round's."""

    agreement_id: int
    version: int
    key: str
    agreement_json: bytes
    contacts: dict
    lang: str
    variant: str
    registration_number: str | None
    picture_json: bytes | None = None  # lagesbild.json: the picture printed, see picture_json()
    round_id: int | None = None
    period: str | None = None
    stamp: str | None = None  # a round document's date (its latest shared input)

    @property
    def etag(self) -> str:
        return f'"{self.key}"'

    @property
    def filename(self) -> str:
        suffix = "" if self.lang == "sv" else f"-{self.lang}"
        suffix += "" if self.variant == "a3b" else f"-{self.variant}"
        if self.round_id is not None:
            return f"lagesbild-{self.agreement_id}-{self.period}{suffix}.pdf"
        return f"overenskommelse-{self.agreement_id}-v{self.version}{suffix}.pdf"

    @property
    def older(self) -> str:
        """A glob of the cache files of the same agreement or round, variant and language."""
        if self.round_id is not None:
            return f"round-{self.round_id}-*-{self.variant}-{self.lang}.pdf"
        return f"agreement-{self.agreement_id}-v*-{self.variant}-{self.lang}.pdf"


_ENCODER = msgspec.json.Encoder()


def _api_json(body) -> bytes:
    """The bytes GET /api/agreements/{id} answers (Litestar encodes pydantic models so)."""
    if isinstance(body, bytes):
        return body
    return _ENCODER.encode(body.model_dump(mode="json"))


async def picture_json(agreement_id: int, round_id: int | None,
                       organizations: dict[int, str]) -> bytes | None:
    """The joint picture printed (and attached as lagesbild.json): the round's – the latest
    when none is named – as shared with every party, so without internal inputs, and the
    shared inputs that count in it with their status (submitted or accepted) and dates.
    None when the agreement has no round yet."""
    try:
        picture = await situation.joint_picture(agreement_id, round_id, situation.EXPORT)
    except NotFound:
        if round_id is None:
            return None
        raise
    order = list(organizations)
    inputs = sorted(
        (i for i in await situation.inputs(picture.round.id)
         if not i.internal and i.status in situation.COUNTED),
        key=lambda i: (order.index(i.party_id) if i.party_id in order else len(order), i.id),
    )
    return _ENCODER.encode({
        "picture": picture.model_dump(mode="json"),
        "inputs": [
            {"party_id": i.party_id, "organization": organizations.get(i.party_id, ""),
             **i.model_dump(mode="json", include={"status", "submitted_at", "reviewed_at"})}
            for i in inputs
        ],
    })


async def describe(agreement_id: int, lang: str, variant: str) -> Document:
    """What the document of the agreement's current state is, without rendering it."""
    body, version = await agreements.agreement_response(agreement_id)
    agreement_json = _api_json(body)
    agreement = json.loads(agreement_json)
    picture = await picture_json(
        agreement_id, None, {p["id"]: p["organization"]["name"] for p in agreement["parties"]}
    )
    # Responsible contacts are registry data, not part of the agreement's JSON: they are
    # read through the registry's service and go into the digest, so a renamed contact
    # gives a new document too.
    ids = sorted({c["responsible_contact_id"] for c in agreement["commitments"]
                  if c["responsible_contact_id"]})
    found = await registry.contacts_by_ids(ids) if ids else {}
    contacts = {i: found[i].model_dump(mode="json") for i in ids if i in found}
    # The lägesbild printed is part of the content too: a submitted, accepted or returned
    # input changes the picture, so the digest, so the key and the ETag.
    digest = hashlib.sha256(
        agreement_json + _ENCODER.encode(sorted(contacts.items()))
        + b"\x00" + (picture or b"")
    ).hexdigest()[:16]
    key = (f"agreement-{agreement_id}-v{version}-{digest}-t{render.TEMPLATE_VERSION}"
           f"-{variant}-{lang}")
    return Document(agreement_id, version, key, agreement_json, contacts, lang, variant,
                    agreement["registration_number"], picture)


async def describe_round(round_id: int, lang: str, variant: str) -> Document:
    """What the document of one lägesbild round is, without rendering it: a cover with the
    agreement's facts and the round's joint picture (internal inputs left out)."""
    round_read = await situation.round_(round_id)  # NotFound for an unknown round
    agreement = (await agreements.agreement(round_read.agreement_id)).model_dump(mode="json")
    organizations = {p["id"]: p["organization"]["name"] for p in agreement["parties"]}
    picture = await picture_json(agreement["id"], round_id, organizations)
    # Only what the cover prints, so a new commitment does not make a new round document.
    cover = {key: agreement[key] for key in ("id", "title", "kind", "registration_number",
                                             "period_start", "period_end")}
    cover["parties"] = [{"name": p["organization"]["name"],
                         "org_number": p["organization"]["org_number"]}
                        for p in agreement["parties"]]
    cover_json = _ENCODER.encode(cover)
    # The document's date: the latest submission or review of an input printed, or when the
    # round was opened.
    printed = json.loads(picture)
    stamp = max(
        [_utc(printed["picture"]["round"]["created_at"])]
        + [_utc(i[key]) for i in printed["inputs"] for key in ("submitted_at", "reviewed_at")
           if i[key]]
    )
    digest = hashlib.sha256(
        cover_json + b"\x00" + picture + b"\x00" + stamp.encode()
    ).hexdigest()[:16]
    key = f"round-{round_id}-{digest}-t{render.TEMPLATE_VERSION}-{variant}-{lang}"
    return Document(agreement["id"], agreement["version"], key, cover_json, {}, lang, variant,
                    agreement["registration_number"], picture, round_id, round_read.period,
                    stamp)


def _utc(value: str) -> str:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    # Older documents of the same agreement (or round), variant and language are never
    # served again.
    for old in directory.glob(document.older):
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
    if document.round_id is not None:
        return render.render_round(document.agreement_json, document.picture_json,
                                   document.lang, document.variant, document.stamp,
                                   get_settings().timezone)
    return render.render(document.agreement_json, document.contacts, document.lang,
                         document.variant, get_settings().timezone,
                         picture_json=document.picture_json)


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
