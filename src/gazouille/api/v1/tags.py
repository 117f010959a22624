"""Hashtags: the tag timeline, the Tag entity, followed and featured tags."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import optional_viewer, optional_viewer_session, require_viewer, state
from gazouille.api.common import access_account, page_params, render_statuses
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.v1.discovery_json import featured_tag_json, tag_json
from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains.tags import service as tags
from gazouille.domains.tags.presenters import present_featured_tags, present_tags
from gazouille.domains.tags.queries import TagFilter, tag_timeline
from gazouille.models import Account, Tag

router = APIRouter()


async def render_tags(
    session: AsyncSession, viewer_id: int | None, rows: list[Tag]
) -> list[dict[str, Any]]:
    return [tag_json(v) for v in await present_tags(session, viewer_id, rows)]


@router.get("/api/v1/timelines/tag/{hashtag}")
async def timeline(request: Request, hashtag: str) -> JSON:
    async with optional_viewer_session(request, "read:statuses") as (viewer, session):
        params = await read_params(request)
        viewer_id = viewer.account_id if viewer else None
        wanted = TagFilter(
            name=tags.clean_name(hashtag),
            any=params.get_strs("any"),
            all=params.get_strs("all"),
            none=params.get_strs("none"),
            local=bool(params.get_bool("local", False)),
            remote=bool(params.get_bool("remote", False)),
            only_media=bool(params.get_bool("only_media", False)),
            viewer_id=viewer_id,
        )
        rows = await tag_timeline(session, wanted, page_params(params))
        items = await render_statuses(session, viewer_id, rows, context="public")
    return paged(request, items, [r.id for r in rows])


@router.get("/api/v1/tags/{name}")
async def show(request: Request, name: str) -> JSON:
    viewer = await optional_viewer(request, "read")
    if not tags.valid_name(name):
        raise NotFound()
    async with state(request).db.read() as session:
        tag = await tags.find_tag(session, name) or tags.unsaved_tag(name)
        items = await render_tags(session, viewer.account_id if viewer else None, [tag])
    return JSON(items[0])


@router.post("/api/v1/tags/{name}/follow")
async def follow(request: Request, name: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    async with state(request).db.write() as session:
        tag = await tags.follow_tag(session, viewer.account_id, name)
        items = await render_tags(session, viewer.account_id, [tag])
    return JSON(items[0])


@router.post("/api/v1/tags/{name}/unfollow")
async def unfollow(request: Request, name: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    async with state(request).db.write() as session:
        tag = await tags.unfollow_tag(session, viewer.account_id, name)
        items = await render_tags(session, viewer.account_id, [tag])
    return JSON(items[0])


@router.get("/api/v1/followed_tags")
async def followed(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:follows")
    params = await read_params(request)
    page = page_params(params, default=100, maximum=200)
    async with state(request).db.read() as session:
        rows = await tags.followed_tags(session, viewer.account_id, page)
        items = await render_tags(session, viewer.account_id, [t for _, t in rows])
    return paged(request, items, [follow_id for follow_id, _ in rows])


async def _featured(session: AsyncSession, account: Account) -> list[dict[str, Any]]:
    rows = await tags.featured_tags(session, account.id)
    views = await present_featured_tags(session, account, rows)
    views.sort(key=lambda v: -v.statuses_count)
    return [featured_tag_json(v) for v in views]


@router.get("/api/v1/featured_tags")
async def featured(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    async with state(request).db.read() as session:
        return JSON(await _featured(session, viewer.account))


@router.post("/api/v1/featured_tags")
async def feature(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:accounts")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row, tag = await tags.feature_tag(session, viewer.account_id, params.get_str("name"))
        views = await present_featured_tags(session, viewer.account, [(row, tag)])
    return JSON(featured_tag_json(views[0]))


@router.get("/api/v1/featured_tags/suggestions")
async def feature_suggestions(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    async with state(request).db.read() as session:
        rows = await tags.featured_tag_suggestions(session, viewer.account_id)
        return JSON(await render_tags(session, viewer.account_id, rows))


@router.delete("/api/v1/featured_tags/{featured_id}")
async def unfeature(request: Request, featured_id: str) -> JSON:
    viewer = await require_viewer(request, "write:accounts")
    async with state(request).db.write() as session:
        await tags.unfeature_tag(session, viewer.account_id, parse_id(featured_id))
    return JSON({})


@router.get("/api/v1/accounts/{account_id}/featured_tags")
async def account_featured(request: Request, account_id: str) -> JSON:
    await optional_viewer(request, "read:accounts")
    async with state(request).db.read() as session:
        account = await access_account(session, parse_id(account_id))
        return JSON(await _featured(session, account))
