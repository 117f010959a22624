"""The job that processes an uploaded video or animated GIF. The heavy work runs outside any
transaction; the row is updated in one short write. Running it twice is harmless: a row
that is no longer processing is left alone, and files of a vanished row are removed."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from gazouille.core.media_processing import MediaInvalid, ProcessedMedia
from gazouille.core.storage import get_storage
from gazouille.core.video_processing import transcode
from gazouille.domains.media.service import PROCESS_JOB, discard_files, store_processed
from gazouille.models import MediaAttachment
from gazouille.worker.runtime import JobContext

__all__ = ["PROCESS_JOB", "process_media"]
log = logging.getLogger(__name__)


def _process(original_key: str, gifv: bool) -> tuple[str, str | None, ProcessedMedia, int]:
    storage = get_storage()
    source = storage.open(original_key)
    if source is None:
        raise MediaInvalid("Validation failed: File could not be processed")
    prefix = original_key.rsplit("/", 1)[0]
    with tempfile.TemporaryDirectory(prefix="gazouille-media-") as tmp:
        processed = transcode(source, Path(tmp), gifv=gifv)
        file_key, thumbnail_key = store_processed(storage, prefix, processed)
        return file_key, thumbnail_key, processed, processed.file.size


async def process_media(ctx: JobContext, payload: dict[str, Any]) -> None:
    media_id = int(payload["media_id"])
    async with ctx.db.read() as session:
        row = await session.get(MediaAttachment, media_id)
    if row is None or row.state != "processing" or not row.original_key:
        return
    try:
        file_key, thumbnail_key, processed, size = await asyncio.to_thread(
            _process, row.original_key, row.type == "gifv"
        )
    except MediaInvalid as exc:
        async with ctx.db.write() as session:
            current = await session.get(MediaAttachment, media_id)
            if current is not None and current.state == "processing":
                current.state, current.error = "failed", exc.message
        return
    original_key = row.original_key
    async with ctx.db.write() as session:
        current = await session.get(MediaAttachment, media_id)
        if current is None or current.state != "processing":
            stale = [file_key, thumbnail_key] if current is None else []
            await discard_files([k for k in stale if k])
            return
        current.state = "done"
        current.type = processed.type
        current.content_type = "video/mp4"
        current.file_key = file_key
        current.file_size = size
        meta = dict(processed.meta)
        if current.thumbnail_key:  # a custom preview was given with the upload: keep it
            meta["small"] = (current.meta or {}).get("small", meta.get("small"))
            await discard_files([k for k in (thumbnail_key,) if k])
        else:
            current.thumbnail_key = thumbnail_key
        current.meta = meta
        current.blurhash = processed.blurhash
        current.original_key = None
    await discard_files([original_key])
