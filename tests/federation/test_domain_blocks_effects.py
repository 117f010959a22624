"""What a domain block does to the accounts already known on its domain and subdomains:
silence keeps their posts out of the public and hashtag timelines and trends for those who
don't follow them; suspend severs follows both ways and hides their posts everywhere;
updates and deletes lift exactly what blocks set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from gazouille.core import clock
from gazouille.domains.federation import domain_blocks as blocks
from gazouille.domains.tags.service import find_or_create_tag
from gazouille.domains.trends.tasks import refresh_trends
from gazouille.models import Account, Follow, Notification, StatusTag
from gazouille.worker.runtime import JobContext
from tests.conftest import Api
from tests.federation.domain_block_helpers import (
    admin_token,
    reload,
    remote_account,
    remote_status,
)

PATH = "/api/v1/admin/domain_blocks"


async def _ids(api: Api, path: str, token: str | None = None) -> list[str]:
    r = await api.get(path, token)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def _follow_row(db: Any, follower_id: int, target_id: int) -> None:
    async with db.write() as session:
        session.add(Follow(account_id=follower_id, target_account_id=target_id))
        for column, account_id in (
            (Account.following_count, follower_id),
            (Account.followers_count, target_id),
        ):
            await session.execute(
                update(Account).where(Account.id == account_id).values({column: column + 1})
            )


async def _tag(db: Any, status_id: int, name: str) -> None:
    async with db.write() as session:
        tag = await find_or_create_tag(session, name)
        session.add(StatusTag(status_id=status_id, tag_id=tag.id))


async def _block(api: Api, token: str, domain: str, severity: str) -> dict[str, Any]:
    r = await api.post(PATH, token, json={"domain": domain, "severity": severity})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_silence_keeps_posts_from_non_followers_public_views(
    api: Api, db: Any, alice: str, bob: str
) -> None:
    root = await admin_token(api, db)
    eve = await remote_account(db, "eve", "sub.quiet.example")
    post = await remote_status(db, eve, "#news hello")
    await _tag(db, post.id, "news")
    sid = str(post.id)
    bob_id = int((await api.me(bob))["id"])
    await _follow_row(db, bob_id, eve.id)
    for viewer in (None, alice, bob):
        assert sid in await _ids(api, "/api/v1/timelines/public", viewer)
        assert sid in await _ids(api, "/api/v1/timelines/tag/news", viewer)

    block = await _block(api, root, "quiet.example", "silence")
    eve = await reload(db, eve)
    assert eve.silenced_at is not None and eve.suspended_at is None
    for viewer in (None, alice):
        assert sid not in await _ids(api, "/api/v1/timelines/public", viewer)
        assert sid not in await _ids(api, "/api/v1/timelines/public?remote=true", viewer)
        assert sid not in await _ids(api, "/api/v1/timelines/tag/news", viewer)
    # Its followers still see it; the post itself and the profile stay reachable.
    assert sid in await _ids(api, "/api/v1/timelines/public", bob)
    assert sid in await _ids(api, "/api/v1/timelines/tag/news", bob)
    assert (await api.get(f"/api/v1/statuses/{sid}", alice)).status_code == 200
    assert (await api.get(f"/api/v1/accounts/{eve.id}")).status_code == 200
    assert (await reload(db, Account(id=bob_id))).following_count == 1

    r = await api.request("DELETE", f"{PATH}/{block['id']}", root)
    assert r.status_code == 200
    assert (await reload(db, eve)).silenced_at is None
    assert sid in await _ids(api, "/api/v1/timelines/public", alice)


async def test_suspend_severs_follows_and_hides_posts(
    api: Api, db: Any, alice: str, bob: str
) -> None:
    root = await admin_token(api, db)
    alice_id = int((await api.me(alice))["id"])
    mallory = await remote_account(db, "mallory", "bad.example")
    post = await remote_status(db, mallory, "buy now")
    sid = str(post.id)
    await _follow_row(db, alice_id, mallory.id)
    await _follow_row(db, mallory.id, alice_id)
    await api.follow(alice, (await api.me(bob))["id"])
    r = await api.post(f"/api/v1/statuses/{sid}/reblog", bob)
    assert r.status_code == 200, r.text
    reblog_id = r.json()["id"]
    async with db.write() as session:
        session.add(
            Notification(
                account_id=alice_id,
                from_account_id=mallory.id,
                type="follow",
                dedupe_key=f"follow:{mallory.id}",
                group_key=f"ungrouped-{mallory.id}",
            )
        )
    assert reblog_id in await _ids(api, "/api/v1/timelines/home", alice)
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1

    block = await _block(api, root, "BAD.example", "suspend")
    mallory = await reload(db, mallory)
    assert mallory.suspended_at is not None and mallory.silenced_at is None
    me = await api.me(alice)
    assert (me["following_count"], me["followers_count"]) == (1, 0)  # bob only
    r = await api.get("/api/v1/accounts/relationships", alice, params={"id[]": str(mallory.id)})
    assert r.json()[0]["following"] is False and r.json()[0]["followed_by"] is False
    assert (await reload(db, mallory)).followers_count == 0
    for viewer in (None, alice, bob):
        assert (await api.get(f"/api/v1/statuses/{sid}", viewer)).status_code == 404
        assert sid not in await _ids(api, "/api/v1/timelines/public", viewer)
    assert (await api.get(f"/api/v1/accounts/{mallory.id}", alice)).status_code == 404
    # Bob's reblog of it goes too, from Alice's home and from Bob's profile.
    home = await _ids(api, "/api/v1/timelines/home", alice)
    assert sid not in home and reblog_id not in home
    bob_statuses = await _ids(api, f"/api/v1/accounts/{(await api.me(bob))['id']}/statuses")
    assert reblog_id not in bob_statuses
    assert (await api.get("/api/v1/notifications", alice)).json() == []

    # Lifting the block lifts the suspension; the follows stay severed, as in Mastodon.
    await api.request("DELETE", f"{PATH}/{block['id']}", root)
    assert (await reload(db, mallory)).suspended_at is None
    assert (await api.get(f"/api/v1/statuses/{sid}", alice)).status_code == 200
    assert (await api.me(alice))["followers_count"] == 0


async def test_overlapping_blocks_updates_and_deletes(api: Api, db: Any) -> None:
    root = await admin_token(api, db)
    top = await remote_account(db, "top", "example.com")
    sub = await remote_account(db, "sub", "deep.sub.example.com")
    port = await remote_account(db, "port", "example.com:8443")
    other = await remote_account(db, "other", "example.org")
    # Silenced by a moderator beforehand: no block may lift that.
    earlier = clock.now() - timedelta(days=3)
    own = await remote_account(db, "own", "example.com", silenced_at=earlier)

    async def state(account: Account) -> tuple[bool, bool]:
        found = await reload(db, account)
        return found.silenced_at is not None, found.suspended_at is not None

    parent = await _block(api, root, "example.com", "silence")
    assert [await state(a) for a in (top, sub, port, other)] == [
        (True, False),
        (True, False),
        (True, False),
        (False, False),
    ]
    child = await _block(api, root, "sub.example.com", "suspend")
    assert await state(sub) == (False, True) and await state(top) == (True, False)
    r = await api.request("PUT", f"{PATH}/{child['id']}", root, json={"severity": "noop"})
    assert r.status_code == 200
    assert await state(sub) == (False, False)  # the more specific block rules
    await api.request("DELETE", f"{PATH}/{child['id']}", root)
    assert await state(sub) == (True, False)  # the parent takes over
    await api.request("PUT", f"{PATH}/{parent['id']}", root, json={"severity": "suspend"})
    assert [await state(a) for a in (top, sub, port)] == [(False, True)] * 3
    assert await state(own) == (True, True)
    await api.request("DELETE", f"{PATH}/{parent['id']}", root)
    assert [await state(a) for a in (top, sub, port, other)] == [(False, False)] * 4
    assert (await reload(db, own)).silenced_at == earlier


async def test_accounts_stored_later_get_the_block_in_force(api: Api, db: Any) -> None:
    root = await admin_token(api, db)
    await _block(api, root, "quiet.example", "silence")
    suspend = await _block(api, root, "localhost:3102", "suspend")
    async with db.write() as session:
        newcomer = Account(
            username="new", domain="a.quiet.example", acct_key="new@a.quiet.example", uri="u1"
        )
        twin = Account(username="dev", domain="localhost:3102", acct_key="dev@x", uri="u2")
        neighbour = Account(username="dev", domain="localhost:3101", acct_key="dev@y", uri="u3")
        for account in (newcomer, twin, neighbour):
            await blocks.apply_to_account(session, account)
            session.add(account)
    assert newcomer.silenced_at is not None and newcomer.suspended_at is None
    assert twin.suspended_at is not None
    assert neighbour.silenced_at is None and neighbour.suspended_at is None
    await api.request("DELETE", f"{PATH}/{suspend['id']}", root)
    assert (await reload(db, twin)).suspended_at is None  # lifted like the others


async def test_silenced_accounts_do_not_trend(api: Api, app: Any, db: Any) -> None:
    root = await admin_token(api, db)
    for name in ("ann", "ben", "cat"):
        author = await remote_account(db, name, "quiet.example")
        post = await remote_status(db, author, "#spamwave")
        await _tag(db, post.id, "spamwave")
    state = app.state.gazouille

    async def trending() -> list[str]:
        await refresh_trends(JobContext(state.db, state.pubsub), {})
        return [t["name"] for t in (await api.get("/api/v1/trends/tags")).json()]

    assert await trending() == ["spamwave"]
    await _block(api, root, "quiet.example", "silence")
    assert await trending() == []
