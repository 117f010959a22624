"""Rendering a page of the site: the template, the navigation's data (instance title,
unread counts, the accounts of the switcher) and the security headers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gazouille.domains import instance
from gazouille.domains.instance import InstanceSettings
from gazouille.domains.notifications import service as notifications
from gazouille.domains.relationships import service as relationships
from gazouille.web import context as web
from gazouille.web.i18n import LANGUAGE_NAMES, LOCALES
from gazouille.web.templating import render_template

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; "
    "media-src 'self' blob: https:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass
class Chrome:
    """What every page's frame shows."""

    settings: InstanceSettings
    unread_notifications: int = 0
    follow_requests: int = 0


async def load_chrome(request: Request) -> Chrome:
    current = (await web.viewer(request)).current
    async with web.state(request).db.read() as session:
        settings = await instance.load_settings(session)
        if current is None:
            return Chrome(settings)
        return Chrome(
            settings,
            await notifications.unread_count(session, current.account.id),
            await relationships.count_follow_requests(session, current.account.id),
        )


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


async def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    chrome: Chrome | None = None,
    **values: Any,
) -> HTMLResponse:
    web_viewer = await web.viewer(request)
    chrome = chrome or await load_chrome(request)
    translator = web.translator(request)
    current = web_viewer.current
    html = render_template(
        template,
        translator,
        {
            "request": request,
            "path": request.url.path,
            "viewer": current,
            "me": current.account if current else None,
            "signed_in": web_viewer.accounts,
            "chrome": chrome,
            "instance": chrome.settings,
            "csrf": web.csrf_token(request),
            "lang": translator.locale,
            "locales": [(code, LANGUAGE_NAMES[code]) for code in LOCALES],
            "htmx": web.is_htmx(request),
            **values,
        },
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store" if current else "no-cache"
    response.headers["Vary"] = "Cookie, Accept-Language, HX-Request"
    return response


async def render_fragment(request: Request, template: str, **values: Any) -> HTMLResponse:
    """A piece of a page for htmx (no frame, so no navigation queries)."""
    web_viewer = await web.viewer(request)
    translator = web.translator(request)
    current = web_viewer.current
    html = render_template(
        template,
        translator,
        {
            "request": request,
            "viewer": current,
            "me": current.account if current else None,
            "csrf": web.csrf_token(request),
            "lang": translator.locale,
            "htmx": True,
            **values,
        },
    )
    response = HTMLResponse(html)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, HX-Request"
    return response


def redirect(url: str) -> RedirectResponse:
    """See Other: after a form, the browser GETs the next page."""
    return RedirectResponse(url, status_code=303)


def back(request: Request, form: Any = None, default: str = "/home") -> RedirectResponse:
    """Back to the page the form was on (its ``next`` field), after a no-JavaScript post."""
    target = str(form.get("next") or "") if form is not None else ""
    return redirect(web.safe_next(target or None, default))
