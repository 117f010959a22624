"""Helpers of the outbound federation tests: remote accounts stored directly, and a job
runner whose deliveries are recorded instead of sent.

Test modules import the ``outbox`` fixture by its function name:
``from tests.federation.outbound_helpers import outbox_fixture``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from gazouille.activitypub.keys import KeyPair, generate_key_pair
from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.federation.publish import DELIVER_JOB, PUBLISH_JOB, publish
from gazouille.main import build_registry
from gazouille.models import Account, Follow
from gazouille.worker.runtime import JobContext, Registry, run_pending

_KEYS: list[KeyPair] = []


def key_pair() -> KeyPair:
    """One RSA pair shared by the remote accounts of a test run (generating is slow)."""
    if not _KEYS:
        _KEYS.append(generate_key_pair())
    return _KEYS[0]


async def remote_account(
    db: Any,
    username: str,
    domain: str,
    *,
    shared_inbox: bool = True,
    locked: bool = False,
    with_key: bool = False,
) -> Account:
    base = f"https://{domain}"
    uri = f"{base}/users/{username}"
    account = Account(
        id=new_id(),
        username=username,
        domain=domain,
        acct_key=f"{username}@{domain}".lower(),
        uri=uri,
        url=f"{base}/@{username}",
        inbox_url=f"{uri}/inbox",
        shared_inbox_url=f"{base}/inbox" if shared_inbox else None,
        locked=locked,
        public_key=key_pair().public_pem if with_key else None,
        key_id=f"{uri}#main-key" if with_key else None,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    async with db.write() as session:
        session.add(account)
    return account


async def add_follow(db: Any, follower_id: int, target_id: int) -> None:
    async with db.write() as session:
        session.add(Follow(id=new_id(), account_id=follower_id, target_account_id=target_id))


async def local_account(db: Any, username: str) -> Account:
    async with db.read() as session:
        found = await session.execute(select(Account).where(Account.acct_key == username))
        return found.scalar_one()


@dataclass
class Delivery:
    inbox: str
    activity: dict[str, Any]
    signer: dict[str, Any]


@dataclass
class Outbox:
    """Runs jobs like the worker, but records deliveries instead of sending them."""

    app: Any
    sent: list[Delivery] = field(default_factory=list)

    def registry(self) -> Registry:
        registry = build_registry()
        registry.register(PUBLISH_JOB, publish)

        async def record(_ctx: JobContext, payload: dict[str, Any]) -> None:
            self.sent.append(
                Delivery(payload["inbox"], json.loads(payload["body"]), payload["signer"])
            )

        registry.register(DELIVER_JOB, record)
        return registry

    async def run(self) -> list[Delivery]:
        """Run every due job; the deliveries recorded by this run."""
        before = len(self.sent)
        state = self.app.state.gazouille
        await run_pending(JobContext(state.db, state.pubsub), self.registry())
        return self.sent[before:]

    async def flush(self) -> None:
        await self.run()
        self.sent.clear()


@pytest.fixture(name="outbox")
def outbox_fixture(app: Any) -> Outbox:
    return Outbox(app)


def inboxes(sent: list[Delivery], kind: str | None = None) -> set[str]:
    return {d.inbox for d in sent if kind is None or d.activity["type"] == kind}


def of_type(sent: list[Delivery], kind: str) -> list[Delivery]:
    return [d for d in sent if d.activity["type"] == kind]
