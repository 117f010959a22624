"""Media attachments: uploads (processed now, or by a job for video and animated GIF),
alt text and focal point, deletion, and handing them to a status.

An upload is *staged* first, outside any transaction: the file is checked, processed and
written to storage. Only then is the row recorded; if that fails, the caller discards the
staged files, so a refused upload leaves neither a file nor a row behind."""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import after_commit
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.media_processing import (
    DESCRIPTION_LIMIT,
    IMAGE_TYPES,
    ProcessedMedia,
    Variant,
    check_upload,
    dimensions,
    invalid,
    is_animated,
    open_image,
    process_image,
    process_thumbnail,
)
from gazouille.core.storage import Storage, get_storage
from gazouille.core.video_processing import probe, transcode
from gazouille.models import Account, MediaAttachment
from gazouille.worker.queue import enqueue

PROCESS_JOB = "media.process"
MAX_ATTACHMENTS = 4
SOURCE_EXTENSIONS = {
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}


@dataclass
class StagedUpload:
    """An upload checked and written to storage, not yet recorded."""

    media_id: int
    type: str
    content_type: str
    file_key: str | None = None
    thumbnail_key: str | None = None
    original_key: str | None = None
    file_size: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    blurhash: str | None = None

    @property
    def processing(self) -> bool:
        return self.file_key is None

    @property
    def keys(self) -> list[str]:
        return [k for k in (self.file_key, self.thumbnail_key, self.original_key) if k]

    async def discard(self) -> None:
        await discard_files(self.keys)


def media_prefix(media_id: int) -> str:
    # The random part keeps the files of private posts unguessable from their ids.
    return f"media_attachments/{media_id}/{secrets.token_hex(8)}"


def store_processed(
    storage: Storage, prefix: str, processed: ProcessedMedia
) -> tuple[str, str | None]:
    file_key = f"{prefix}/original.{processed.file.ext}"
    storage.save(file_key, processed.file.path)
    thumbnail_key = None
    if processed.thumbnail is not None:
        thumbnail_key = f"{prefix}/small.{processed.thumbnail.ext}"
        try:
            storage.save(thumbnail_key, processed.thumbnail.path)
        except BaseException:
            storage.delete(file_key)
            raise
    return file_key, thumbnail_key


def _stage(source: Path, *, synchronous: bool) -> StagedUpload:
    content_type = check_upload(source)
    animated_gif = content_type == "image/gif" and is_animated(open_image(source, content_type))
    storage = get_storage()
    media_id = new_id()
    prefix = media_prefix(media_id)
    with tempfile.TemporaryDirectory(prefix="gazouille-media-") as tmp:
        workdir = Path(tmp)
        if content_type in IMAGE_TYPES and not animated_gif:
            processed = process_image(source, content_type, workdir)
        elif synchronous:
            processed = transcode(source, workdir, gifv=animated_gif)
        else:
            probe(source)
            original_key = f"{prefix}/source.{SOURCE_EXTENSIONS[content_type]}"
            storage.save(original_key, source)
            kind = "gifv" if animated_gif else "video"
            return StagedUpload(media_id, kind, content_type, original_key=original_key)
        file_key, thumbnail_key = store_processed(storage, prefix, processed)
        return StagedUpload(
            media_id,
            processed.type,
            "video/mp4" if processed.file.ext == "mp4" else content_type,
            file_key=file_key,
            thumbnail_key=thumbnail_key,
            file_size=processed.file.size,
            meta=processed.meta,
            blurhash=processed.blurhash,
        )


@dataclass
class StagedThumbnail:
    """A custom preview written to storage, not yet recorded."""

    key: str
    small: dict[str, Any]


def _stage_thumbnail(source: Path) -> StagedThumbnail:
    with tempfile.TemporaryDirectory(prefix="gazouille-media-") as tmp:
        rendition = process_thumbnail(source, Path(tmp))
        key = f"{media_prefix(new_id())}/thumbnail.{rendition.ext}"
        get_storage().save(key, rendition.path)
        return StagedThumbnail(key, dimensions(rendition.width, rendition.height))


async def stage_thumbnail(source: Path) -> StagedThumbnail:
    """Check, clean and store a custom preview image (a video's poster)."""
    return await asyncio.to_thread(_stage_thumbnail, source)


