"""/api/v1/polls: read a poll, vote."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import optional_viewer, require_viewer, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import poll_json
from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains.polls import service as polls
from gazouille.domains.polls.presenters import present_polls

router = APIRouter()


@router.get("/api/v1/polls/{poll_id}")
async def get_poll(request: Request, poll_id: str) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    async with state(request).db.read() as session:
        poll = await polls.access_poll(session, viewer_id, parse_id(poll_id))
        views = await present_polls(session, viewer_id, [poll.status_id])
    if poll.status_id not in views:
        raise NotFound()
    return JSON(poll_json(views[poll.status_id]))


@router.post("/api/v1/polls/{poll_id}/votes")
async def vote(request: Request, poll_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    async with state(request).db.write() as session:
        poll = await polls.vote(
            session, viewer.account, parse_id(poll_id), params.get_strs("choices")
        )
        views = await present_polls(session, viewer.account_id, [poll.status_id])
    return JSON(poll_json(views[poll.status_id]))
