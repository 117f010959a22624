"""/api/v1/timelines/home and /public."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import optional_viewer_session, viewer_session
from gazouille.api.common import page_params, render_statuses
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.domains import timelines

router = APIRouter()


@router.get("/api/v1/timelines/home")
async def home(request: Request) -> JSON:
    async with viewer_session(request, "read:statuses") as (viewer, session):
        params = await read_params(request)
        rows = await timelines.home(session, viewer.account_id, page_params(params))
        items = await render_statuses(session, viewer.account_id, rows, context="home")
    return paged(request, items, [r.id for r in rows])


@router.get("/api/v1/timelines/public")
async def public(request: Request) -> JSON:
    async with optional_viewer_session(request, "read:statuses") as (viewer, session):
        params = await read_params(request)
        viewer_id = viewer.account_id if viewer else None
        rows = await timelines.public(
            session,
            page_params(params),
            local=bool(params.get_bool("local", False)),
            remote=bool(params.get_bool("remote", False)),
            only_media=bool(params.get_bool("only_media", False)),
            viewer_id=viewer_id,
        )
        items = await render_statuses(session, viewer_id, rows, context="public")
    return paged(request, items, [r.id for r in rows])
