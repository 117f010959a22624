"""/api/v1/lists and the list timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params, render_statuses
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import account_json
from gazouille.api.social_json import list_json
from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains.lists import service as lists
from gazouille.domains.lists.timeline import list_statuses

router = APIRouter()


def _change(params: Params) -> lists.ListChange:
    return lists.ListChange(
        title=params.get_str("title"),
        replies_policy=params.get_str("replies_policy"),
        exclusive=params.get_bool("exclusive"),
    )


def _account_ids(params: Params) -> list[int]:
    """``account_ids[]``; an id that cannot exist is a missing account (404)."""
    ids = []
    for raw in params.get_strs("account_ids"):
        value = parse_id(raw)
        if value is None:
            raise NotFound()
        ids.append(value)
    return ids


@router.get("/api/v1/lists")
async def index(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:lists")
    async with state(request).db.read() as session:
        rows = await lists.owned_lists(session, viewer.account_id)
    return JSON([list_json(r) for r in rows])


@router.post("/api/v1/lists")
async def create(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:lists")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await lists.create_list(session, viewer.account_id, _change(params))
    return JSON(list_json(row))


@router.get("/api/v1/lists/{list_id}")
async def show(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "read:lists")
    async with state(request).db.read() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
    return JSON(list_json(row))


@router.put("/api/v1/lists/{list_id}")
async def update(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "write:lists")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        await lists.update_list(session, row, _change(params))
    return JSON(list_json(row))


@router.delete("/api/v1/lists/{list_id}")
async def destroy(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "write:lists")
    async with state(request).db.write() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        await lists.delete_list(session, row)
    return JSON({})


@router.get("/api/v1/lists/{list_id}/accounts")
async def members(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "read:lists")
    params = await read_params(request)
    # As Mastodon: limit=0 gives every member at once, without a Link header.
    unlimited = params.get_str("limit") == "0"
    page = None if unlimited else page_params(params, default=40, maximum=80)
    async with state(request).db.read() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        rows = await lists.members(session, row, page)
    items = [account_json(a) for _, a in rows]
    return JSON(items) if unlimited else paged(request, items, [c for c, _ in rows])


@router.post("/api/v1/lists/{list_id}/accounts")
async def add_members(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "write:lists")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        await lists.add_members(session, row, _account_ids(params))
    return JSON({})


@router.delete("/api/v1/lists/{list_id}/accounts")
async def remove_members(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "write:lists")
    params = await read_params(request)
    ids = [i for i in (parse_id(v) for v in params.get_strs("account_ids")) if i is not None]
    async with state(request).db.write() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        await lists.remove_members(session, row, ids)
    return JSON({})


@router.get("/api/v1/timelines/list/{list_id}")
async def timeline(request: Request, list_id: str) -> JSON:
    viewer = await require_viewer(request, "read:lists")
    params = await read_params(request)
    async with state(request).db.read() as session:
        row = await lists.access_list(session, viewer.account_id, parse_id(list_id))
        rows = await list_statuses(session, row, page_params(params))
        items = await render_statuses(session, viewer.account_id, rows, context="home")
    return paged(request, items, [r.id for r in rows])
