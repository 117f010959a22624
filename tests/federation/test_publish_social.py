"""Follows, likes, blocks, pins, votes, profile changes, deletions and reports between local
and remote accounts: the activities they send, and follow() between local accounts
unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.accounts import deletion
from gazouille.domains.polls import service as polls
from gazouille.domains.relationships import service as relationships
from gazouille.domains.relationships.service import FollowOptions
from gazouille.models import Account, Follow, FollowRequest, Job, Notification, Poll, Status, User
from tests.conftest import BASE_URL, Api
from tests.federation.outbound_helpers import (  # noqa: F401
    Outbox,
    add_follow,
    local_account,
    outbox_fixture,
    remote_account,
)


async def _remote_status(db: Any, author: Account, *, poll: bool = False) -> Status:
    status = Status(
        id=new_id(),
        account_id=author.id,
        uri=f"{author.uri}/statuses/{new_id()}",
        content="<p>remote</p>",
        visibility="public",
        local=False,
        has_poll=poll,
        created_at=clock.now(),
    )
    async with db.write() as session:
        session.add(status)
        await session.flush()
        if poll:
            session.add(
                Poll(
                    id=new_id(),
                    status_id=status.id,
                    account_id=author.id,
                    options=["yes", "no"],
                    cached_tallies=[0, 0],
                    expires_at=clock.now() + timedelta(days=1),
                )
            )
    return status


async def _relationship(api: Api, token: str, account_id: int) -> dict[str, Any]:
    r = await api.get("/api/v1/accounts/relationships", token, params={"id[]": str(account_id)})
    return dict(r.json()[0])


async def test_following_a_remote_account_is_a_request_until_accepted(
    api: Api, alice: str, db: Any, outbox: Outbox
) -> None:
    remote = await remote_account(db, "bob", "remote.example", locked=False)
    await api.follow(alice, str(remote.id))
    relation = await _relationship(api, alice, remote.id)
    assert relation["requested"] is True and relation["following"] is False
    (follow,) = await outbox.run()
    assert follow.inbox == "https://remote.example/inbox"
    assert follow.activity["type"] == "Follow"
    assert follow.activity["object"] == remote.uri
    async with db.read() as session:
        request = (await session.execute(select(FollowRequest))).scalar_one()
    assert follow.activity["id"] == request.uri
    # Their server accepts (what the inbox does): the request becomes a follow, uri kept.
    async with db.write() as session:
        target = await session.get(Account, remote.id)
        assert target is not None
        await relationships.authorize_request(session, target, request.account_id)
    assert await outbox.run() == []  # nothing to say back
    async with db.read() as session:
        kept = (await session.execute(select(Follow))).scalar_one()
    assert kept.uri == request.uri
    assert (await api.post(f"/api/v1/accounts/{remote.id}/unfollow", alice)).status_code == 200
    (undo,) = await outbox.run()
    assert undo.activity["type"] == "Undo"
    assert undo.activity["object"] == {
        "id": request.uri,
        "type": "Follow",
        "actor": f"{BASE_URL}/users/alice",
        "object": remote.uri,
    }


async def test_follow_between_local_accounts_is_unchanged(
    api: Api, alice: str, bob: str, carol: str, db: Any, outbox: Outbox, run_jobs: Any
) -> None:
    bob_id = (await api.me(bob))["id"]
    carol_id = (await api.me(carol))["id"]
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", carol, json={"locked": True}
    )
    assert r.status_code == 200
    assert (await api.follow(alice, bob_id))["following"] is True
    relation = await api.follow(alice, carol_id)
    assert relation["requested"] is True and relation["following"] is False
    await run_jobs()
    async with db.read() as session:
        kinds = set(
            (await session.execute(select(Notification.type).order_by(Notification.id))).scalars()
        )
    assert kinds == {"follow", "follow_request"}
    assert await outbox.run() == []  # nothing leaves the server
    r = await api.post(f"/api/v1/follow_requests/{(await api.me(alice))['id']}/authorize", carol)
    assert r.status_code == 200
    assert (await _relationship(api, alice, int(carol_id)))["following"] is True
    assert await outbox.run() == []


async def test_remote_follower_of_an_unlocked_account_gets_an_accept(
    alice: str, db: Any, outbox: Outbox
) -> None:
    me = await local_account(db, "alice")
    fan = await remote_account(db, "fan", "remote.example")
    uri = "https://remote.example/follows/1"
    async with db.write() as session:
        actor = await session.get(Account, fan.id)
        target = await session.get(Account, me.id)
        assert actor is not None and target is not None
        await relationships.follow(session, actor, target, FollowOptions(uri=uri))
    (accept,) = await outbox.run()
    assert accept.inbox == "https://remote.example/inbox"
    assert accept.activity["type"] == "Accept"
    assert accept.activity["actor"] == me.uri
    assert accept.activity["object"] == {
        "id": uri,
        "type": "Follow",
        "actor": fan.uri,
        "object": me.uri,
    }
    assert accept.signer == {"account_id": me.id}


async def test_locked_account_answers_remote_requests(
    api: Api, alice: str, db: Any, outbox: Outbox
) -> None:
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"locked": True}
    )
    assert r.status_code == 200
    await outbox.flush()
    me = await local_account(db, "alice")
    fans = [await remote_account(db, f"fan{i}", "remote.example") for i in range(3)]
    async with db.write() as session:
        target = await session.get(Account, me.id)
        assert target is not None
        for i, fan in enumerate(fans):
            actor = await session.get(Account, fan.id)
            assert actor is not None
            options = FollowOptions(uri=f"https://remote.example/follows/{i}")
            await relationships.follow(session, actor, target, options)
    assert await outbox.run() == []  # a request waits for the owner
    r = await api.post(f"/api/v1/follow_requests/{fans[0].id}/authorize", alice)
    assert r.status_code == 200
    (accept,) = await outbox.run()
    assert accept.activity["type"] == "Accept"
    assert accept.activity["object"]["id"] == "https://remote.example/follows/0"
    assert (
        await api.post(f"/api/v1/follow_requests/{fans[1].id}/reject", alice)
    ).status_code == 200
    (reject,) = await outbox.run()
    assert reject.activity["type"] == "Reject"
    assert reject.activity["object"]["id"] == "https://remote.example/follows/1"
    r = await api.post(f"/api/v1/accounts/{fans[0].id}/remove_from_followers", alice)
    assert r.status_code == 200
    (removed,) = await outbox.run()
    assert removed.activity["type"] == "Reject"
    assert removed.activity["object"]["id"] == "https://remote.example/follows/0"


async def test_likes_go_to_the_author_only(api: Api, alice: str, db: Any, outbox: Outbox) -> None:
    author = await remote_account(db, "writer", "remote.example")
    status = await _remote_status(db, author)
    assert (await api.post(f"/api/v1/statuses/{status.id}/favourite", alice)).status_code == 200
    (like,) = await outbox.run()
    assert like.inbox == "https://remote.example/inbox"
    assert like.activity["type"] == "Like" and like.activity["object"] == status.uri
    assert (await api.post(f"/api/v1/statuses/{status.id}/unfavourite", alice)).status_code == 200
    (undo,) = await outbox.run()
    assert undo.activity["type"] == "Undo" and undo.activity["object"] == {
        k: v for k, v in like.activity.items() if k != "@context"
    }
    # Liking a local post tells nobody.
    mine = await api.post_status(alice, "mine")
    await outbox.flush()
    assert (await api.post(f"/api/v1/statuses/{mine['id']}/favourite", alice)).status_code == 200
    assert await outbox.run() == []


async def test_block_and_unblock(api: Api, alice: str, db: Any, outbox: Outbox) -> None:
    pest = await remote_account(db, "pest", "remote.example")
    me = await local_account(db, "alice")
    await add_follow(db, pest.id, me.id)
    assert (await api.post(f"/api/v1/accounts/{pest.id}/block", alice)).status_code == 200
    (block,) = await outbox.run()
    assert block.activity["type"] == "Block" and block.activity["object"] == pest.uri
    assert (await api.post(f"/api/v1/accounts/{pest.id}/unblock", alice)).status_code == 200
    (undo,) = await outbox.run()
    assert undo.activity["type"] == "Undo"
    assert undo.activity["object"]["id"] == block.activity["id"]


async def test_pins_profile_and_deletion(api: Api, alice: str, db: Any, outbox: Outbox) -> None:
    me = await local_account(db, "alice")
    await add_follow(db, (await remote_account(db, "fan", "remote.example")).id, me.id)
    status = await api.post_status(alice, "pin me")
    await outbox.flush()
    assert (await api.post(f"/api/v1/statuses/{status['id']}/pin", alice)).status_code == 200
    (add,) = await outbox.run()
    assert add.activity["type"] == "Add"
    assert add.activity["target"] == f"{BASE_URL}/users/alice/collections/featured"
    assert (await api.post(f"/api/v1/statuses/{status['id']}/unpin", alice)).status_code == 200
    assert [d.activity["type"] for d in await outbox.run()] == ["Remove"]

    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"display_name": "A"}
    )
    assert r.status_code == 200
    assert await outbox.run() == []  # gathered for a few seconds first
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(minutes=1))
    (update,) = await outbox.run()
    assert update.activity["type"] == "Update"
    assert update.activity["object"]["type"] == "Person"
    assert update.activity["object"]["name"] == "A"

    async with db.write() as session:
        account = await session.get(Account, me.id)
        user = (await session.execute(select(User).where(User.account_id == me.id))).scalar_one()
        assert account is not None
        private_key = account.private_key
        await deletion.delete_account(session, account, user, "correct horse")
    (delete,) = await outbox.run()
    assert delete.activity == {**delete.activity, "type": "Delete", "object": me.uri}
    assert delete.signer["private_key"] == private_key
    assert delete.inbox == "https://remote.example/inbox"


async def test_votes_on_remote_polls(api: Api, alice: str, db: Any, outbox: Outbox) -> None:
    author = await remote_account(db, "asker", "remote.example")
    status = await _remote_status(db, author, poll=True)
    async with db.read() as session:
        poll = (await session.execute(select(Poll))).scalar_one()
    r = await api.post(f"/api/v1/polls/{poll.id}/votes", alice, json={"choices": ["1"]})
    assert r.status_code == 200, r.text
    (vote,) = await outbox.run()
    assert vote.inbox == f"{author.uri}/inbox"  # the personal inbox: a vote is private
    assert vote.activity["type"] == "Create"
    note = vote.activity["object"]
    assert note["name"] == "no" and note["inReplyTo"] == status.uri
    assert note["to"] == [author.uri]


async def test_remote_votes_on_a_local_poll_update_it_once(
    api: Api, alice: str, db: Any, outbox: Outbox
) -> None:
    me = await local_account(db, "alice")
    status = await api.post_status(alice, "vote", poll={"options": ["x", "y"], "expires_in": 600})
    voters = [await remote_account(db, f"v{i}", "remote.example") for i in range(2)]
    await add_follow(db, voters[0].id, me.id)
    await outbox.flush()
    for voter in voters:
        async with db.write() as session:
            row = await session.get(Account, voter.id)
            assert row is not None
            await polls.vote(session, row, int(status["poll"]["id"]), ["0"])
    async with db.read() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.payload["event"].as_string() == "poll.updated")
        )
    assert pending == 1
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(minutes=5))
    (update,) = await outbox.run()
    assert update.activity["type"] == "Update"
    assert update.activity["object"]["oneOf"][0]["replies"]["totalItems"] == 2


async def test_forwarded_report_is_a_flag_from_the_instance(
    api: Api, alice: str, db: Any, outbox: Outbox
) -> None:
    author = await remote_account(db, "troll", "remote.example")
    status = await _remote_status(db, author)
    r = await api.post(
        "/api/v1/reports",
        alice,
        json={
            "account_id": str(author.id),
            "status_ids": [str(status.id)],
            "comment": "spam",
            "forward": True,
        },
    )
    assert r.status_code == 200, r.text
    (flag,) = await outbox.run()
    assert flag.signer == {"instance": True}
    assert flag.activity["type"] == "Flag"
    assert flag.activity["actor"] == f"{BASE_URL}/actor"
    assert flag.activity["object"] == [author.uri, status.uri]
    assert flag.activity["content"] == "spam"


async def test_remote_actors_do_not_make_us_publish(alice: str, db: Any, outbox: Outbox) -> None:
    from gazouille.domains.statuses import service as statuses

    me = await local_account(db, "alice")
    fan = await remote_account(db, "fan", "remote.example")
    async with db.write() as session:
        mine = Status(
            id=new_id(),
            account_id=me.id,
            uri=f"{me.uri}/statuses/1",
            visibility="public",
            created_at=clock.now(),
        )
        session.add(mine)
        await session.flush()
        actor = await session.get(Account, fan.id)
        assert actor is not None
        await statuses.favourite(session, actor, mine.id)
        await statuses.reblog(session, actor, mine.id)
    assert await outbox.run() == []
