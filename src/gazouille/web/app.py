"""Mounts the browser door on the application: its pages, its static files under
``/assets``, and the site's 404 page for any unknown address outside the API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from gazouille.web.routing import error_page, handle_errors
from gazouille.web.views import (
    account,
    admin,
    admin_federation,
    auth,
    compose,
    discover,
    filters,
    lists,
    live,
    notifications,
    profiles,
    settings,
    statuses,
    timelines,
)

STATIC = Path(__file__).resolve().parent / "static"
ROUTERS = [
    auth.router,
    live.router,
    timelines.router,
    compose.router,
    notifications.router,
    settings.router,
    account.router,
    filters.router,
    discover.router,
    lists.router,
    admin.router,
    admin_federation.router,
    profiles.router,  # before statuses: /@name/followers is not a post
    statuses.router,
]
# Unknown addresses under these prefixes answer like the API does (JSON), not with a page.
MACHINE_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/", "/system/", "/health")


def _not_found(api_default: ASGIApp) -> ASGIApp:
    """What the router runs when no route matched: the site's 404 page for people."""

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(MACHINE_PREFIXES):
            await api_default(scope, receive, send)
            return
        request = Request(scope, receive)
        response = await handle_errors(request, lambda: error_page(request, 404))
        await response(scope, receive, send)

    return not_found


def install(app: FastAPI) -> None:
    app.mount("/assets", StaticFiles(directory=STATIC), name="web-assets")
    for router in ROUTERS:
        app.include_router(router)
    app.router.default = _not_found(app.router.default)
