"""OAuth 2 for Mastodon clients: applications, authorization codes (with PKCE), tokens."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import core_rows
from gazouille.core.detached import Columns
from gazouille.core.errors import GazouilleError, ValidationFailed
from gazouille.core.security import constant_time_equal, new_token, token_digest
from gazouille.domains.oauth import scopes as scope_rules
from gazouille.models import (
    Account,
    FeedState,
    OAuthAccessToken,
    OAuthApplication,
    OAuthAuthorizationCode,
    User,
)

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)


class OAuthError(GazouilleError):
    """RFC 6749 error: ``error`` is the code, the message goes to ``error_description``."""

    def __init__(self, code: str, description: str, status: int = 400):
        super().__init__(description)
        self.code = code
        self.status = status


class TokenInfo:
    """An access token with its application, user and account, read as one row. Their ORM
    objects (detached: see ``core.detached``) are built on first use; the checks every
    request makes (scopes, denial, the account's id) read the row itself."""

    def __init__(self, row: Sequence[Any]):
        self._parts: list[Sequence[Any]] = []
        start = 0
        for part in _TOKEN_PARTS:
            self._parts.append(row[start : start + len(part)])
            start += len(part)
        # When the account was last seen active (its home feed is fanned out to while recent).
        self.active_at: datetime | None = row[start]

    def _value(self, part: int, key: str) -> Any:
        return _TOKEN_PARTS[part].value(self._parts[part], key)

    def _entity(self, part: int) -> Any:
        return _TOKEN_PARTS[part].detached(self._parts[part])

    @cached_property
    def token(self) -> OAuthAccessToken:
        return cast(OAuthAccessToken, self._entity(_TOKEN))

    @cached_property
    def application(self) -> OAuthApplication | None:
        return cast(OAuthApplication | None, self._entity(_APPLICATION))

    @cached_property
    def user(self) -> User | None:
        return cast(User | None, self._entity(_USER))

    @cached_property
    def account(self) -> Account | None:
        return cast(Account | None, self._entity(_ACCOUNT))

    @property
    def has_user(self) -> bool:
        return self._value(_USER, "id") is not None

    @property
    def account_id(self) -> int | None:
        account_id: int | None = self._value(_ACCOUNT, "id")
        return account_id

    @property
    def scopes(self) -> list[str]:
        return str(self._value(_TOKEN, "scopes")).split()

    @property
    def denial(self) -> str | None:
        """Why this user's token may not be used now (None when it may)."""
        if not self.has_user:
            return None
        if (
            self._value(_USER, "disabled")
            or self.account_id is None
            or self._value(_ACCOUNT, "suspended_at") is not None
        ):
            return "Your login is currently disabled"
        if not self._value(_USER, "approved"):
            return "Your login is currently pending approval"
        return None


def _check_redirect_uris(raw: str | list[str]) -> list[str]:
    uris = raw if isinstance(raw, list) else raw.split()
    uris = [u.strip() for u in uris if u.strip()]
    if not uris:
        raise ValidationFailed(
            "Validation failed: Redirect URI can't be blank",
            details={"redirect_uri": [{"error": "ERR_BLANK", "description": "can't be blank"}]},
        )
    for uri in uris:
        parts = urlsplit(uri)
        if uri != OOB and (not parts.scheme or parts.fragment or len(uri) > 2000):
            raise ValidationFailed(
                "Validation failed: Redirect URI must be an absolute URI.",
                details={
                    "redirect_uri": [
                        {"error": "ERR_INVALID", "description": "must be an absolute URI."}
                    ]
                },
            )
    return uris


async def create_application(
    session: AsyncSession,
    *,
    name: str,
    redirect_uris: str | list[str],
    scopes: str | list[str] | None,
    website: str | None,
    owner_user_id: int | None = None,
) -> OAuthApplication:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            "Validation failed: Application name can't be blank",
            details={"client_name": [{"error": "ERR_BLANK", "description": "can't be blank"}]},
        )
    if len(name) > 60:
        raise ValidationFailed(
            "Validation failed: Application name is too long (maximum is 60 characters)"
        )
    uris = _check_redirect_uris(redirect_uris)
    wanted = scope_rules.parse(scopes)
    if bad := scope_rules.unknown(wanted):
        raise ValidationFailed(f"Validation failed: Scopes {' '.join(bad)} are not valid")
    if website and (len(website) > 2000 or urlsplit(website).scheme not in ("http", "https")):
        website = None
    app = OAuthApplication(
        name=name,
        website=website or None,
        redirect_uris="\n".join(uris),
        scopes=" ".join(wanted),
        client_id=new_token(32),
        client_secret=new_token(32),
        owner_user_id=owner_user_id,
    )
    session.add(app)
    await session.flush()
    return app


