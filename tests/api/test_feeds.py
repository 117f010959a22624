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
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams
from gazouille.domains import timelines
from gazouille.domains.feeds import service as feeds
from gazouille.domains.timelines.rules import home_rule
from gazouille.models import Account, Follow, Status, StatusTag, Tag
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


async def test_fan_out_job_fills_feeds_in_batches(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "INLINE_FOLLOWERS", 0)
    monkeypatch.setattr(feeds, "FAN_OUT_BATCH", 1)
    a = await api.me(alice)
    dave = await api.register("dave")
    for follower in (bob, carol, dave):
        await api.follow(follower, a["id"])
    await api.post(f"/api/v1/accounts/{a['id']}/mute", dave)  # the rule still decides
    status = await api.post_status(alice, "one feed a transaction")
    await run_jobs()
    assert await _home(api, bob) == [status["id"]]
    assert await _home(api, carol) == [status["id"]]
    assert await _home(api, dave) == []


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


async def _rule_alone(db: Any, account_id: int) -> list[int]:
    """The newest ``CAP`` statuses by the home rule over every status: what a feed must hold."""
    async with db.read() as session:
        rows = await session.execute(
            select(Status.id)
            .where(home_rule(account_id))
            .order_by(Status.id.desc())
            .limit(feeds.CAP)
        )
        return list(rows.scalars())


async def _rebuilt(db: Any, account_id: int) -> list[int]:
    async with db.write() as session:
        await feeds.rebuild(session, account_id)
    async with db.read() as session:
        rows = await session.execute(
            select(HomeFeedEntry.status_id)
            .where(HomeFeedEntry.account_id == account_id)
            .order_by(HomeFeedEntry.status_id.desc())
        )
        return list(rows.scalars())


