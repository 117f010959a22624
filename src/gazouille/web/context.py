"""Per-request state of the browser door: who is signed in (several accounts per browser),
the language, the CSRF token and the cookies to set on the way out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request

from gazouille.core.errors import Forbidden
from gazouille.core.security import constant_time_equal, sign
from gazouille.core.state import AppState
from gazouille.domains.sessions import service as sessions
from gazouille.domains.sessions.service import SignedIn
from gazouille.web.i18n import Translator, negotiate, supported

SESSION_COOKIE = "gz_session"
CSRF_COOKIE = "gz_csrf"
LANG_COOKIE = "gz_lang"
MAX_ACCOUNTS = 5
YEAR = 365 * 24 * 3600


class SignInRequired(Exception):
    """The page needs a signed-in account; the door redirects to the log-in page."""


class CsrfFailed(Forbidden):
    default_message = "Your session expired. Reload the page and try again."


@dataclass
class WebViewer:
    """The accounts signed in on this browser, the current one first."""

    accounts: list[SignedIn] = field(default_factory=list)

    @property
    def current(self) -> SignedIn | None:
        return self.accounts[0] if self.accounts else None


def state(request: Request) -> AppState:
    app_state: AppState = request.app.state.gazouille
    return app_state


def cookie_tokens(request: Request) -> list[str]:
    raw = request.cookies.get(SESSION_COOKIE, "")
    return [t for t in raw.split(".") if t][:MAX_ACCOUNTS]


async def viewer(request: Request) -> WebViewer:
    """The browser's signed-in accounts, looked up once per request."""
    cached = getattr(request.state, "web_viewer", None)
    if cached is not None:
        return cached
    tokens = cookie_tokens(request)
    found: list[SignedIn] = []
    if tokens:
        async with state(request).db.read() as session:
            found = await sessions.resolve(session, tokens)
        if found and found[0].needs_touch:
            async with state(request).db.write() as session:
                await sessions.touch(session, found[0].session.id)
    result = WebViewer(found)
    request.state.web_viewer = result
    return result


async def require_user(request: Request) -> SignedIn:
    current = (await viewer(request)).current
    if current is None:
        raise SignInRequired()
    return current


def set_session_tokens(request: Request, tokens: list[str]) -> None:
    """Replace the session cookie on the response (current account first)."""
    request.state.new_session_tokens = tokens[:MAX_ACCOUNTS]


def session_tokens_after(request: Request) -> list[str] | None:
    return getattr(request.state, "new_session_tokens", None)


def remember_language(request: Request, locale: str) -> None:
    """Keep the language on this browser too, so that it outlives logging out."""
    if supported(locale):
        request.state.new_locale_cookie = locale


def language_cookie_after(request: Request) -> str | None:
    return getattr(request.state, "new_locale_cookie", None)


def translator(request: Request) -> Translator:
    """The account's language, else the one chosen on this browser, else Accept-Language."""
    chosen = getattr(request.state, "locale", None)
    if chosen is None:
        web_viewer: WebViewer | None = getattr(request.state, "web_viewer", None)
        current = web_viewer.current if web_viewer else None
        chosen = (
            (supported(current.user.locale) if current else None)
            or supported(request.cookies.get(LANG_COOKIE))
            or negotiate(request.headers.get("accept-language", ""))
        )
        request.state.locale = chosen
    return Translator(chosen)


def _csrf_nonce(request: Request) -> str:
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.new_csrf_nonce = nonce
    return nonce


def csrf_token(request: Request) -> str:
    secret = state(request).settings.effective_secret_key
    return sign(secret, "csrf:" + _csrf_nonce(request))[:40]


def check_csrf(request: Request, form: FormData | dict[str, Any]) -> None:
    nonce = request.cookies.get(CSRF_COOKIE, "")
    given = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    secret = state(request).settings.effective_secret_key
    if not nonce or not given or not constant_time_equal(given, sign(secret, "csrf:" + nonce)[:40]):
        raise CsrfFailed()


def new_csrf_nonce(request: Request) -> str | None:
    return getattr(request.state, "new_csrf_nonce", None)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def safe_next(value: str | None, default: str = "/home") -> str:
    """A local path to go back to; anything else (another site) becomes ``default``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def sign_in_url(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/auth/sign_in?next=" + quote(path, safe="/")


def secure_cookies(request: Request) -> bool:
    return state(request).settings.public_url.startswith("https://")
