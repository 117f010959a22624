"""Local actions become activities for the right inboxes: the visibility → recipients matrix,
shared inboxes, blocks, and what must not federate at all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from gazouille.activitypub.vocab import AS_PUBLIC
from gazouille.domains.federation.events import PUBLISH_JOB
from gazouille.models import Block, Job
from tests.conftest import BASE_URL, Api
from tests.federation.outbound_helpers import (  # noqa: F401
    Outbox,
    add_follow,
    inboxes,
    local_account,
    of_type,
    outbox_fixture,
    remote_account,
)


@pytest.fixture
async def world(api: Api, alice: str, db: Any) -> dict[str, Any]:
    """alice (local) followed by two accounts on one.example (one shared inbox), one on
    two.example (no shared inbox) and by bob (local); dave on three.example follows nobody."""
    me = await local_account(db, "alice")
    one_a = await remote_account(db, "a", "one.example")
    one_b = await remote_account(db, "b", "one.example")
    two = await remote_account(db, "c", "two.example", shared_inbox=False)
    dave = await remote_account(db, "dave", "three.example")
    for follower in (one_a, one_b, two):
        await add_follow(db, follower.id, me.id)
    return {"alice": me, "one_a": one_a, "two": two, "dave": dave}


FOLLOWER_INBOXES = {"https://one.example/inbox", "https://two.example/users/c/inbox"}


async def _post(api: Api, token: str, text: str, **extra: Any) -> dict[str, Any]:
    return await api.post_status(token, text, **extra)


async def test_public_post_goes_to_followers_mentions_and_parent(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox
) -> None:
    status = await _post(api, alice, "hello @dave@three.example")
    sent = await outbox.run()
    assert inboxes(sent, "Create") == FOLLOWER_INBOXES | {"https://three.example/inbox"}
    assert len(of_type(sent, "Create")) == 3  # one per server: the shared inbox once
    create = of_type(sent, "Create")[0]
    assert create.activity["id"] == f"{status['uri']}/activity"
    assert create.activity["actor"] == f"{BASE_URL}/users/alice"
    assert create.activity["to"] == [AS_PUBLIC]
    assert create.activity["object"]["cc"] == [
        f"{BASE_URL}/users/alice/followers",
        "https://three.example/users/dave",
    ]
    assert create.signer == {"account_id": world["alice"].id}


async def test_visibility_matrix(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox, db: Any
) -> None:
    mention = "@dave@three.example"
    expected = {
        "public": FOLLOWER_INBOXES | {"https://three.example/inbox"},
        "unlisted": FOLLOWER_INBOXES | {"https://three.example/inbox"},
        "private": FOLLOWER_INBOXES | {"https://three.example/inbox"},
        "direct": {"https://three.example/inbox"},
    }
    for visibility, wanted in expected.items():
        await _post(api, alice, f"{mention} {visibility}", visibility=visibility)
        assert inboxes(await outbox.run(), "Create") == wanted, visibility
    # Without a mention: a followers-only post reaches only followers' servers, a direct
    # post nobody.
    await _post(api, alice, "just followers", visibility="private")
    assert inboxes(await outbox.run(), "Create") == FOLLOWER_INBOXES
    await _post(api, alice, "nobody", visibility="direct")
    assert await outbox.run() == []


async def test_reply_reaches_the_parent_author_only_when_public(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox, db: Any
) -> None:
    from gazouille.core import clock
    from gazouille.core.ids import new_id
    from gazouille.models import Status

    dave = world["dave"]
    parent = Status(
        id=new_id(),
        account_id=dave.id,
        uri="https://three.example/users/dave/statuses/1",
        content="<p>hi</p>",
        visibility="public",
        local=False,
        created_at=clock.now(),
    )
    async with db.write() as session:
        session.add(parent)
    await _post(api, alice, "a reply", in_reply_to_id=str(parent.id))
    sent = await outbox.run()
    assert inboxes(sent, "Create") == FOLLOWER_INBOXES | {"https://three.example/inbox"}
    assert of_type(sent, "Create")[0].activity["object"]["inReplyTo"] == parent.uri
    await _post(api, alice, "a private reply", in_reply_to_id=str(parent.id), visibility="private")
    assert inboxes(await outbox.run(), "Create") == FOLLOWER_INBOXES


async def test_blocked_accounts_receive_nothing(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox, db: Any
) -> None:
    dave = world["dave"]
    eve = await remote_account(db, "eve", "four.example")
    async with db.write() as session:
        session.add(Block(account_id=world["alice"].id, target_account_id=dave.id))
        session.add(Block(account_id=eve.id, target_account_id=world["alice"].id))
    await outbox.flush()
    await _post(api, alice, "@dave@three.example @eve@four.example hi", visibility="direct")
    assert await outbox.run() == []


async def test_delete_and_edit_follow_the_post(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox
) -> None:
    status = await _post(api, alice, "to edit @dave@three.example", visibility="private")
    await outbox.flush()
    r = await api.request("PUT", f"/api/v1/statuses/{status['id']}", alice, json={"status": "v2"})
    assert r.status_code == 200
    sent = await outbox.run()
    # The mention is gone with the edit: the Update goes to the followers' servers.
    assert inboxes(sent, "Update") == FOLLOWER_INBOXES
    assert of_type(sent, "Update")[0].activity["object"]["content"] == "<p>v2</p>"
    r = await api.request("DELETE", f"/api/v1/statuses/{status['id']}", alice)
    assert r.status_code == 200
    sent = await outbox.run()
    assert inboxes(sent, "Delete") == FOLLOWER_INBOXES
    delete = of_type(sent, "Delete")[0].activity
    assert delete["id"] == f"{status['uri']}#delete"
    assert delete["object"]["type"] == "Tombstone" and delete["object"]["id"] == status["uri"]


async def test_reblog_and_undo(
    api: Api, alice: str, bob: str, world: dict[str, Any], outbox: Outbox
) -> None:
    original = await _post(api, bob, "bob says")
    await outbox.flush()
    r = await api.post(f"/api/v1/statuses/{original['id']}/reblog", alice)
    assert r.status_code == 200
    sent = await outbox.run()
    (announce,) = {d.activity["id"]: d for d in of_type(sent, "Announce")}.values()
    assert announce.activity["object"] == original["uri"]
    assert inboxes(sent, "Announce") == FOLLOWER_INBOXES
    assert (await api.post(f"/api/v1/statuses/{original['id']}/unreblog", alice)).status_code == 200
    sent = await outbox.run()
    undo = of_type(sent, "Undo")[0].activity
    assert undo["object"]["id"] == announce.activity["id"]
    assert inboxes(sent, "Undo") == FOLLOWER_INBOXES


async def test_nothing_federates_when_it_is_off(
    api: Api, alice: str, world: dict[str, Any], outbox: Outbox, settings: Any, db: Any
) -> None:
    settings.federation = False
    await _post(api, alice, "closed community")
    async with db.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == PUBLISH_JOB)
        )
    assert count == 0
    assert await outbox.run() == []


async def test_posts_between_local_accounts_only_make_one_job(
    api: Api, alice: str, db: Any, outbox: Outbox
) -> None:
    await _post(api, alice, "no remote followers")
    async with db.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == PUBLISH_JOB)
        )
    assert count == 1
    assert await outbox.run() == []
