"""The inboxes (``POST /inbox`` shared, ``POST /users/{username}/inbox`` personal): verify,
store, answer 202; the ``federation.inbox`` job applies the activity later.

In order, each refusal logged with its reason and answered with it (never a 500):
no signature 401; a flood from one domain 429 (``Retry-After``); a suspended domain 202,
dropped unread; too large 413; not JSON/ActivityStreams 415; bad JSON (size, depth) 400;
signature by an unknown or unfetchable key 401; a signature that does not verify, even
after refetching the key owner (key rotation) 401; an activity whose actor is not the
signer 401; object ids on another server than the actor's 400. A replayed activity (same
id) is answered 202 and not stored twice."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import JSONResponse, Response

from gazouille.activitypub.payloads import InvalidPayload, parse_json_capped
from gazouille.activitypub.signatures import (
    SignatureError,
    SignatureParams,
    parse_signature,
    verify_request,
)
from gazouille.activitypub.vocab import host_of, id_of, is_as2_content_type
from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.core.state import AppState
from gazouille.domains.federation.domain_blocks import blocked_severity
from gazouille.federation import parsers
from gazouille.federation.handlers import INBOX_JOB, process_inbox_activity
from gazouille.federation.handlers.base import ownership_problem
from gazouille.federation.remote import (
    FETCH_OUTBOX_JOB,
    FETCH_THREAD_JOB,
    Remote,
    fetch_outbox,
    fetch_thread,
)
from gazouille.models import Account, InboxActivity
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import Handler

__all__ = ["INBOX_JOB", "JOBS", "process_inbox_activity", "router"]

log = logging.getLogger(__name__)
router = APIRouter()

# The jobs of the inbound side, for the composition root to register.
JOBS: dict[str, Handler] = {
    INBOX_JOB: process_inbox_activity,
    FETCH_THREAD_JOB: fetch_thread,
    FETCH_OUTBOX_JOB: fetch_outbox,
}
MAX_BODY = 1_048_576
# Per remote domain (the signing key's host): generous for a busy server's fan-out, low
# enough that one domain cannot make us fetch and store without end.
RATE_LIMIT = 300
RATE_WINDOW = 60


class Refused(Exception):
    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status = status
        self.headers = headers or {}


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.gazouille
    return state


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise Refused(413, f"body larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY:
            raise Refused(413, f"body larger than {MAX_BODY} bytes")
    return bytes(body)


def _target(request: Request) -> str:
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    query = request.scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def _signature_header(request: Request) -> str:
    value = request.headers.get("signature")
    if value:
        return value
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("signature "):
        return authorization
    raise Refused(401, "request is not signed")


async def _verified_signer(
    request: Request, remote: Remote, params: SignatureParams, body: bytes
) -> Account:
    """The account whose key signed the request; refetched once when the signature does not
    verify with the key we have (the actor may have rotated it)."""
    headers = dict(request.headers)
    target = _target(request)
    account = await remote.account_for_key(params.key_id)
    if account is None:
        raise Refused(401, f"unknown key {params.key_id}")
    for attempt in (1, 2):
        try:
            if not account.public_key:
                raise SignatureError("the key owner publishes no public key")
            verify_request(params, request.method, target, headers, body, account.public_key)
            return account
        except SignatureError as exc:
            if attempt == 2:
                raise Refused(401, exc.reason) from None
            refreshed = await remote.account_for_key(params.key_id, refresh=True)
            if refreshed is None:
                raise Refused(401, f"{exc.reason} (and the key could not be refetched)") from None
            account = refreshed
    raise AssertionError("unreachable")


async def _deleted_unknown_actor(remote: Remote, activity: dict[str, Any], actor: str) -> bool:
    """An actor's own deletion, from an actor we never knew: nothing to delete, and its key
    is gone with it; dropped without fetching anything."""
    if parsers.type_of(activity) != "Delete" or id_of(activity.get("object")) != actor:
        return False
    return await remote.stored_account(actor) is None


async def _receive(request: Request, username: str | None) -> Response:
    state = _state(request)
    if not state.settings.federation:
        raise Refused(404, "federation is off")
    params = parse_signature(_signature_header(request))
    domain = host_of(params.key_id)
    if not domain:
        raise Refused(401, "the signature's keyId is not a URL")
    allowed = await state.ratelimiter.hit(f"inbox:{domain}", RATE_LIMIT, RATE_WINDOW)
    if not allowed:
        raise Refused(429, f"too many activities from {domain}", {"Retry-After": str(RATE_WINDOW)})
    async with state.db.read() as session:
        if username is not None:
            found = await session.execute(
                select(Account.id).where(
                    Account.acct_key == username.lower(), Account.domain.is_(None)
                )
            )
            if found.first() is None:
                raise Refused(404, "no such account")
        severity = await blocked_severity(session, domain)
    if severity == "suspend":
        log.info("inbox: dropped an activity from suspended domain %s", domain)
        return Response(status_code=202)
    if not is_as2_content_type(request.headers.get("content-type")) and (
        request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json"
    ):
        raise Refused(415, "content type must be application/activity+json")
    body = await _body(request)
    try:
        activity = parse_json_capped(body, max_bytes=MAX_BODY)
    except InvalidPayload as exc:
        raise Refused(400, str(exc)) from None
    actor_uri = id_of(activity.get("actor"))
    if actor_uri is None or not parsers.http_url(actor_uri):
        raise Refused(400, "activity without an actor")
    remote = Remote(state.db)
    if await _deleted_unknown_actor(remote, activity, actor_uri):
        return Response(status_code=202)
    signer = await _verified_signer(request, remote, params, body)
    if signer.uri != actor_uri:
        raise Refused(401, f"activity by {actor_uri} signed by {signer.uri}")
    problem = ownership_problem(activity, actor_uri)
    if problem is not None:
        raise Refused(400, problem)
    await _store(state, activity, actor_uri, params.key_id)
    return Response(status_code=202)


async def _store(state: AppState, activity: dict[str, Any], actor: str, key_id: str) -> None:
    activity_id = parsers.http_url(id_of(activity.get("id")))
    row_id = new_id()
    async with state.db.write() as session:
        inserted = await insert_ignore(
            session,
            InboxActivity,
            {
                "id": row_id,
                "activity_uri": activity_id,
                "activity_type": parsers.type_of(activity)[:64],
                "actor_uri": actor[:2048],
                "key_id": key_id[:2048],
                "body": activity,
                "state": "pending",
                "created_at": clock.now(),
            },
            ["activity_uri"],
        )
        if inserted:
            await enqueue(session, INBOX_JOB, {"id": row_id}, max_attempts=3)
        else:
            log.info("inbox: %s received again, not stored twice", activity_id)


async def _answer(request: Request, username: str | None) -> Response:
    try:
        return await _receive(request, username)
    except SignatureError as exc:
        failure = Refused(401, exc.reason)
    except Refused as exc:
        failure = exc
    log.info(
        "inbox: refused %s from %s: %s",
        request.url.path,
        request.client.host if request.client else "?",
        failure,
    )
    return JSONResponse({"error": str(failure)}, failure.status, headers=failure.headers)


@router.post("/inbox", include_in_schema=False)
async def shared_inbox(request: Request) -> Response:
    return await _answer(request, None)


@router.post("/users/{username}/inbox", include_in_schema=False)
async def personal_inbox(request: Request, username: str) -> Response:
    return await _answer(request, username)
