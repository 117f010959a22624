"""/api/v1/conversations: direct conversations."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.social_json import conversation_json
from gazouille.core.ids import parse_id
from gazouille.domains.conversations import service as conversations

router = APIRouter()


@router.get("/api/v1/conversations")
async def index(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:statuses")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await conversations.list_conversations(
            session, viewer.account_id, page_params(params)
        )
        views = await conversations.present(session, viewer.account, rows)
    return paged(
        request,
        [conversation_json(v) for v in views],
        [r.last_status_id for r in rows if r.last_status_id],
    )


@router.delete("/api/v1/conversations/{conversation_id}")
async def destroy(request: Request, conversation_id: str) -> JSON:
    viewer = await require_viewer(request, "write:conversations")
    async with state(request).db.write() as session:
        row = await conversations.access_conversation(
            session, viewer.account_id, parse_id(conversation_id)
        )
        await conversations.remove(session, row)
    return JSON({})


@router.post("/api/v1/conversations/{conversation_id}/read")
async def mark_read(request: Request, conversation_id: str) -> JSON:
    viewer = await require_viewer(request, "write:conversations")
    async with state(request).db.write() as session:
        row = await conversations.access_conversation(
            session, viewer.account_id, parse_id(conversation_id)
        )
        await conversations.mark_read(session, row)
        (view,) = await conversations.present(session, viewer.account, [row])
    return JSON(conversation_json(view))
