"""/api/v1/statuses: post (or schedule), edit, read, delete, thread, history, favourite,
reblog, bookmark, pin, mute."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import Viewer, optional_viewer, require_viewer, state
from gazouille.api.common import page_params, render_status, render_statuses
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import (
    account_json,
    deleted_status_json,
    scheduled_status_json,
    status_edit_json,
)
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains import instance
from gazouille.domains.polls.service import parse_poll
from gazouille.domains.scheduled import service as scheduled
from gazouille.domains.statuses import edits, pins, queries
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.models import Account, Status

router = APIRouter()


def _ids(params: Params, key: str) -> list[int]:
    ids = []
    for raw in params.get_strs(key):
        parsed = parse_id(raw)
        if parsed is None:
            raise ValidationFailed(f"Validation failed: Media {raw} not found")
        ids.append(parsed)
    return ids


def _optional_id(value: str | None) -> int | None:
    """An id that must name something if it is given (404 otherwise)."""
    if not value:
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound()
    return parsed


def _new_status(request: Request, viewer: Viewer, params: Params) -> statuses.NewStatus:
    return statuses.NewStatus(
        text=params.get_str("status") or "",
        visibility=params.get_str("visibility") or None,
        spoiler_text=params.get_str("spoiler_text") or "",
        sensitive=bool(params.get_bool("sensitive", False)),
        in_reply_to_id=_optional_id(params.get_str("in_reply_to_id")),
        language=params.get_str("language"),
        idempotency_key=request.headers.get("idempotency-key"),
        application_id=viewer.token.application.id if viewer.token.application else None,
        media_ids=_ids(params, "media_ids"),
        poll=parse_poll(params.get_dict("poll")),
        quoted_status_id=_optional_id(
            params.get_str("quoted_status_id") or params.get_str("quote_id")
        ),
    )


@router.post("/api/v1/statuses")
async def create(request: Request) -> JSON:
    """Post a status, or schedule it (a ScheduledStatus is answered) with ``scheduled_at``."""
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    command = _new_status(request, viewer, params)
    scheduled_at = params.get_str("scheduled_at")
    settings = await _settings(request)
    async with state(request).db.write() as session:
        if scheduled_at is not None:
            row = await scheduled.schedule(
                session,
                viewer.account,
                command,
                scheduled_at,
                max_characters=settings.max_characters,
                default_visibility=viewer.user.default_privacy,
            )
            (view,) = await scheduled.present(session, [row])
            return JSON(scheduled_status_json(view))
        status = await statuses.create_status(
            session,
            viewer.account,
            command,
            max_characters=settings.max_characters,
            default_visibility=viewer.user.default_privacy,
        )
    return await _answer(request, viewer.account_id, status)


# Only the writing happens in a write transaction: SQLite has one writer, and every
# millisecond spent holding it (reading settings, presenting the answer) is one that all
# other writers wait (posting at 20/s on size M queued for seconds). The answer is presented
# from a read transaction begun after the commit, which sees the write.


async def _settings(request: Request) -> instance.InstanceSettings:
    async with state(request).db.read() as session:
        return await instance.load_settings(session)


async def _answer(request: Request, viewer_id: int, status: Status) -> JSON:
    async with state(request).db.read() as session:
        return JSON(await render_status(session, viewer_id, status))


@router.put("/api/v1/statuses/{status_id}")
async def edit(request: Request, status_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    change = edits.StatusChange(
        text=params.get_str("status") or "",
        spoiler_text=params.get_str("spoiler_text") or "",
        sensitive=bool(params.get_bool("sensitive", False)),
        language=params.get_str("language"),
        media_ids=_ids(params, "media_ids"),
        media_attributes=[a for a in params.get_list("media_attributes") if isinstance(a, dict)],
        poll=parse_poll(params.get_dict("poll")),
    )
    settings = await _settings(request)
    async with state(request).db.write() as session:
        status = await edits.edit_status(
            session,
            viewer.account,
            parse_id(status_id),
            change,
            max_characters=settings.max_characters,
        )
    return await _answer(request, viewer.account_id, status)


@router.get("/api/v1/statuses/{status_id}/history")
async def history(request: Request, status_id: str) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    async with state(request).db.read() as session:
        versions = await edits.history(
            session, viewer.account_id if viewer else None, parse_id(status_id)
        )
    return JSON([status_edit_json(v) for v in versions])


@router.get("/api/v1/statuses")
async def get_many(request: Request) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    params = await read_params(request)
    ids = [i for i in (parse_id(v) for v in params.get_strs("id")[:40]) if i]
    viewer_id = viewer.account_id if viewer else None
    async with state(request).db.read() as session:
        rows = await queries.get_many(session, viewer_id, ids)
        return JSON(await render_statuses(session, viewer_id, rows))


@router.get("/api/v1/statuses/{status_id}")
async def get_one(request: Request, status_id: str) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    async with state(request).db.read() as session:
        status = await access_status(session, viewer_id, parse_id(status_id))
        return JSON(await render_status(session, viewer_id, status))


@router.delete("/api/v1/statuses/{status_id}")
async def delete(request: Request, status_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    async with state(request).db.write() as session:
        status = await statuses.access_own_status(session, viewer.account, parse_id(status_id))
        (view,) = await present_statuses(session, viewer.account_id, [status])
        body = deleted_status_json(view)
        await statuses.delete_status(
            session,
            viewer.account,
            status.id,
            delete_media=bool(params.get_bool("delete_media", False)),
        )
    return JSON(body)


@router.get("/api/v1/statuses/{status_id}/source")
async def source(request: Request, status_id: str) -> JSON:
    viewer = await require_viewer(request, "read:statuses")
    async with state(request).db.read() as session:
        status = await statuses.access_own_status(session, viewer.account, parse_id(status_id))
    return JSON({"id": str(status.id), "text": status.text, "spoiler_text": status.spoiler_text})


@router.get("/api/v1/statuses/{status_id}/context")
async def context(request: Request, status_id: str) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    async with state(request).db.read() as session:
        status = await access_status(session, viewer_id, parse_id(status_id))
        ctx = await queries.context(session, viewer_id, status)
        rendered = await render_statuses(
            session, viewer_id, ctx.ancestors + ctx.descendants, context="thread"
        )
    # The viewer's hide filters may have left some out: split by id, not by position.
    above = {str(s.id) for s in ctx.ancestors}
    return JSON(
        {
            "ancestors": [s for s in rendered if s["id"] in above],
            "descendants": [s for s in rendered if s["id"] not in above],
        }
    )


Action = Callable[[AsyncSession, Account, int | None], Awaitable[Status]]


async def _act(request: Request, status_id: str, scope: str, action: Action) -> JSON:
    viewer = await require_viewer(request, scope)
    async with state(request).db.write() as session:
        status = await action(session, viewer.account, parse_id(status_id))
    return await _answer(request, viewer.account_id, status)


@router.post("/api/v1/statuses/{status_id}/favourite")
async def favourite(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:favourites", statuses.favourite)


@router.post("/api/v1/statuses/{status_id}/unfavourite")
async def unfavourite(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:favourites", statuses.unfavourite)


@router.post("/api/v1/statuses/{status_id}/reblog")
async def reblog(request: Request, status_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await statuses.reblog(
            session, viewer.account, parse_id(status_id), params.get_str("visibility")
        )
    return await _answer(request, viewer.account_id, row)


@router.post("/api/v1/statuses/{status_id}/unreblog")
async def unreblog(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:statuses", statuses.unreblog)


@router.post("/api/v1/statuses/{status_id}/bookmark")
async def bookmark(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:bookmarks", statuses.bookmark)


@router.post("/api/v1/statuses/{status_id}/unbookmark")
async def unbookmark(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:bookmarks", statuses.unbookmark)


@router.post("/api/v1/statuses/{status_id}/pin")
async def pin(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:accounts", pins.pin)


@router.post("/api/v1/statuses/{status_id}/unpin")
async def unpin(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:accounts", pins.unpin)


@router.post("/api/v1/statuses/{status_id}/mute")
async def mute(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:mutes", pins.mute_conversation)


@router.post("/api/v1/statuses/{status_id}/unmute")
async def unmute(request: Request, status_id: str) -> JSON:
    return await _act(request, status_id, "write:mutes", pins.unmute_conversation)


@router.get("/api/v1/statuses/{status_id}/favourited_by")
async def favourited_by(request: Request, status_id: str) -> JSON:
    return await _who(request, status_id, queries.favourited_by)


@router.get("/api/v1/statuses/{status_id}/reblogged_by")
async def reblogged_by(request: Request, status_id: str) -> JSON:
    return await _who(request, status_id, queries.reblogged_by)


async def _who(request: Request, status_id: str, query: queries.AccountPageQuery) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    params = await read_params(request)
    async with state(request).db.read() as session:
        status = await access_status(
            session, viewer.account_id if viewer else None, parse_id(status_id)
        )
        rows = await query(session, status.id, page_params(params, default=40, maximum=80))
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])
