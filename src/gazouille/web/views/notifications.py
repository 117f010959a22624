"""Notifications, with filters by kind; opening the page marks them as read (the same
marker the apps use), and new ones come in live through the page's poller."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams
from gazouille.domains.markers import service as markers
from gazouille.domains.notifications import service as notifications
from gazouille.web import context as web
from gazouille.web.forms import read_form
from gazouille.web.pages import back, render, render_fragment
from gazouille.web.routing import web_router

router = web_router()
PAGE_SIZE = 30
FILTERS: dict[str, tuple[str, ...]] = {
    "": (),
    "mentions": ("mention",),
    "favourites": ("favourite",),
    "reblogs": ("reblog",),
    "follows": ("follow", "follow_request"),
    "polls": ("poll",),
    "updates": ("update", "status"),
}


@router.get("/notifications")
async def notifications_page(request: Request) -> Response:
    current = await web.require_user(request)
    kind = request.query_params.get("filter", "")
    types = FILTERS.get(kind, ())
    polling = "since_id" in request.query_params
    page = PageParams(
        limit=PAGE_SIZE,
        max_id=parse_id(request.query_params.get("max_id")),
        since_id=parse_id(request.query_params.get("since_id")),
    )
    async with web.state(request).db.read() as session:
        rows = await notifications.list_notifications(
            session, current.account.id, page, types=types
        )
        views = await notifications.present(session, current.account.id, rows)
    newest = rows[0].id if rows else page.since_id
    if rows and page.max_id is None:
        async with web.state(request).db.write() as session:
            read = await markers.last_read_id(session, current.account.id, "notifications")
            if not read or read < rows[0].id:
                await markers.save_markers(
                    session, current.account.id, {"notifications": rows[0].id}
                )
    base = f"/notifications?filter={kind}&" if kind else "/notifications?"
    values: dict[str, Any] = {
        "notifications": views,
        "filter": kind,
        "live_url": f"{base}since_id={newest or 1}",
        "more_url": f"{base}max_id={rows[-1].id}" if len(rows) == PAGE_SIZE else "",
    }
    if polling and web.is_htmx(request):
        return await render_fragment(request, "notifications/_new.html", **values)
    if web.is_htmx(request) and page.max_id is not None:
        return await render_fragment(request, "notifications/_items.html", **values)
    return await render(request, "notifications/index.html", **values)


@router.post("/notifications/clear")
async def clear(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    async with web.state(request).db.write() as session:
        await notifications.clear(session, current.account.id)
    return back(request, form, "/notifications")
