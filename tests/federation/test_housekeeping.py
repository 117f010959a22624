"""Processed inbox activities are kept a week, then purged; pending ones are never touched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from gazouille.core import clock
from gazouille.federation.housekeeping import KEEP, PURGE_JOB, purge_inbox
from gazouille.main import build_registry
from gazouille.models import InboxActivity
from gazouille.worker.runtime import JobContext


async def test_old_processed_activities_are_purged(app: Any, db: Any) -> None:
    old = clock.now() - KEEP - timedelta(hours=1)
    rows = [
        ("https://a.example/1", "done", old),
        ("https://a.example/2", "ignored", old),
        ("https://a.example/3", "pending", old),
        ("https://a.example/4", "done", clock.now()),
    ]
    async with db.write() as session:
        for uri, state, created in rows:
            session.add(
                InboxActivity(
                    activity_uri=uri,
                    actor_uri="https://a.example/users/x",
                    body={"id": uri},
                    state=state,
                    created_at=created,
                )
            )
    await purge_inbox(JobContext(db, app.state.gazouille.pubsub), {})
    async with db.read() as session:
        left = set((await session.execute(select(InboxActivity.activity_uri))).scalars())
    assert left == {"https://a.example/3", "https://a.example/4"}
    assert PURGE_JOB in build_registry().periodic