async def find_application(session: AsyncSession, client_id: str | None) -> OAuthApplication | None:
    if not client_id:
        return None
    return (
        await session.execute(
            select(OAuthApplication).where(OAuthApplication.client_id == client_id)
        )
    ).scalar_one_or_none()


@dataclass
class AuthorizationRequest:
    application: OAuthApplication
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


async def check_authorization_request(
    session: AsyncSession,
    *,
    response_type: str | None,
    client_id: str | None,
    redirect_uri: str | None,
    scope: str | None,
    state: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> AuthorizationRequest:
    app = await find_application(session, client_id)
    if app is None:
        raise OAuthError(
            "invalid_client", "Client authentication failed due to unknown client.", 401
        )
    registered = app.redirect_uris.split("\n")
    redirect = redirect_uri or (registered[0] if len(registered) == 1 else "")
    if redirect not in registered:
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.")
    if response_type != "code":
        raise OAuthError(
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        )
    wanted = scope_rules.parse(scope, default=app.scopes.split()[0] if app.scopes else "read")
    if scope_rules.unknown(wanted) or not scope_rules.subset(wanted, app.scopes.split()):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    method = code_challenge_method or ("S256" if code_challenge else None)
    if code_challenge and method != "S256":
        raise OAuthError("invalid_request", "Only the S256 code_challenge_method is supported.")
    return AuthorizationRequest(app, redirect, wanted, state, code_challenge, method)


async def issue_code(session: AsyncSession, request: AuthorizationRequest, user: User) -> str:
    code = new_token(32)
    session.add(
        OAuthAuthorizationCode(
            code_digest=token_digest(code),
            application_id=request.application.id,
            user_id=user.id,
            redirect_uri=request.redirect_uri,
            scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            expires_at=clock.now() + CODE_LIFETIME,
        )
    )
    await session.flush()
    return code


async def _issue_token(
    session: AsyncSession, app: OAuthApplication | None, user: User | None, scopes: list[str]
) -> tuple[str, OAuthAccessToken]:
    token = new_token(32)
    row = OAuthAccessToken(
        token_digest=token_digest(token),
        application_id=app.id if app else None,
        user_id=user.id if user else None,
        scopes=" ".join(scopes),
    )
    session.add(row)
    await session.flush()
    return token, row


async def issue_token_for_user(
    session: AsyncSession, app: OAuthApplication | None, user: User, scopes: list[str]
) -> tuple[str, OAuthAccessToken]:
    return await _issue_token(session, app, user, scopes)


def _verify_pkce(code: OAuthAuthorizationCode, verifier: str | None) -> bool:
    if not code.code_challenge:
        return True
    if not verifier:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return constant_time_equal(computed, code.code_challenge)


@dataclass
class TokenRequest:
    grant_type: str | None
    client_id: str | None
    client_secret: str | None
    code: str | None = None
    redirect_uri: str | None = None
    code_verifier: str | None = None
    username: str | None = None
    password: str | None = None
    scope: str | None = None


INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
UNKNOWN_CLIENT = "Client authentication failed due to unknown client or bad client secret."
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
INVALID_SCOPE = "The requested scope is invalid, unknown, or malformed."


def _scopes_for(app: OAuthApplication, requested: str | None) -> list[str]:
    wanted = scope_rules.parse(requested, default="read")
    if not scope_rules.subset(wanted, app.scopes.split()):
        raise OAuthError("invalid_scope", INVALID_SCOPE)
    return wanted


async def _exchange_code(
    session: AsyncSession, app: OAuthApplication, request: TokenRequest, secret_ok: bool
) -> tuple[str, OAuthAccessToken]:
    invalid = OAuthError("invalid_grant", INVALID_GRANT)
    code = (
        await session.execute(
            select(OAuthAuthorizationCode).where(
                OAuthAuthorizationCode.code_digest == token_digest(request.code or "")
            )
        )
    ).scalar_one_or_none()
    if code is None or code.application_id != app.id or code.used_at is not None:
        raise invalid
    if code.expires_at < clock.now():
        raise invalid
    if request.redirect_uri and request.redirect_uri != code.redirect_uri:
        raise invalid
    # A public client (no secret) must prove itself with PKCE.
    if not secret_ok and not (code.code_challenge and _verify_pkce(code, request.code_verifier)):
        raise OAuthError("invalid_client", UNKNOWN_CLIENT, 401)
    if not _verify_pkce(code, request.code_verifier):
        raise invalid
    used = await session.execute(
        update(OAuthAuthorizationCode)
        .where(OAuthAuthorizationCode.id == code.id, OAuthAuthorizationCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if not getattr(used, "rowcount", 0):
        raise invalid
    user = await session.get(User, code.user_id)
    if user is None or user.disabled:
        raise invalid
    return await _issue_token(session, app, user, code.scopes.split())


async def exchange(
    session: AsyncSession, request: TokenRequest, *, password_grant_enabled: bool
) -> tuple[str, OAuthAccessToken]:
    """POST /oauth/token: authorization_code (with PKCE), client_credentials, password."""
    from gazouille.domains.accounts.service import authenticate

    if request.grant_type not in ("authorization_code", "client_credentials", "password"):
        raise OAuthError("unsupported_grant_type", UNSUPPORTED_GRANT)
    if request.grant_type == "password" and not password_grant_enabled:
        raise OAuthError("unsupported_grant_type", UNSUPPORTED_GRANT)
    app = await find_application(session, request.client_id)
    if app is None:
        raise OAuthError("invalid_client", UNKNOWN_CLIENT, 401)
    secret_ok = request.client_secret is not None and constant_time_equal(
        request.client_secret, app.client_secret
    )
    if request.grant_type == "authorization_code":
        return await _exchange_code(session, app, request, secret_ok)
    if not secret_ok:
        raise OAuthError("invalid_client", UNKNOWN_CLIENT, 401)
    if request.grant_type == "client_credentials":
        return await _issue_token(session, app, None, _scopes_for(app, request.scope))
    user = await authenticate(session, request.username or "", request.password or "")
    if user is None:
        raise OAuthError("invalid_grant", INVALID_GRANT)
    return await _issue_token(session, app, user, _scopes_for(app, request.scope))


async def revoke(
    session: AsyncSession, token: str, client_id: str | None, client_secret: str | None
) -> None:
    """Revoke a token of this client; unknown tokens are ignored (RFC 7009)."""
    row = (
        await session.execute(
            select(OAuthAccessToken).where(OAuthAccessToken.token_digest == token_digest(token))
        )
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return
    app = await session.get(OAuthApplication, row.application_id) if row.application_id else None
    if app is not None and (
        app.client_id != client_id
        or not constant_time_equal(client_secret or "", app.client_secret)
    ):
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403)
    row.revoked_at = clock.now()
    await session.flush()


async def authenticate_token(session: AsyncSession, token: str) -> TokenInfo | None:
    """The token's ``TokenInfo`` (its objects detached: see ``core.detached``), None when
    no usable token has this value. One Core statement, no ORM loading: every API request
    runs it."""
    rows = await core_rows(session, _token_statement(), {"digest": token_digest(token)})
    if not rows:
        return None
    return TokenInfo(rows[0])


# The token row's parts, in this order.
_TOKEN, _APPLICATION, _USER, _ACCOUNT = range(4)
_TOKEN_PARTS = (
    Columns(OAuthAccessToken),
    Columns(OAuthApplication),
    Columns(User),
    Columns(Account),
)


@cache
def _token_statement() -> Any:
    """Built once: every API request runs it, and building it costs more than running it."""
    return (
        select(*(c for part in _TOKEN_PARTS for c in part.columns), FeedState.active_at)
        .select_from(OAuthAccessToken)
        .outerjoin(OAuthApplication, OAuthApplication.id == OAuthAccessToken.application_id)
        .outerjoin(User, User.id == OAuthAccessToken.user_id)
        .outerjoin(Account, Account.id == User.account_id)
        .outerjoin(FeedState, FeedState.account_id == User.account_id)
        .where(OAuthAccessToken.token_digest == bindparam("digest"))
        .where(OAuthAccessToken.revoked_at.is_(None))
    )
