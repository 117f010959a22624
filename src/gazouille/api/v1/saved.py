"""/api/v1/bookmarks and /api/v1/favourites: one's saved statuses, paged by Link only
(the cursor is the bookmark's or favourite's id, not the status's)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params, render_statuses
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.domains.statuses import saved

router = APIRouter()


@router.get("/api/v1/bookmarks")
async def bookmarks(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:bookmarks")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await saved.bookmarked(session, viewer.account_id, page_params(params))
        items = await render_statuses(session, viewer.account_id, [s for _, s in rows])
    return paged(request, items, [c for c, _ in rows])


@router.get("/api/v1/favourites")
async def favourites(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:favourites")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await saved.favourited(session, viewer.account_id, page_params(params))
        items = await render_statuses(session, viewer.account_id, [s for _, s in rows])
    return paged(request, items, [c for c, _ in rows])
