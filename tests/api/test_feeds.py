"""Materialized home feeds give exactly what the read-time rule gives: fan-out inline and by
job, celebrities merged at read time, capped feeds falling back for deep pages, inactive
accounts rebuilt on return."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gazouille.core import clock
from gazouille.core.pagination import PageParams
from gazouille.domains import timelines
from gazouille.domains.feeds import service as feeds
from gazouille.models.feeds import FeedState, HomeFeedEntry
from tests.conftest import Api


async def _home(api: Api, token: str, **params: Any) -> list[str]:
    r = await api.get("/api/v1/timelines/home", token, params=params)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def _read_time(db: Any, account_id: str, **page: Any) -> list[str]:
    async with db.read() as session:
        rows = await timelines.home_read_time(session, int(account_id), PageParams(**page))
    return [str(s.id) for s in rows]


async def _entries(db: Any, account_id: str) -> int:
    async with db.read() as session:
        rows = await session.execute(
            select(HomeFeedEntry).where(HomeFeedEntry.account_id == int(account_id))
        )
        return len(rows.all())


async def test_inline_fan_out_and_follow_backfill(api: Api, alice: str, bob: str, db: Any) -> None:
    a, b = await api.me(alice), await api.me(bob)
    before = await api.post_status(alice, "before the follow")
    await api.follow(bob, a["id"])
    after = await api.post_status(alice, "after the follow")
    assert await _home(api, bob) == [after["id"], before["id"]]
    assert await _entries(db, b["id"]) == 2
    await api.post(f"/api/v1/accounts/{a['id']}/unfollow", bob)
    assert await _home(api, bob) == []


async def test_fan_out_by_job_after_the_answer(
    api: Api, alice: str, bob: str, run_jobs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "INLINE_FOLLOWERS", 0)
    a = await api.me(alice)
    await api.follow(bob, a["id"])
    status = await api.post_status(alice, "many followers")
    assert status["id"] in await _home(api, alice)  # the author sees it at once
    assert await _home(api, bob) == []  # the others once the job ran
    await run_jobs()
    assert await _home(api, bob) == [status["id"]]


async def test_celebrities_are_merged_at_read_time(
    api: Api, alice: str, bob: str, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "CELEBRITY_FOLLOWERS", 0)
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    status = await api.post_status(alice, "famous")
    assert await _entries(db, b["id"]) == 0  # no write per follower
    assert await _home(api, bob) == [status["id"]]


async def test_capped_feed_falls_back_for_deep_pages(
    api: Api, alice: str, bob: str, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    posted = [(await api.post_status(alice, f"post {n}"))["id"] for n in range(12)]
    monkeypatch.setattr(feeds, "CAP", 4)
    async with db.write() as session:
        await session.execute(
            HomeFeedEntry.__table__.delete().where(
                HomeFeedEntry.account_id == int(b["id"]), HomeFeedEntry.status_id < int(posted[-4])
            )
        )
    newest_first = list(reversed(posted))
    assert await _home(api, bob, limit=3) == newest_first[:3]
    assert await _home(api, bob, limit=3, max_id=newest_first[2]) == newest_first[3:6]
    assert await _home(api, bob, limit=20, max_id=newest_first[5]) == newest_first[6:]


async def test_returning_account_gets_its_feed_rebuilt(
    api: Api, alice: str, bob: str, db: Any, run_jobs: Any
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    async with db.write() as session:
        state = await session.get(FeedState, int(b["id"]))
        assert state is not None
        state.active_at = clock.now() - timedelta(days=30)
    missed = await api.post_status(alice, "while bob was away")  # not fanned out to bob
    assert await _entries(db, b["id"]) == 0
    assert await _home(api, bob) == [missed["id"]]  # read time meanwhile
    await run_jobs()
    assert await _entries(db, b["id"]) == 1
    assert await _home(api, bob) == [missed["id"]]


async def test_feed_and_read_time_rule_agree(api: Api, db: Any, run_jobs: Any) -> None:
    """Random follows, posts, replies, reblogs, unfollows: every feed equals the rule."""
    rng = random.Random(3)
    names = ["u0", "u1", "u2", "u3", "u4"]
    tokens = {n: await api.register(n) for n in names}
    ids = {n: (await api.me(t))["id"] for n, t in tokens.items()}
    statuses: list[str] = []
    for step in range(60):
        actor = rng.choice(names)
        other = rng.choice([n for n in names if n != actor])
        roll = rng.random()
        if roll < 0.25:
            await api.follow(tokens[actor], ids[other])
        elif roll < 0.32:
            await api.post(f"/api/v1/accounts/{ids[other]}/unfollow", tokens[actor])
        elif roll < 0.45 and statuses:
            await api.post(f"/api/v1/statuses/{rng.choice(statuses)}/reblog", tokens[actor])
        else:
            visibility = rng.choice(["public", "public", "unlisted", "private", "direct"])
            reply = rng.choice(statuses) if statuses and rng.random() < 0.3 else None
            r = await api.post(
                "/api/v1/statuses",
                tokens[actor],
                json={
                    "status": f"@{other} step {step}" if rng.random() < 0.4 else f"step {step}",
                    "visibility": visibility,
                    "in_reply_to_id": reply,
                },
            )
            if r.status_code == 200:
                statuses.append(r.json()["id"])
    await run_jobs()
    for name in names:
        assert await _home(api, tokens[name], limit=40) == await _read_time(
            db, ids[name], limit=40
        ), name