async def test_rebuild_gives_exactly_the_rule(
    api: Api, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild gathers candidates along indexes, in id windows going back in time; what it
    writes must be the newest ``CAP`` statuses of the rule alone, whatever hides a status:
    replies to strangers, hidden reblogs, private and direct posts, a followed hashtag (public
    posts only), blocks either way, a mute (and one that expired), a blocked domain, an
    exclusive list, for any cap and any size of the first window."""
    start = clock.now()
    day = 0.0

    def later(days: float) -> None:  # posts spread over two months: several windows
        nonlocal day
        day += days
        at = start + timedelta(days=day)
        clock.set_clock(lambda: at)

    names = ["vic", "amy", "ben", "cid", "eve", "fay", "gus", "hal", "ivy"]
    tokens = {n: await api.register(n) for n in names}
    ids = {n: (await api.me(t))["id"] for n, t in tokens.items()}
    vic, amy, ben, hal, ivy = (tokens[n] for n in ("vic", "amy", "ben", "hal", "ivy"))
    for name in ("amy", "eve", "fay", "ivy"):
        await api.follow(vic, ids[name])
    r = await api.post(f"/api/v1/accounts/{ids['ben']}/follow", vic, json={"reblogs": False})
    assert r.status_code == 200, r.text
    await api.follow(amy, ids["vic"])
    await api.follow(ivy, ids["amy"])
    assert (await api.post("/api/v1/tags/cats/follow", vic)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{ids['gus']}/block", vic)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{ids['vic']}/block", hal)).status_code == 200
    await api.post(f"/api/v1/accounts/{ids['eve']}/mute", vic)
    await api.post(f"/api/v1/accounts/{ids['ivy']}/mute", vic, json={"duration": 3600})
    exclusive = (
        await api.post("/api/v1/lists", vic, json={"title": "F", "exclusive": True})
    ).json()
    await api.post(
        f"/api/v1/lists/{exclusive['id']}/accounts", vic, json={"account_ids": [ids["fay"]]}
    )
    await api.post("/api/v1/domain_blocks", vic, json={"domain": "spam.example"})
    remotes: dict[str, int] = {}
    async with db.write() as session:
        for domain in ("spam.example", "fine.example"):
            remote = Account(
                id=new_id(),
                username="rex",
                domain=domain,
                acct_key=f"rex@{domain}",
                uri=f"https://{domain}/users/rex",
            )
            session.add(remote)
            await session.flush()
            session.add(Follow(account_id=int(ids["vic"]), target_account_id=remote.id))
            remotes[domain] = remote.id

    rng = random.Random(7)
    posted: list[tuple[str, str]] = []  # (author, status id)

    async def post(author: str, text: str, **extra: Any) -> str:
        r = await api.post("/api/v1/statuses", tokens[author], json={"status": text, **extra})
        if r.status_code != 200:  # a random reply to a status its author may not see
            return ""
        posted.append((author, r.json()["id"]))
        return str(r.json()["id"])

    for n in range(24):
        later(rng.choice([0.01, 0.2, 1, 3]))
        author = rng.choice(["amy", "ben", "cid", "eve", "fay", "gus", "hal", "ivy", "vic"])
        kind = rng.random()
        if kind < 0.15 and posted:
            target = rng.choice(posted)[1]
            await api.post(f"/api/v1/statuses/{target}/reblog", tokens[author])
        elif kind < 0.4 and posted:
            parent_author, parent = rng.choice(posted)
            await post(author, f"@{parent_author} reply {n}", in_reply_to_id=parent)
        else:
            visibility = rng.choice(["public", "public", "unlisted", "private", "direct"])
            text = rng.choice([f"post {n}", f"#cats {n}", f"@gus {n}", f"@vic {n}", f"@amy {n}"])
            await post(author, text, visibility=visibility)
    # The cases that matter, whatever the dice said: (shown to vic?, status).
    stranger = await post("cid", "a stranger")
    benny = await post("ben", "ben")
    cases = [
        (True, await post("amy", "mine, #cats", visibility="public")),
        (True, await post("cid", "a stranger's #cats")),
        (False, await post("cid", "an unlisted #cats", visibility="unlisted")),
        (False, await post("hal", "blocks vic, #cats")),
        (False, await post("amy", "@cid reply to a stranger", in_reply_to_id=stranger)),
        (True, await post("amy", "@ben reply to a follow", in_reply_to_id=benny)),
        (False, await post("amy", "@gus mentions the blocked", visibility="public")),
        (True, (await api.post(f"/api/v1/statuses/{stranger}/reblog", amy)).json()["id"]),
        (False, (await api.post(f"/api/v1/statuses/{stranger}/reblog", ben)).json()["id"]),
        (True, await post("amy", "private", visibility="private")),
        (False, await post("cid", "@vic direct", visibility="direct")),
        (True, await post("amy", "@vic direct", visibility="direct")),
        (False, await post("amy", "@ben direct to someone else", visibility="direct")),
        (False, await post("eve", "muted")),
        (True, await post("ivy", "was muted for an hour, long ago")),
        (False, await post("fay", "in an exclusive list")),
        (True, await post("vic", "@cid my own reply to a stranger", in_reply_to_id=stranger)),
    ]
    async with db.write() as session:
        tag_id = await session.scalar(select(Tag.id).where(Tag.name_key == "cats"))
        for days_ago in (40, 20, 5, 0.1):
            for domain, account_id in remotes.items():
                status_id = new_id(clock.now() - timedelta(days=days_ago))
                session.add(
                    Status(
                        id=status_id,
                        account_id=account_id,
                        uri=f"https://{domain}/statuses/{status_id}",
                        content="<p>remote #cats</p>",
                        visibility="public",
                        local=False,
                    )
                )
                await session.flush()
                session.add(StatusTag(status_id=status_id, tag_id=tag_id))
                cases.append((domain == "fine.example", str(status_id)))

    async def check() -> None:
        for name in names:
            expected = await _rule_alone(db, int(ids[name]))
            assert await _rebuilt(db, int(ids[name])) == expected, (name, feeds.CAP)

    full = await _rule_alone(db, int(ids["vic"]))
    assert [int(status_id) in full for _, status_id in cases] == [shown for shown, _ in cases]
    for first in (feeds.REBUILD_FIRST_SPAN, timedelta(milliseconds=1), timedelta(days=3650)):
        monkeypatch.setattr(feeds, "REBUILD_FIRST_SPAN", first)
        for cap in (1, 5, len(full) - 1, 400):
            monkeypatch.setattr(feeds, "CAP", cap)
            await check()
    clock.set_clock(None)  # the dataset's statuses now lie in the future: still all found
    await check()
