"""HTTP route of the lägesbild import: upload a CSV or XLSX file of indicator values."""

import asyncio
from typing import Annotated

from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import BaseModel

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.situation.importing import read_rows
from samverkan.situation.imports import ImportRefused, import_rows

User = Request[CurrentUser, None, None]
# An upload larger than this is refused before it is read (100,000 rows are about 6 MB).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportResult(BaseModel):
    rows: int
    inputs_created: int
    inputs_updated: int
    rounds: int


class ImportController(Controller):
    path = "/api/situation/imports"
    tags = ["Lägesbild (situation picture)"]
    request_max_body_size = MAX_UPLOAD_BYTES

    @post("/", status_code=200)
    async def upload(
        self, request: User,
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportResult:
        """Import a CSV or XLSX file (form field `data`): all rows or none. A file with
        problems answers 400 listing each one's row (`line`), column (`key`) and message."""
        content = await data.read()
        # Parsing a large file is CPU work: off the event loop.
        rows, problems = await asyncio.to_thread(read_rows, content, data.filename or "")
        if problems:
            raise ImportRefused(problems)
        async with write_transaction():
            report = await import_rows(request.user.actor, rows)
        return ImportResult(**report.__dict__)
