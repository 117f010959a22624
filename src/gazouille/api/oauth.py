"""OAuth 2: /api/v1/apps, /oauth/authorize (log-in and consent page), /oauth/token,
/oauth/revoke and the authorization server metadata."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gazouille.api.auth import require_app_token, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import application_json
from gazouille.api.templates import render
from gazouille.core import urls
from gazouille.core.clock import as_utc
from gazouille.core.errors import GazouilleError
from gazouille.core.security import constant_time_equal, sign
from gazouille.domains.accounts import service as accounts
from gazouille.domains.oauth import scopes as scope_rules
from gazouille.domains.oauth import service as oauth

router = APIRouter()
CSRF_COOKIE = "gz_oauth_csrf"


@router.post("/api/v1/apps")
async def create_app(request: Request) -> JSON:
    params = await read_params(request)
    redirect: Any = params.raw("redirect_uris") or params.raw("redirect_uri") or ""
    async with state(request).db.write() as session:
        app = await oauth.create_application(
            session,
            name=params.get_str("client_name") or "",
            redirect_uris=redirect if isinstance(redirect, list) else str(redirect),
            scopes=params.get_str("scopes")
            if not isinstance(params.raw("scopes"), list)
            else params.get_strs("scopes"),
            website=params.get_str("website"),
        )
    return JSON(application_json(app, with_secret=True))


@router.get("/api/v1/apps/verify_credentials")
async def verify_app(request: Request) -> JSON:
    info = await require_app_token(request, "read")
    if info.application is None:
        raise GazouilleError("This token belongs to no application")
    return JSON(application_json(info.application, with_secret=False))


@router.get("/.well-known/oauth-authorization-server")
async def metadata(request: Request) -> JSON:
    base = urls.base()
    grants = ["authorization_code", "client_credentials"]
    if state(request).settings.password_grant:
        grants.append("password")
    return JSON(
        {
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "scopes_supported": sorted(scope_rules.KNOWN),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": grants,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


def _csrf_ok(request: Request, token: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    nonce, _, mac = cookie.partition(".")
    secret = state(request).settings.effective_secret_key
    return (
        bool(nonce and token)
        and constant_time_equal(mac, sign(secret, nonce))
        and constant_time_equal(token or "", nonce)
    )


def _form_page(
    request: Request,
    auth: oauth.AuthorizationRequest,
    query: dict[str, str],
    error: str | None = None,
    login: str = "",
    status: int = 200,
) -> Response:
    nonce = secrets.token_urlsafe(24)
    secret = state(request).settings.effective_secret_key
    response = HTMLResponse(
        render(
            "oauth/authorize.html",
            request=request,
            app=auth.application,
            scopes=auth.scopes,
            query=query,
            csrf=nonce,
            error=error,
            login=login,
        ),
        status_code=status,
    )
    response.set_cookie(
        CSRF_COOKIE, f"{nonce}.{sign(secret, nonce)}", httponly=True, samesite="lax", path="/oauth"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return HTMLResponse(
        render("oauth/error.html", request=request, message=message), status_code=status
    )


def _redirect_with(uri: str, values: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query) + list(values.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


_AUTH_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "force_login",
    "lang",
)


async def _auth_request(request: Request, values: dict[str, str]) -> oauth.AuthorizationRequest:
    async with state(request).db.read() as session:
        return await oauth.check_authorization_request(
            session,
            response_type=values.get("response_type"),
            client_id=values.get("client_id"),
            redirect_uri=values.get("redirect_uri"),
            scope=values.get("scope"),
            state=values.get("state"),
            code_challenge=values.get("code_challenge"),
            code_challenge_method=values.get("code_challenge_method"),
        )


@router.get("/oauth/authorize")
async def authorize_page(request: Request) -> Response:
    query = {k: v for k, v in request.query_params.items() if k in _AUTH_FIELDS}
    try:
        auth = await _auth_request(request, query)
    except oauth.OAuthError as exc:
        return _error_page(request, exc.message)
    return _form_page(request, auth, query)


@router.post("/oauth/authorize")
async def authorize_submit(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k)) for k in _AUTH_FIELDS if form.get(k) is not None}
    try:
        auth = await _auth_request(request, values)
    except oauth.OAuthError as exc:
        return _error_page(request, exc.message)
    if not _csrf_ok(request, str(form.get("csrf") or "")):
        return _form_page(
            request, auth, values, error="Your session expired; please try again.", status=403
        )
    login = str(form.get("login") or "")
    if form.get("decision") == "deny":
        if auth.redirect_uri == oauth.OOB:
            return _error_page(request, "Authorization denied.", 403)
        denied = {
            "error": "access_denied",
            "error_description": "The resource owner denied the request.",
        }
        if auth.state:
            denied["state"] = auth.state
        return RedirectResponse(_redirect_with(auth.redirect_uri, denied), status_code=302)
    async with state(request).db.write() as session:
        user = await accounts.authenticate(session, login, str(form.get("password") or ""))
        if user is None:
            code = None
        else:
            code = await oauth.issue_code(session, auth, user)
    if code is None:
        return _form_page(
            request,
            auth,
            values,
            error="Invalid e-mail address or password.",
            login=login,
            status=401,
        )
    if auth.redirect_uri == oauth.OOB:
        return HTMLResponse(
            render("oauth/code.html", request=request, code=code, app=auth.application)
        )
    granted = {"code": code}
    if auth.state:
        granted["state"] = auth.state
    return RedirectResponse(_redirect_with(auth.redirect_uri, granted), status_code=302)


def _client_credentials(request: Request, params: Any) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        import base64

        try:
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
        except Exception:
            return None, None
    return params.get_str("client_id"), params.get_str("client_secret")


@router.post("/oauth/token")
async def token(request: Request) -> JSON:
    params = await read_params(request)
    client_id, client_secret = _client_credentials(request, params)
    command = oauth.TokenRequest(
        grant_type=params.get_str("grant_type"),
        client_id=client_id,
        client_secret=client_secret,
        code=params.get_str("code"),
        redirect_uri=params.get_str("redirect_uri"),
        code_verifier=params.get_str("code_verifier"),
        username=params.get_str("username"),
        password=params.get_str("password"),
        scope=params.get_str("scope"),
    )
    app_state = state(request)
    async with app_state.db.write() as session:
        access_token, row = await oauth.exchange(
            session, command, password_grant_enabled=app_state.settings.password_grant
        )
    return JSON(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "scope": row.scopes,
            "created_at": int(as_utc(row.created_at).timestamp()),
        }
    )


@router.post("/oauth/revoke")
async def revoke(request: Request) -> JSON:
    params = await read_params(request)
    client_id, client_secret = _client_credentials(request, params)
    async with state(request).db.write() as session:
        await oauth.revoke(session, params.get_str("token") or "", client_id, client_secret)
    return JSON({})