def _use_thumbnail(row: MediaAttachment, thumbnail: StagedThumbnail) -> str | None:
    """Put a custom preview on ``row``; returns the replaced preview's key, to delete."""
    replaced = row.thumbnail_key
    row.thumbnail_key = thumbnail.key
    row.meta = {**(row.meta or {}), "small": thumbnail.small}
    return replaced


async def stage_upload(source: Path, *, synchronous: bool) -> StagedUpload:
    """Check and process the uploaded file at ``source``; MediaInvalid (422) when refused.
    With ``synchronous`` False, video and animated GIF are only checked: a job does the rest."""
    return await asyncio.to_thread(_stage, source, synchronous=synchronous)


def parse_focus(value: str | None) -> tuple[float, float] | None:
    if value is None or value == "":
        return None
    try:
        x_text, y_text = value.split(",")
        x, y = float(x_text), float(y_text)
    except ValueError:
        x = y = float("nan")
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise invalid("Focus must be two numbers between -1.0 and 1.0, as in 0.5,-0.25")
    return x, y


def check_description(description: str | None) -> str | None:
    if description is not None and len(description) > DESCRIPTION_LIMIT:
        raise invalid(f"Description is too long (maximum is {DESCRIPTION_LIMIT} characters)")
    return description


async def record_upload(
    session: AsyncSession,
    owner: Account,
    staged: StagedUpload,
    *,
    description: str | None = None,
    focus: tuple[float, float] | None = None,
    thumbnail: StagedThumbnail | None = None,
) -> MediaAttachment:
    row = MediaAttachment(
        id=staged.media_id,
        account_id=owner.id,
        type=staged.type,
        state="processing" if staged.processing else "done",
        content_type=staged.content_type,
        file_key=staged.file_key,
        file_size=staged.file_size,
        thumbnail_key=staged.thumbnail_key,
        original_key=staged.original_key,
        description=check_description(description) or None,
        focus_x=focus[0] if focus else 0.0,
        focus_y=focus[1] if focus else 0.0,
        blurhash=staged.blurhash,
        meta=staged.meta,
        created_at=clock.now(),
    )
    if thumbnail is not None:
        replaced = _use_thumbnail(row, thumbnail)
        if replaced:
            after_commit(session, lambda: discard_files([replaced]))
    session.add(row)
    await session.flush()
    if staged.processing:
        await enqueue(
            session, PROCESS_JOB, {"media_id": row.id}, dedupe_key=f"media.process:{row.id}"
        )
    return row


async def get_own(session: AsyncSession, owner: Account, media_id: int | None) -> MediaAttachment:
    row = await session.get(MediaAttachment, media_id) if media_id else None
    if row is None or row.account_id != owner.id:
        raise NotFound()
    return row


async def update_media(
    session: AsyncSession,
    owner: Account,
    media_id: int | None,
    *,
    description: str | None,
    focus: tuple[float, float] | None,
    thumbnail: StagedThumbnail | None = None,
) -> MediaAttachment:
    """Alt text, focal point and custom preview of an upload not yet attached (Mastodon's
    rule)."""
    row = await get_own(session, owner, media_id)
    if row.status_id is not None:
        raise NotFound()
    if thumbnail is not None:
        replaced = _use_thumbnail(row, thumbnail)
        if replaced:
            after_commit(session, lambda: discard_files([replaced]))
    if description is not None:
        row.description = check_description(description) or None
    if focus is not None:
        row.focus_x, row.focus_y = focus
    await session.flush()
    return row


async def delete_media(session: AsyncSession, owner: Account, media_id: int | None) -> list[str]:
    """Delete an unattached upload; returns the storage keys to remove once committed."""
    row = await get_own(session, owner, media_id)
    if row.status_id is not None:
        raise ValidationFailed("Media attachment is currently used by a status")
    keys = [k for k in (row.file_key, row.thumbnail_key, row.original_key) if k]
    await session.delete(row)
    await session.flush()
    return keys


async def delete_status_media(session: AsyncSession, status_id: int) -> None:
    """Delete a status's media rows now and their files once the transaction commits."""
    rows = list(
        (
            await session.execute(
                select(MediaAttachment).where(MediaAttachment.status_id == status_id)
            )
        ).scalars()
    )
    keys = [k for m in rows for k in (m.file_key, m.thumbnail_key, m.original_key) if k]
    for row in rows:
        await session.delete(row)
    await session.flush()
    if keys:
        after_commit(session, lambda: discard_files(keys))


