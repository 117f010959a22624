"""Finding people and posts: explore (trends and who to follow), search, hashtag pages
with follow, bookmarks, direct messages and scheduled posts."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams
from gazouille.domains.conversations import service as conversations
from gazouille.domains.federation.resolver import resolve_remote
from gazouille.domains.scheduled import service as scheduled
from gazouille.domains.search import service as search
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.domains.statuses.saved import bookmarked
from gazouille.domains.suggestions import service as suggestions
from gazouille.domains.tags import service as tags
from gazouille.domains.tags.presenters import present_tags
from gazouille.domains.tags.queries import TagFilter, tag_timeline
from gazouille.domains.trends import service as trends
from gazouille.web import context as web
from gazouille.web.forms import read_form
from gazouille.web.pages import back, redirect, render, render_fragment
from gazouille.web.routing import web_router
from gazouille.web.views.timelines import PAGE_SIZE

router = web_router()


def _page(request: Request, limit: int = PAGE_SIZE) -> PageParams:
    return PageParams(limit=limit, max_id=parse_id(request.query_params.get("max_id")))


@router.get("/explore")
async def explore(request: Request) -> Response:
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    async with web.state(request).db.read() as session:
        trending = await trends.trending_tags(session, 10)
        tag_views = await present_tags(session, viewer_id, trending)
        posts = await trends.trending_statuses(session, viewer_id, 20)
        views = await present_statuses(session, viewer_id, posts)
        people = await suggestions.suggestions(session, viewer_id, 8) if viewer_id else []
    return await render(
        request,
        "discover/explore.html",
        tags=tag_views,
        items=views,
        people=[s.account for s in people],
        more_url="",
    )


@router.get("/search")
async def search_page(request: Request) -> Response:
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    query = request.query_params.get("q", "").strip()[:200]
    result = search.SearchResult()
    views = []
    if query:
        wanted = search.SearchRequest(query, limit=20)
        if viewer_id is not None:  # as in the API: only a signed-in user makes us ask others
            resolved = await resolve_remote(query)
            wanted.resolve = True
            wanted.resolved_account_id = resolved.account_id
            wanted.resolved_status_id = resolved.status_id
        async with web.state(request).db.read() as session:
            result = await search.search(session, viewer_id, wanted)
            views = await present_statuses(session, viewer_id, result.statuses)
    return await render(
        request,
        "discover/search.html",
        query=query,
        accounts=result.accounts,
        hashtags=result.hashtags,
        items=views,
        more_url="",
    )


@router.get("/tags/{name}")
async def hashtag(request: Request, name: str) -> Response:
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    page = _page(request)
    async with web.state(request).db.read() as session:
        tag = await tags.find_tag(session, name)
        rows = (
            await tag_timeline(session, TagFilter(name, viewer_id=viewer_id), page) if tag else []
        )
        views = await present_statuses(session, viewer_id, rows)
        tag_view = (await present_tags(session, viewer_id, [tag]))[0] if tag else None
    more = f"/tags/{name}?max_id={rows[-1].id}" if len(rows) == page.limit else ""
    values: dict[str, Any] = {
        "items": views,
        "more_url": more,
        "live_url": None,
        "name": tags.clean_name(name),
    }
    if web.is_htmx(request) and page.max_id is not None:
        return await render_fragment(request, "timelines/_items.html", **values)
    return await render(request, "discover/hashtag.html", tag=tag_view, **values)


@router.post("/tags/{name}/{action}")
async def follow_hashtag(request: Request, name: str, action: str) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    async with web.state(request).db.write() as session:
        if action == "follow":
            await tags.follow_tag(session, current.account.id, name)
        else:
            await tags.unfollow_tag(session, current.account.id, name)
    return back(request, form, f"/tags/{name}")


@router.get("/bookmarks")
async def bookmarks_page(request: Request) -> Response:
    current = await web.require_user(request)
    page = _page(request)
    async with web.state(request).db.read() as session:
        rows = await bookmarked(session, current.account.id, page)
        views = await present_statuses(session, current.account.id, [s for _, s in rows])
    more = f"/bookmarks?max_id={rows[-1][0]}" if len(rows) == page.limit else ""
    values: dict[str, Any] = {"items": views, "more_url": more, "live_url": None}
    if web.is_htmx(request) and page.max_id is not None:
        return await render_fragment(request, "timelines/_items.html", **values)
    translator = web.translator(request)
    return await render(
        request,
        "timelines/timeline.html",
        heading=translator.gettext("Bookmarks"),
        empty_message=translator.gettext("You have no bookmarks yet."),
        **values,
    )


@router.get("/conversations")
async def conversations_page(request: Request) -> Response:
    current = await web.require_user(request)
    page = _page(request)
    async with web.state(request).db.read() as session:
        rows = await conversations.list_conversations(session, current.account.id, page)
        views = await conversations.present(session, current.account, rows)
    more = ""
    if len(rows) == page.limit and rows[-1].last_status_id:
        more = f"/conversations?max_id={rows[-1].last_status_id}"
    return await render(request, "discover/conversations.html", conversations=views, more_url=more)


@router.get("/scheduled")
async def scheduled_page(request: Request) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        rows = await scheduled.list_scheduled(session, current.account, PageParams(limit=40))
        views = await scheduled.present(session, rows)
    return await render(request, "discover/scheduled.html", scheduled=views)


@router.post("/scheduled/{scheduled_id}/cancel")
async def cancel_scheduled(request: Request, scheduled_id: str) -> Response:
    current = await web.require_user(request)
    await read_form(request)
    async with web.state(request).db.write() as session:
        await scheduled.cancel(session, current.account, parse_id(scheduled_id))
    return redirect("/scheduled")
