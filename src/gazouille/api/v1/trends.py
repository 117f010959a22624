"""Trends: /api/v1/trends/tags (and its alias /api/v1/trends), /statuses and /links, read
from the snapshot the periodic trends job computes. Paged by offset, as Mastodon does."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from gazouille.api.auth import optional_viewer, state
from gazouille.api.common import render_statuses
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON
from gazouille.api.v1.discovery_json import link_json
from gazouille.api.v1.tags import render_tags
from gazouille.core import urls
from gazouille.domains.trends import service as trends

router = APIRouter()


def _window(params: Params, default: int) -> tuple[int, int]:
    limit = params.get_int("limit", default, low=1, high=default * 2) or default
    return limit, params.get_int("offset", 0, low=0) or 0


def offset_paged(request: Request, items: list[object], limit: int, offset: int) -> JSON:
    """Link: the next page when this one is full, the previous one after the first."""
    response = JSON(items)
    keep = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    base = urls.base() + request.url.path
    links = []
    if len(items) == limit:
        links.append(f'<{base}?{urlencode([*keep, ("offset", str(offset + limit))])}>; rel="next"')
    if offset > 0:
        previous = max(offset - limit, 0)
        links.append(f'<{base}?{urlencode([*keep, ("offset", str(previous))])}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


@router.get("/api/v1/trends")
@router.get("/api/v1/trends/tags")
async def tags(request: Request) -> JSON:
    viewer = await optional_viewer(request, "read")
    limit, offset = _window(await read_params(request), 10)
    async with state(request).db.read() as session:
        rows = await trends.trending_tags(session, limit, offset)
        items = await render_tags(session, viewer.account_id if viewer else None, rows)
    return offset_paged(request, list(items), limit, offset)


@router.get("/api/v1/trends/statuses")
async def statuses(request: Request) -> JSON:
    viewer = await optional_viewer(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    limit, offset = _window(await read_params(request), 20)
    async with state(request).db.read() as session:
        rows = await trends.trending_statuses(session, viewer_id, limit, offset)
        items = await render_statuses(session, viewer_id, rows)
    return offset_paged(request, list(items), limit, offset)


@router.get("/api/v1/trends/links")
async def links(request: Request) -> JSON:
    await optional_viewer(request, "read")
    limit, offset = _window(await read_params(request), 10)
    async with state(request).db.read() as session:
        rows = await trends.trending_links(session, limit, offset)
    return offset_paged(request, [link_json(r) for r in rows], limit, offset)
