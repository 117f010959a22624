"""The Mastodon door: routers, error handling, CORS, trailing slashes."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gazouille.api import instance, oauth, streaming
from gazouille.api.responses import error
from gazouille.api.v1 import (
    accounts,
    admin_domain_blocks,
    conversations,
    filters,
    lists,
    markers,
    misc,
    notifications,
    relationships,
    reports,
    statuses,
    timelines,
)
from gazouille.api.v1 import directory as directory_api
from gazouille.api.v1 import media as media_api
from gazouille.api.v1 import polls as polls_api
from gazouille.api.v1 import saved as saved_api
from gazouille.api.v1 import scheduled_statuses as scheduled_api
from gazouille.api.v1 import suggestions as suggestions_api
from gazouille.api.v1 import tags as tags_api
from gazouille.api.v1 import trends as trends_api
from gazouille.api.v2 import notifications as notifications_v2
from gazouille.api.v2 import search as search_api
from gazouille.core.errors import GazouilleError
from gazouille.domains.oauth.service import OAuthError

log = logging.getLogger(__name__)
# Routers are matched in this order, each route in turn: the busiest first, after the
# instance's (its health check is the benchmarks' floor, so it is not made cheaper than
# before by going later). Their paths do not overlap: the order decides nothing else.
ROUTERS = [
    instance.router,
    timelines.router,
    notifications.router,
    statuses.router,
    accounts.router,
    oauth.router,
    notifications_v2.router,
    markers.router,
    streaming.router,
    relationships.router,
    misc.router,
    lists.router,
    filters.router,
    reports.router,
    conversations.router,
    tags_api.router,
    search_api.router,
    trends_api.router,
    suggestions_api.router,
    directory_api.router,
    media_api.router,
    polls_api.router,
    scheduled_api.router,
    saved_api.router,
    admin_domain_blocks.router,
]
HTTP_MESSAGES = {404: "Record not found", 405: "Method not allowed"}


class StripTrailingSlash:
    """``/api/v1/instance/`` is ``/api/v1/instance`` (Mastodon.py asks for both)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope, path=path.rstrip("/") or "/", raw_path=None)
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(OAuthError)
    async def _oauth_error(_request: Request, exc: OAuthError) -> Response:
        return error(exc.status, exc.code, error_description=exc.message)

    @app.exception_handler(GazouilleError)
    async def _domain_error(_request: Request, exc: GazouilleError) -> Response:
        extra = {"details": exc.details} if exc.details else {}
        return error(exc.status, exc.message, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> Response:
        return error(422, "Validation failed: the request parameters are invalid")

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        response = error(exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error(500, "An unexpected error occurred")

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Accept"],
        expose_headers=["Link"],
        max_age=86400,
    )
    app.add_middleware(StripTrailingSlash)
