"""The landing and about pages, and the home, local and federated timelines with "load
more" and live updates (the poller asks for what is newer than the newest shown)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams
from gazouille.domains import instance, timelines
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.models import Status
from gazouille.web import context as web
from gazouille.web.pages import redirect, render, render_fragment
from gazouille.web.routing import web_router
from gazouille.web.views.compose import compose_box_values

router = web_router()
PAGE_SIZE = 20
Loader = Callable[[AsyncSession, int | None, PageParams], Awaitable[list[Status]]]


def more_url(path: str, rows: Sequence[Status], page_size: int = PAGE_SIZE, **extra: str) -> str:
    if len(rows) < page_size:
        return ""
    return f"{path}?{urlencode({**extra, 'max_id': rows[-1].id})}"


async def load_page(
    request: Request, loader: Loader, *, limit: int = PAGE_SIZE
) -> tuple[list[Status], list[StatusView]]:
    """One page of a timeline and its presentation, in a fixed number of queries."""
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    page = PageParams(
        limit=limit,
        max_id=parse_id(request.query_params.get("max_id")),
        since_id=parse_id(request.query_params.get("since_id")),
    )
    async with web.state(request).db.read() as session:
        rows = await loader(session, viewer_id, page)
        views = await present_statuses(session, viewer_id, rows)
    return rows, views


async def timeline_page(
    request: Request,
    loader: Loader,
    *,
    heading: str,
    show_compose: bool = False,
    empty_message: str | None = None,
    **extra: Any,
) -> Response:
    """A timeline page; with ``since_id`` (the live poller) only the newer posts, and with
    ``max_id`` from htmx ("load more") only the next items."""
    path = request.url.path
    polling = "since_id" in request.query_params
    rows, views = await load_page(request, loader, limit=40 if polling else PAGE_SIZE)
    newest = rows[0].id if rows else parse_id(request.query_params.get("since_id"))
    live_url = f"{path}?since_id={newest}" if newest else f"{path}?since_id=1"
    if polling and web.is_htmx(request):
        return await render_fragment(
            request, "timelines/_new.html", items=views, live_url=live_url, newest_id=newest
        )
    values: dict[str, Any] = {
        "items": views,
        "more_url": more_url(path, rows),
        "live_url": None if "max_id" in request.query_params else live_url,
        "newest_id": newest,
        "empty_message": empty_message,
    }
    if web.is_htmx(request) and "max_id" in request.query_params:
        return await render_fragment(request, "timelines/_items.html", **values)
    return await render(
        request,
        "timelines/timeline.html",
        heading=heading,
        show_compose=show_compose,
        welcome=bool(request.query_params.get("welcome")),
        **values,
        **extra,
    )


@router.get("/")
async def landing(request: Request) -> Response:
    if (await web.viewer(request)).current is not None:
        return redirect("/home")

    async def local(session: AsyncSession, _viewer: int | None, page: PageParams) -> list[Status]:
        return await timelines.public(session, page, local=True)

    _, views = await load_page(request, local, limit=10)
    async with web.state(request).db.read() as session:
        settings = await instance.load_settings(session)
        stats = await instance.stats(session)
    mode = settings.registration_mode(web.state(request).settings.registrations)
    return await render(request, "pages/landing.html", items=views, stats=stats, mode=mode.value)


@router.get("/about")
async def about(request: Request) -> Response:
    async with web.state(request).db.read() as session:
        settings = await instance.load_settings(session)
        stats = await instance.stats(session)
        contact = await instance.contact_account(session)
    mode = settings.registration_mode(web.state(request).settings.registrations)
    return await render(request, "pages/about.html", stats=stats, contact=contact, mode=mode.value)


@router.get("/menu")
async def menu(request: Request) -> Response:
    return await render(request, "pages/menu.html")


@router.get("/home")
async def home(request: Request) -> Response:
    current = await web.require_user(request)

    async def loader(session: AsyncSession, _viewer: int | None, page: PageParams) -> list[Status]:
        return await timelines.home(session, current.account.id, page)

    translator = web.translator(request)
    return await timeline_page(
        request,
        loader,
        heading=translator.gettext("Home"),
        show_compose=True,
        in_feed=True,
        **await compose_box_values(request),
        empty_message=translator.gettext(
            "Your home timeline is empty. Follow people to see their posts here."
        ),
    )


@router.get("/public/local")
async def local_timeline(request: Request) -> Response:
    async def loader(session: AsyncSession, _viewer: int | None, page: PageParams) -> list[Status]:
        return await timelines.public(session, page, local=True)

    return await timeline_page(
        request, loader, heading=web.translator(request).gettext("Local timeline")
    )


@router.get("/public")
async def federated_timeline(request: Request) -> Response:
    async def loader(session: AsyncSession, _viewer: int | None, page: PageParams) -> list[Status]:
        return await timelines.public(session, page)

    return await timeline_page(
        request, loader, heading=web.translator(request).gettext("Federated timeline")
    )
