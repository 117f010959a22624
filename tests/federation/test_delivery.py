"""Deliveries to a real HTTP server on 127.0.0.1: signed POSTs, retries with backoff,
permanent refusals, and the instance health that pauses a dead server and resumes it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from gazouille.activitypub.signatures import parse_signature, verify_request
from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.federation import instances
from gazouille.federation import delivery
from gazouille.federation.clients import close_pools
from gazouille.federation.publish import DELIVER_JOB, PUBLISH_JOB, deliver, publish
from gazouille.main import build_registry
from gazouille.models import Account, Follow, Instance, Job
from gazouille.worker.runtime import JobContext, backoff, run_pending
from tests.conftest import Api
from tests.federation.outbound_helpers import local_account


@dataclass
class Inbox:
    """A remote server's inbox: records what it receives, answers what it is told to."""

    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes, str]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append((dict(request.headers), body, request.path_qs))
        status = self.answers.pop(0) if self.answers else 202
        return web.Response(status=status)


@pytest.fixture
async def inbox(settings: Any) -> AsyncIterator[Inbox]:
    settings.allow_private_addresses = True
    delivery.set_client_factory(None)
    server = Inbox()
    app = web.Application()
    app.router.add_post("/inbox", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/inbox"
    yield server
    await close_pools()
    await runner.cleanup()
    delivery.set_client_factory(None)


def _domain(inbox: Inbox) -> str:
    return inbox.url.split("/")[2]


async def _follower(db: Any, inbox: Inbox, target_id: int) -> Account:
    domain = _domain(inbox)
    account = Account(
        id=new_id(),
        username="fan",
        domain=domain,
        acct_key=f"fan@{domain}",
        uri=f"http://{domain}/users/fan",
        inbox_url=f"http://{domain}/users/fan/inbox",
        shared_inbox_url=inbox.url,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    async with db.write() as session:
        session.add(account)
        await session.flush()
        session.add(Follow(id=new_id(), account_id=account.id, target_account_id=target_id))
    return account


async def _run(app: Any) -> int:
    state = app.state.gazouille
    registry = build_registry()
    registry.register(PUBLISH_JOB, publish)
    registry.register(DELIVER_JOB, deliver)
    return await run_pending(JobContext(state.db, state.pubsub), registry)


async def _deliveries(db: Any) -> list[Job]:
    async with db.read() as session:
        rows = await session.execute(select(Job).where(Job.kind == DELIVER_JOB).order_by(Job.id))
        return list(rows.scalars())


async def _instance(db: Any, domain: str) -> Instance | None:
    async with db.read() as session:
        return await session.get(Instance, domain)


def _later(delta: timedelta) -> None:
    clock.set_clock(lambda: datetime.now(UTC) + delta)


async def test_delivery_is_signed_and_recorded(
    api: Api, alice: str, app: Any, db: Any, inbox: Inbox
) -> None:
    me = await local_account(db, "alice")
    await _follower(db, inbox, me.id)
    status = await api.post_status(alice, "over the wire")
    await _run(app)
    ((headers, body, path),) = inbox.received
    activity = json.loads(body)
    assert activity["type"] == "Create" and activity["object"]["id"] == status["uri"]
    assert headers["Content-Type"].startswith("application/activity+json")
    params = parse_signature(headers["Signature"])
    assert params.key_id == f"{me.uri}#main-key"
    assert {"(request-target)", "host", "date", "digest"} <= set(params.headers)
    async with db.read() as session:
        public_key = await session.scalar(select(Account.public_key).where(Account.id == me.id))
    assert public_key is not None
    verify_request(params, "POST", path, headers, body, public_key)
    (job,) = await _deliveries(db)
    assert job.state == "done" and job.max_attempts == delivery.MAX_ATTEMPTS
    health = await _instance(db, _domain(inbox))
    assert health is not None and health.last_success_at is not None and health.failures == 0


async def test_failures_are_retried_with_backoff(
    api: Api, alice: str, app: Any, db: Any, inbox: Inbox
) -> None:
    me = await local_account(db, "alice")
    await _follower(db, inbox, me.id)
    inbox.answers = [503, 429]
    await api.post_status(alice, "try again")
    await _run(app)
    (job,) = await _deliveries(db)
    assert job.state == "pending" and job.attempts == 1 and job.run_at > clock.now()
    health = await _instance(db, _domain(inbox))
    assert health is not None and health.failures == 1 and "503" in (health.last_error or "")
    _later(timedelta(minutes=2))
    await _run(app)
    (job,) = await _deliveries(db)
    assert job.state == "pending" and job.attempts == 2
    _later(timedelta(minutes=10))
    await _run(app)
    (job,) = await _deliveries(db)
    assert job.state == "done" and len(inbox.received) == 3
    health = await _instance(db, _domain(inbox))
    assert health is not None and health.failures == 0 and health.last_error is None


async def test_permanent_refusal_is_dropped(
    api: Api, alice: str, app: Any, db: Any, inbox: Inbox
) -> None:
    me = await local_account(db, "alice")
    await _follower(db, inbox, me.id)
    inbox.answers = [410]
    await api.post_status(alice, "gone")
    await _run(app)
    (job,) = await _deliveries(db)
    assert job.state == "done" and len(inbox.received) == 1
    health = await _instance(db, _domain(inbox))
    assert health is not None and health.failures == 0  # it answered: it is up


async def test_unreachable_server_is_retried(
    api: Api, alice: str, app: Any, db: Any, inbox: Inbox
) -> None:
    me = await local_account(db, "alice")
    follower = await _follower(db, inbox, me.id)
    async with db.write() as session:
        row = await session.get(Account, follower.id)
        assert row is not None
        row.shared_inbox_url = "http://127.0.0.1:9/inbox"  # discard port: nobody listens
    await api.post_status(alice, "anyone there?")
    await _run(app)
    (job,) = await _deliveries(db)
    assert job.state == "pending" and job.attempts == 1 and job.last_error
    health = await _instance(db, "127.0.0.1:9")
    assert health is not None and health.failures == 1


def test_retries_span_about_two_days() -> None:
    waits = sum(
        (backoff(n) - timedelta(seconds=10 * n) for n in range(1, delivery.MAX_ATTEMPTS)),
        timedelta(),
    )
    assert timedelta(days=1, hours=18) < waits < timedelta(days=2, hours=12)


async def _failing_for_a_day(db: Any, domain: str) -> None:
    """The domain failed its last deliveries; now a delivery queued two days ago fails."""
    async with db.write() as session:
        for _ in range(instances.FAILURE_THRESHOLD - 1):
            await instances.record_failure(session, domain, "HTTP 502")
    async with db.write() as session:
        marked = await instances.record_failure(
            session, domain, "HTTP 502", failing_since=clock.now() - timedelta(days=2)
        )
    assert marked


async def test_a_dead_instance_waits_and_comes_back(
    api: Api, alice: str, app: Any, db: Any, inbox: Inbox
) -> None:
    me = await local_account(db, "alice")
    await _follower(db, inbox, me.id)
    domain = _domain(inbox)
    # Many failures within a day do not make an instance unavailable…
    async with db.write() as session:
        for _ in range(instances.FAILURE_THRESHOLD * 2):
            await instances.record_failure(
                session, domain, "HTTP 502", failing_since=clock.now() - timedelta(hours=3)
            )
    assert await _instance_available(db, domain)
    # …failing for over a day does.
    await _failing_for_a_day(db, domain)
    assert not await _instance_available(db, domain)

    await api.post_status(alice, "while you were down")
    await _run(app)
    # The probe of this hour was taken by the failure just recorded: the delivery waits,
    # untried and without using up its attempts.
    assert inbox.received == []
    waiting = [j for j in await _deliveries(db) if j.state == "pending"]
    assert len(waiting) == 1 and waiting[0].attempts == 0
    assert waiting[0].run_at > clock.now() + timedelta(minutes=50)
    assert waiting[0].payload["waiting_since"]

    _later(timedelta(hours=1, minutes=10))
    await _run(app)
    assert len(inbox.received) == 1  # the probe went through…
    assert await _instance_available(db, domain)  # …and the instance is back


async def test_inbound_activity_marks_an_instance_alive(db: Any) -> None:
    await _failing_for_a_day(db, "dead.example")
    assert not await _instance_available(db, "dead.example")
    async with db.write() as session:
        await instances.mark_alive(session, "DEAD.example")
    assert await _instance_available(db, "dead.example")
    async with db.read() as session:
        (health,) = (await session.execute(select(Instance))).scalars()
    assert health.domain == "dead.example" and health.unavailable_since is None
    assert health.failures == 0


async def _instance_available(db: Any, domain: str) -> bool:
    async with db.read() as session:
        return await instances.is_available(session, domain)
