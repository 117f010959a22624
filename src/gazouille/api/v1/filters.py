"""/api/v2/filters (filters, their keywords and statuses) and the v1 compatibility layer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import require_viewer, state
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON
from gazouille.api.social_json import (
    filter_keyword_json,
    filter_status_json,
    full_filter_json,
    v1_filter_json,
)
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains.filters import service as filters
from gazouille.domains.filters import v1
from gazouille.models import Filter

router = APIRouter()


def _expires(params: Params) -> tuple[bool, int | None]:
    """(given, seconds): an empty ``expires_in`` means "never"."""
    if "expires_in" not in params:
        return False, None
    return True, params.get_int("expires_in")


def _keyword_changes(params: Params) -> list[filters.KeywordChange]:
    changes = []
    for item in params.get_list("keywords_attributes"):
        if not isinstance(item, dict):
            raise ValidationFailed("Validation failed: keywords_attributes must be a list")
        entry = Params(item)
        raw_id = entry.get_str("id")
        keyword_id = parse_id(raw_id) if raw_id else None
        if raw_id and keyword_id is None:
            raise NotFound()
        changes.append(
            filters.KeywordChange(
                keyword=entry.get_str("keyword"),
                whole_word=entry.get_bool("whole_word"),
                id=keyword_id,
                destroy=bool(entry.get_bool("_destroy", False)),
            )
        )
    return changes


def _change(params: Params) -> filters.FilterChange:
    given, seconds = _expires(params)
    return filters.FilterChange(
        title=params.get_str("title"),
        context=params.get_strs("context") if "context" in params else None,
        action=params.get_str("filter_action"),
        expires_given=given,
        expires_in=seconds,
        keywords=_keyword_changes(params),
    )


async def _render(session: AsyncSession, row: Filter) -> JSON:
    (view,) = await filters.views(session, [row])
    return JSON(full_filter_json(view))


@router.get("/api/v2/filters")
async def index(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        rows = await filters.views(session, await filters.list_filters(session, viewer.account_id))
    return JSON([full_filter_json(v) for v in rows])


@router.post("/api/v2/filters")
async def create(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await filters.create_filter(session, viewer.account_id, _change(params))
        return await _render(session, row)


@router.get("/api/v2/filters/keywords/{keyword_id}")
async def show_keyword(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        item, _ = await filters.access_keyword(session, viewer.account_id, parse_id(keyword_id))
    return JSON(filter_keyword_json(item))


@router.put("/api/v2/filters/keywords/{keyword_id}")
async def update_keyword(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        item, row = await filters.access_keyword(session, viewer.account_id, parse_id(keyword_id))
        await filters.update_keyword(
            session, row, item, params.get_str("keyword"), params.get_bool("whole_word")
        )
    return JSON(filter_keyword_json(item))


@router.delete("/api/v2/filters/keywords/{keyword_id}")
async def delete_keyword(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    async with state(request).db.write() as session:
        item, row = await filters.access_keyword(session, viewer.account_id, parse_id(keyword_id))
        await filters.delete_keyword(session, row, item)
    return JSON({})


@router.get("/api/v2/filters/statuses/{item_id}")
async def show_status(request: Request, item_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        item, _ = await filters.access_filter_status(session, viewer.account_id, parse_id(item_id))
    return JSON(filter_status_json(item))


@router.delete("/api/v2/filters/statuses/{item_id}")
async def delete_status(request: Request, item_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    async with state(request).db.write() as session:
        item, row = await filters.access_filter_status(
            session, viewer.account_id, parse_id(item_id)
        )
        await filters.delete_filter_status(session, row, item)
    return JSON({})


@router.get("/api/v2/filters/{filter_id}")
async def show(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        return await _render(session, row)


@router.put("/api/v2/filters/{filter_id}")
async def update(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        await filters.update_filter(session, row, _change(params))
        return await _render(session, row)


@router.delete("/api/v2/filters/{filter_id}")
async def destroy(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    async with state(request).db.write() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        await filters.delete_filter(session, row)
    return JSON({})


@router.get("/api/v2/filters/{filter_id}/keywords")
async def keywords(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        items = await filters.list_keywords(session, row)
    return JSON([filter_keyword_json(k) for k in items])


@router.post("/api/v2/filters/{filter_id}/keywords")
async def add_keyword(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        item = await filters.add_keyword(
            session, row, params.get_str("keyword"), params.get_bool("whole_word")
        )
    return JSON(filter_keyword_json(item))


@router.get("/api/v2/filters/{filter_id}/statuses")
async def statuses(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        items = await filters.list_filter_statuses(session, row)
    return JSON([filter_status_json(s) for s in items])


@router.post("/api/v2/filters/{filter_id}/statuses")
async def add_status(request: Request, filter_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await filters.access_filter(session, viewer.account_id, parse_id(filter_id))
        item = await filters.add_status(session, row, params.get_id("status_id"))
    return JSON(filter_status_json(item))


# v1: one filter per keyword.


def _v1_change(params: Params) -> v1.V1Change:
    given, seconds = _expires(params)
    return v1.V1Change(
        phrase=params.get_str("phrase"),
        context=params.get_strs("context") if "context" in params else None,
        irreversible=params.get_bool("irreversible"),
        whole_word=params.get_bool("whole_word"),
        expires_given=given,
        expires_in=seconds,
    )


@router.get("/api/v1/filters")
async def v1_index(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        rows = await v1.list_v1(session, viewer.account_id)
    return JSON([v1_filter_json(k, f) for k, f in rows])


@router.post("/api/v1/filters")
async def v1_create(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        keyword, row = await v1.create_v1(session, viewer.account_id, _v1_change(params))
    return JSON(v1_filter_json(keyword, row))


@router.get("/api/v1/filters/{keyword_id}")
async def v1_show(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "read:filters")
    async with state(request).db.read() as session:
        keyword, row = await filters.access_keyword(
            session, viewer.account_id, parse_id(keyword_id)
        )
    return JSON(v1_filter_json(keyword, row))


@router.put("/api/v1/filters/{keyword_id}")
async def v1_update(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    params = await read_params(request)
    async with state(request).db.write() as session:
        keyword, row = await filters.access_keyword(
            session, viewer.account_id, parse_id(keyword_id)
        )
        await v1.update_v1(session, keyword, row, _v1_change(params))
    return JSON(v1_filter_json(keyword, row))


@router.delete("/api/v1/filters/{keyword_id}")
async def v1_destroy(request: Request, keyword_id: str) -> JSON:
    viewer = await require_viewer(request, "write:filters")
    async with state(request).db.write() as session:
        keyword, row = await filters.access_keyword(
            session, viewer.account_id, parse_id(keyword_id)
        )
        await filters.delete_keyword(session, row, keyword)
    return JSON({})