def _stage_profile_image(source: Path, account_id: int, variant: Variant) -> str:
    content_type = check_upload(source)
    if content_type not in IMAGE_TYPES:
        raise invalid("File content type is invalid")
    with tempfile.TemporaryDirectory(prefix="gazouille-media-") as tmp:
        processed = process_image(source, content_type, Path(tmp), variant)
        key = f"accounts/{variant}s/{account_id}/{secrets.token_hex(8)}.{processed.file.ext}"
        get_storage().save(key, processed.file.path)
    return key


async def stage_profile_image(source: Path, account_id: int, variant: Variant) -> str:
    """An avatar (400x400) or header (1500x500), cropped to fill, stored; its storage key."""
    return await asyncio.to_thread(_stage_profile_image, source, account_id, variant)


async def set_profile_images(
    session: AsyncSession, account: Account, keys: dict[str, str]
) -> list[str]:
    """Point the account at its new avatar and/or header; returns the replaced files' keys,
    to remove once committed."""
    replaced = []
    if "avatar" in keys:
        replaced.append(account.avatar_key)
        account.avatar_key = keys["avatar"]
    if "header" in keys:
        replaced.append(account.header_key)
        account.header_key = keys["header"]
    if keys:
        account.updated_at = clock.now()
        await session.flush()
    return [k for k in replaced if k]


def _delete_files(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)


async def discard_files(keys: list[str]) -> None:
    if keys:
        await asyncio.to_thread(_delete_files, keys)


async def usable_for_status(
    session: AsyncSession, owner: Account, media_ids: list[int], status_id: int | None = None
) -> list[MediaAttachment]:
    """The uploads named by ``media_ids``, in that order, checked: at most four, the owner's,
    processed, and not attached elsewhere (``status_id`` allows those of a status being
    edited); a video or GIF goes alone."""
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return []
    if len(ids) > MAX_ATTACHMENTS:
        raise invalid(f"Media attachments can't be more than {MAX_ATTACHMENTS}")
    rows = {
        m.id: m
        for m in (
            await session.execute(
                select(MediaAttachment).where(
                    MediaAttachment.id.in_(ids), MediaAttachment.account_id == owner.id
                )
            )
        ).scalars()
    }

    def available(row: MediaAttachment) -> bool:
        return row.status_id is None or (status_id is not None and row.status_id == status_id)

    missing = [str(i) for i in ids if i not in rows or not available(rows[i])]
    if missing:
        raise invalid(f"Media {', '.join(missing)} not found")
    ordered = [rows[i] for i in ids]
    if any(m.state == "failed" for m in ordered):
        raise invalid("Media could not be processed")
    if any(m.state != "done" for m in ordered):
        raise invalid("Media is still being processed; try again in a moment")
    if len(ordered) > 1 and any(m.type in ("video", "gifv") for m in ordered):
        raise invalid("Cannot attach a video to a post that already contains images")
    return ordered


async def attach(session: AsyncSession, status_id: int, media: list[MediaAttachment]) -> None:
    """Show ``media`` on the status in this order; its other attachments stay linked for the
    edit history but are no longer shown (position -1)."""
    await session.execute(
        update(MediaAttachment).where(MediaAttachment.status_id == status_id).values(position=-1)
    )
    for position, row in enumerate(media):
        row.status_id, row.position = status_id, position
    await session.flush()


async def describe_attached(
    session: AsyncSession, status_id: int, attributes: list[dict[str, Any]]
) -> None:
    """``media_attributes[]`` of a status edit: new alt text or focus of its attachments."""
    for item in attributes:
        raw_id = str(item.get("id", ""))
        if not raw_id.isdigit():
            continue
        values: dict[str, Any] = {}
        if "description" in item and item["description"] is not None:
            values["description"] = check_description(str(item["description"])) or None
        focus = parse_focus(str(item["focus"])) if item.get("focus") else None
        if focus is not None:
            values["focus_x"], values["focus_y"] = focus
        if values:
            await session.execute(
                update(MediaAttachment)
                .where(MediaAttachment.id == int(raw_id), MediaAttachment.status_id == status_id)
                .values(**values)
            )
