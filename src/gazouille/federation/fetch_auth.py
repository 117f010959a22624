"""Signed GETs of our documents. A signature, when present, tells who asks (a follower may
then read a followers-only post); with ``GAZOUILLE_AUTHORIZED_FETCH`` one is required on
every actor, object and collection (the instance actor, WebFinger and NodeInfo excepted), as
Mastodon's secure mode does."""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy import select

from gazouille.activitypub.signatures import SignatureError, parse_signature, verify_request
from gazouille.config import get_settings
from gazouille.core.errors import Unauthorized
from gazouille.core.state import AppState
from gazouille.domains.federation.resolver import get_resolver
from gazouille.models import Account

log = logging.getLogger(__name__)


def state(request: Request) -> AppState:
    found: AppState = request.app.state.gazouille
    return found


async def _key_owner(request: Request, key_id: str) -> Account | None:
    async with state(request).db.read() as session:
        rows = await session.execute(select(Account).where(Account.key_id == key_id).limit(1))
        return rows.scalar_one_or_none()


async def _refetch(request: Request, key_id: str) -> Account | None:
    """Ask the resolver for the key's owner (unknown, or its key may have changed)."""
    resolver = get_resolver()
    if resolver is None:
        return None
    try:
        await resolver.resolve_account(key_id.split("#", 1)[0])
    except Exception:  # an unreachable signer is an unverifiable signature
        log.info("could not fetch the owner of key %s", key_id, exc_info=True)
        return None
    return await _key_owner(request, key_id)


def _check(request: Request, account: Account, raw: str) -> None:
    params = parse_signature(raw)
    if not account.public_key:
        raise SignatureError("the key owner has no public key")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    verify_request(params, request.method, target, request.headers, None, account.public_key)


async def signed_by(request: Request) -> Account | None:
    """The remote account whose valid signature this request bears; None when unsigned.
    Raises SignatureError when the signature cannot be accepted."""
    raw = request.headers.get("signature")
    if not raw:
        return None
    key_id = parse_signature(raw).key_id
    account = await _key_owner(request, key_id)
    if account is None:
        account = await _refetch(request, key_id)
        if account is None:
            raise SignatureError(f"unknown key {key_id}")
        _check(request, account, raw)
        return account
    try:
        _check(request, account, raw)
    except SignatureError:
        # The actor may have rotated its key: fetch it again, once.
        account = await _refetch(request, key_id)
        if account is None:
            raise
        _check(request, account, raw)
    return account


async def fetcher(request: Request) -> Account | None:
    """Who is fetching, for visibility checks. Under authorized fetch, no valid signature
    means 401; otherwise a bad signature just makes the request anonymous."""
    try:
        account = await signed_by(request)
    except SignatureError as exc:
        log.info("refused signature on GET %s: %s", request.url.path, exc)
        if get_settings().authorized_fetch:
            raise Unauthorized("Request not signed") from None
        return None
    if account is None and get_settings().authorized_fetch:
        raise Unauthorized("Request not signed")
    if account is not None and account.domain is None:
        return None  # a local key signing a request to ourselves proves nothing more
    if account is not None and account.suspended_at is not None:
        if get_settings().authorized_fetch:
            raise Unauthorized("Request not signed")
        return None
    return account
