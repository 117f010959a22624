"""Uploaded files from multipart requests, copied to a private temporary file (with the size
limit enforced while copying) so processing can work on a path."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gazouille.api.params import Params
from gazouille.core.errors import ValidationFailed
from gazouille.core.media_processing import VIDEO_SIZE_LIMIT
from gazouille.domains.media import service as media


def upload_of(params: Params, key: str) -> UploadFile | None:
    value = params.raw(key)
    if value is None or value == "":
        return None
    if not isinstance(value, UploadFile):
        raise ValidationFailed(f"Validation failed: {key.capitalize()} must be a file upload")
    return value


def _copy(upload: UploadFile, target: Path) -> None:
    upload.file.seek(0)
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > VIDEO_SIZE_LIMIT:
                raise ValidationFailed("Validation failed: File is too large")
            out.write(chunk)


@contextlib.asynccontextmanager
async def spooled(upload: UploadFile) -> AsyncIterator[Path]:
    """The upload as a local file, removed afterwards."""
    if upload.size is not None and upload.size > VIDEO_SIZE_LIMIT:
        raise ValidationFailed("Validation failed: File is too large")
    with tempfile.TemporaryDirectory(prefix="gazouille-upload-") as tmp:
        path = Path(tmp) / "upload"
        await run_in_threadpool(_copy, upload, path)
        yield path


async def stage_profile_images(params: Params, account_id: int) -> dict[str, str]:
    """The ``avatar`` and ``header`` files of a profile update, processed and stored; their
    storage keys by name. Nothing is left behind when one of them is refused."""
    keys: dict[str, str] = {}
    try:
        for variant in ("avatar", "header"):
            upload = upload_of(params, variant)
            if upload is not None:
                async with spooled(upload) as path:
                    keys[variant] = await media.stage_profile_image(path, account_id, variant)
    except BaseException:
        await media.discard_files(list(keys.values()))
        raise
    return keys
