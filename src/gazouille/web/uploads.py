"""Files from a posted form, copied to a private temporary file (with a size limit enforced
while copying) and handed to the media domain to check and process."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gazouille.core.errors import ValidationFailed
from gazouille.core.media_processing import VIDEO_SIZE_LIMIT
from gazouille.domains.media import service as media
from gazouille.domains.media.service import StagedUpload


def _too_large(field_name: str) -> ValidationFailed:
    return ValidationFailed(
        "Validation failed: File is too large",
        details={field_name: [{"error": "ERR_TOO_LARGE", "description": "is too large"}]},
    )


def _copy(upload: UploadFile, target: Path, field_name: str) -> None:
    upload.file.seek(0)
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > VIDEO_SIZE_LIMIT:
                raise _too_large(field_name)
            out.write(chunk)


@contextlib.asynccontextmanager
async def spooled(upload: UploadFile, field_name: str) -> AsyncIterator[Path]:
    if upload.size is not None and upload.size > VIDEO_SIZE_LIMIT:
        raise _too_large(field_name)
    with tempfile.TemporaryDirectory(prefix="gazouille-web-upload-") as tmp:
        path = Path(tmp) / "upload"
        await run_in_threadpool(_copy, upload, path, field_name)
        yield path


async def stage_all(uploads: list[UploadFile], field_name: str = "media") -> list[StagedUpload]:
    """Check and process each file; if one is refused, those already staged are discarded
    and the error names the field."""
    staged: list[StagedUpload] = []
    try:
        for upload in uploads:
            async with spooled(upload, field_name) as path:
                staged.append(await media.stage_upload(path, synchronous=True))
    except ValidationFailed as exc:
        await discard(staged)
        description = exc.message.removeprefix("Validation failed: ")
        raise ValidationFailed(
            exc.message,
            details={field_name: [{"error": "ERR_INVALID", "description": description}]},
        ) from None
    except BaseException:
        await discard(staged)
        raise
    return staged


async def discard(staged: list[StagedUpload]) -> None:
    for item in staged:
        await item.discard()
