"""Job ``federation.deliver``: POST one activity to one inbox, signed, outside any database
transaction. 2xx: done. A refusal for good (4xx but 408/429): dropped and logged. Anything
else: retried with the worker's backoff, 16 tries spanning about two days. Each outcome is
recorded in the instance's health; deliveries to an instance marked unavailable wait (one of
them probes it every hour) rather than use up their tries, for up to a week."""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.activitypub.client import ActivityPubClient, DeliveryError
from gazouille.activitypub.signatures import Signer
from gazouille.activitypub.vocab import host_of
from gazouille.config import get_settings
from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.domains.federation import domain_blocks, instances, keys
from gazouille.federation.clients import PerLoop, default_client
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

log = logging.getLogger(__name__)

DELIVER_JOB = "federation.deliver"
# With backoff(n) ≈ n⁴ + 15 s, the 15 waits between 16 tries add up to about 50 hours.
MAX_ATTEMPTS = 16
MAX_WAIT = timedelta(days=7)

ClientFactory = Callable[[], ActivityPubClient]
_clients: PerLoop[ActivityPubClient] = PerLoop(default_client)


def client() -> ActivityPubClient:
    """The client deliveries use (one per event loop)."""
    return _clients.get()


def set_client_factory(factory: ClientFactory | None) -> None:
    """Replace how delivery clients are made (tests)."""
    _clients.set_factory(factory)


def _dedupe_key(activity_id: str, inbox: str) -> str:
    digest = hashlib.sha256(f"{activity_id}\n{inbox}".encode()).hexdigest()
    return f"{DELIVER_JOB}:{digest}"


async def enqueue_delivery(
    session: AsyncSession, inbox: str, body: str, activity_id: str, signer: dict[str, Any]
) -> None:
    await enqueue(
        session,
        DELIVER_JOB,
        {"inbox": inbox, "body": body, "signer": signer, "queued_at": clock.now().isoformat()},
        dedupe_key=_dedupe_key(activity_id, inbox),
        max_attempts=MAX_ATTEMPTS,
    )


async def _signer(db: Database, ref: dict[str, Any]) -> Signer | None:
    if ref.get("instance"):
        return await keys.load_instance_signer(db)
    if ref.get("private_key") and ref.get("key_id"):
        return Signer(key_id=str(ref["key_id"]), private_key_pem=str(ref["private_key"]))
    if ref.get("account_id") is not None:
        return await keys.ensure_signer(db, int(ref["account_id"]))
    return None


def _when(value: Any) -> datetime | None:
    try:
        return clock.as_utc(datetime.fromisoformat(str(value))) if value else None
    except ValueError:
        return None


async def _wait_or_probe(db: Database, domain: str, payload: dict[str, Any]) -> bool:
    """True when the delivery may go now. Otherwise it has been re-queued for the next
    probe, or dropped (a suspended domain, or one unavailable for too long)."""
    async with db.read() as session:
        if await domain_blocks.blocked_severity(session, domain) == "suspend":
            log.info("dropping a delivery to %s: its domain is suspended", payload["inbox"])
            return False
        if await instances.is_available(session, domain):
            return True
    async with db.write() as session:
        if await instances.claim_probe(session, domain):
            return True
        waiting_since = _when(payload.get("waiting_since")) or clock.now()
        if clock.now() - waiting_since > MAX_WAIT:
            log.warning("dropping a delivery to %s: unavailable for too long", payload["inbox"])
            return False
        run_at = await instances.next_probe_at(session, domain)
        run_at += timedelta(seconds=random.uniform(0, 300))
        await enqueue(
            session,
            DELIVER_JOB,
            {**payload, "waiting_since": waiting_since.isoformat()},
            run_at=run_at,
            max_attempts=MAX_ATTEMPTS,
        )
    return False


async def deliver(ctx: JobContext, payload: dict[str, Any]) -> None:
    inbox = str(payload["inbox"])
    domain = host_of(inbox)
    if not domain:
        log.warning("dropping a delivery to an invalid inbox %r", inbox)
        return
    if not get_settings().federation:
        return
    if not await _wait_or_probe(ctx.db, domain, payload):
        return
    signer = await _signer(ctx.db, payload.get("signer") or {})
    if signer is None:
        log.info("dropping a delivery to %s: its signer is gone", inbox)
        return
    try:
        await client().deliver(inbox, str(payload["body"]).encode(), signer)
    except DeliveryError as exc:
        if not exc.retryable:
            log.warning("delivery to %s refused for good (%s): dropped", inbox, exc)
            if exc.status is not None:  # it answered: it is up
                async with ctx.db.write() as session:
                    await instances.record_success(session, domain)
            return
        await _failed(ctx.db, domain, str(exc), payload)
        raise
    except Exception as exc:
        await _failed(ctx.db, domain, f"{type(exc).__name__}: {exc}", payload)
        raise
    async with ctx.db.write() as session:
        await instances.record_success(session, domain)


async def _failed(db: Database, domain: str, error: str, payload: dict[str, Any]) -> None:
    since = _when(payload.get("waiting_since")) or _when(payload.get("queued_at"))
    async with db.write() as session:
        if await instances.record_failure(session, domain, error, failing_since=since):
            log.warning("%s is now marked unavailable: %s", domain, error)
