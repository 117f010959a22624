"""The web door's routes: every page answers HTML, errors included (a 404 and a 500 page
that look like the site, never a stack trace), and carries its cookies and security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gazouille.core.errors import GazouilleError
from gazouille.web import context as web
from gazouille.web.pages import render, security_headers

log = logging.getLogger(__name__)

ERROR_TEMPLATES = {404: "errors/404.html", 500: "errors/500.html"}


async def error_page(request: Request, status: int, message: str | None = None) -> Response:
    """The site's error page; a page that cannot load its frame falls back to plain HTML."""
    template = ERROR_TEMPLATES.get(status, "errors/error.html")
    try:
        return await render(request, template, status=status, status_code=status, message=message)
    except Exception:
        log.exception("error page failed")
        return HTMLResponse(
            "<!doctype html><title>Gazouille</title><h1>Gazouille</h1>"
            "<p>Something went wrong. Please try again later.</p>",
            status_code=status,
        )


def finish(request: Request, response: Response) -> Response:
    """Cookies decided during the request (CSRF nonce, sessions), then security headers."""
    secure = web.secure_cookies(request)
    nonce = web.new_csrf_nonce(request)
    if nonce:
        response.set_cookie(
            web.CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=secure, path="/"
        )
    locale = web.language_cookie_after(request)
    if locale:
        response.set_cookie(
            web.LANG_COOKIE, locale, max_age=web.YEAR, httponly=True, samesite="lax", path="/"
        )
    tokens = web.session_tokens_after(request)
    if tokens is not None:
        if tokens:
            response.set_cookie(
                web.SESSION_COOKIE,
                ".".join(tokens),
                max_age=web.YEAR,
                httponly=True,
                samesite="lax",
                secure=secure,
                path="/",
            )
        else:
            response.delete_cookie(
                web.SESSION_COOKIE, httponly=True, samesite="lax", secure=secure, path="/"
            )
    return security_headers(response)


async def handle_errors(request: Request, call: Callable[[], Awaitable[Response]]) -> Response:
    try:
        response = await call()
    except web.SignInRequired:
        if web.is_htmx(request):
            response = Response(status_code=204, headers={"HX-Redirect": web.sign_in_url(request)})
        else:
            response = RedirectResponse(web.sign_in_url(request), status_code=303)
    except RequestValidationError:
        response = await error_page(request, 400)
    except GazouilleError as exc:
        status = exc.status if exc.status in (400, 403, 404, 410, 422, 429) else 400
        message = None if status == 404 else web.translator(request).gettext(exc.message)
        response = await error_page(request, status, message)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = await error_page(request, 500)
    return finish(request, response)


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            return await handle_errors(request, lambda: handler(request))

        return guarded


def web_router() -> APIRouter:
    return APIRouter(route_class=WebRoute, include_in_schema=False)
