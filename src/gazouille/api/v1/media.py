"""/api/v1/media and /api/v2/media: uploads, alt text and focus, deletion; and /system/…,
where local storage serves the files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import FileResponse

from gazouille.api.auth import require_viewer, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import media_json
from gazouille.api.uploads import spooled, upload_of
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.core.storage import content_type_of, get_storage
from gazouille.domains.media import service as media

router = APIRouter()


async def _upload(request: Request, *, synchronous: bool) -> JSON:
    viewer = await require_viewer(request, "write:media")
    params = await read_params(request)
    upload = upload_of(params, "file")
    if upload is None:
        raise ValidationFailed("Validation failed: File can't be blank")
    description = media.check_description(params.get_str("description"))
    focus = media.parse_focus(params.get_str("focus"))
    async with spooled(upload) as path:
        staged = await media.stage_upload(path, synchronous=synchronous)
    try:
        thumbnail = await _thumbnail(params)
    except BaseException:
        await staged.discard()
        raise
    try:
        async with state(request).db.write() as session:
            row = await media.record_upload(
                session,
                viewer.account,
                staged,
                description=description,
                focus=focus,
                thumbnail=thumbnail,
            )
    except BaseException:
        await staged.discard()
        if thumbnail is not None:
            await media.discard_files([thumbnail.key])
        raise
    return JSON(media_json(row), status_code=202 if staged.processing else 200)


async def _thumbnail(params: Any) -> media.StagedThumbnail | None:
    upload = upload_of(params, "thumbnail")
    if upload is None:
        return None
    async with spooled(upload) as path:
        return await media.stage_thumbnail(path)


@router.post("/api/v2/media")
async def upload_v2(request: Request) -> JSON:
    """Images are processed at once (200); video and GIF by a job (202, ``url`` null)."""
    return await _upload(request, synchronous=False)


@router.post("/api/v1/media")
async def upload_v1(request: Request) -> JSON:
    """The legacy endpoint: everything is processed before answering."""
    return await _upload(request, synchronous=True)


@router.get("/api/v1/media/{media_id}")
async def get_media(request: Request, media_id: str) -> JSON:
    viewer = await require_viewer(request, "write:media")
    async with state(request).db.read() as session:
        row = await media.get_own(session, viewer.account, parse_id(media_id))
    if row.state == "failed":
        raise ValidationFailed("Validation failed: File could not be processed")
    return JSON(media_json(row), status_code=206 if row.state == "processing" else 200)


@router.put("/api/v1/media/{media_id}")
async def update_media(request: Request, media_id: str) -> JSON:
    viewer = await require_viewer(request, "write:media")
    params = await read_params(request)
    description = params.get_str("description")
    focus = media.parse_focus(params.get_str("focus"))
    thumbnail = await _thumbnail(params)
    try:
        async with state(request).db.write() as session:
            row = await media.update_media(
                session,
                viewer.account,
                parse_id(media_id),
                description=description,
                focus=focus,
                thumbnail=thumbnail,
            )
    except BaseException:
        if thumbnail is not None:
            await media.discard_files([thumbnail.key])
        raise
    return JSON(media_json(row), status_code=206 if row.state == "processing" else 200)


@router.delete("/api/v1/media/{media_id}")
async def delete_media(request: Request, media_id: str) -> JSON:
    viewer = await require_viewer(request, "write:media")
    async with state(request).db.write() as session:
        keys = await media.delete_media(session, viewer.account, parse_id(media_id))
    await media.discard_files(keys)
    return JSON({})


@router.get("/system/{key:path}")
async def system_file(key: str) -> FileResponse:
    """Files of local storage. Sources awaiting processing are never served: they still
    carry the uploader's metadata."""
    if key.rsplit("/", 1)[-1].startswith("source."):
        raise NotFound()
    path = get_storage().open(key)
    if path is None:
        raise NotFound()
    return FileResponse(
        path,
        media_type=content_type_of(key),
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
