"""The inbox refuses or neutralises bad input with a reason, keeps answering, and never
damages local data: missing or bad signatures, stale dates, keys that are not the actor's,
actors that are not the signer, spoofed ids, oversized or deeply nested JSON, floods,
suspended domains."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.federation import inbox
from gazouille.models import Account, DomainBlock
from tests.conftest import Api
from tests.federation.fedi import Fedi, fedi_fixture, load, peer_keys_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("alice")


async def test_a_signed_follow_is_stored_and_processed(fedi: Fedi) -> None:
    marie = fedi.peer()
    response = await fedi.post(load("mastodon/follow"), marie)
    assert response.status_code == 202, response.text
    [row] = await fedi.activities()
    assert (row.state, row.activity_type, row.actor_uri) == ("pending", "Follow", marie.uri)
    assert row.key_id == marie.key_id
    await fedi.run_jobs()
    [row] = await fedi.activities()
    assert row.state == "done", row.error
    account = await fedi.account(marie.uri)
    assert account is not None and account.domain == "mastodon.example"


async def test_the_personal_inbox_works_and_an_unknown_one_is_404(fedi: Fedi) -> None:
    marie = fedi.peer()
    ok = await fedi.post(load("mastodon/follow"), marie, path="/users/alice/inbox")
    assert ok.status_code == 202, ok.text
    missing = await fedi.post(load("mastodon/follow"), marie, path="/users/nobody/inbox")
    assert missing.status_code == 404


async def test_missing_signature(fedi: Fedi, api: Api) -> None:
    r = await api.client.post(
        "/inbox",
        content=json.dumps(load("mastodon/follow")),
        headers={"Content-Type": "application/activity+json"},
    )
    assert r.status_code == 401 and "not signed" in r.json()["error"]
    assert await fedi.activities() == []


async def test_garbled_signature_header(fedi: Fedi) -> None:
    marie = fedi.peer()
    r = await fedi.post(load("mastodon/follow"), marie, headers={"Signature": 'keyId="x'})
    assert r.status_code == 401


async def test_signature_by_another_key(fedi: Fedi) -> None:
    marie = fedi.peer()
    forged = fedi.peer(keys=1, serve=False)  # same key id, other private key
    r = await fedi.post(load("mastodon/follow"), marie, signer=forged.signer)
    assert r.status_code == 401 and "does not match" in r.json()["error"]
    assert await fedi.activities() == []


async def test_body_changed_after_signing(fedi: Fedi) -> None:
    marie = fedi.peer()
    activity = load("mastodon/follow")
    body = json.dumps(activity).encode()
    from gazouille.activitypub.signatures import sign_request

    headers = sign_request(marie.signer, "POST", "http://localhost:3000/inbox", body)
    tampered = body.replace(b"alice", b"bobby")
    r = await fedi.api.client.post(
        "/inbox",
        content=tampered,
        headers={**headers, "Content-Type": "application/activity+json"},
    )
    assert r.status_code == 401 and "Digest" in r.json()["error"]


async def test_stale_and_future_dates(fedi: Fedi) -> None:
    marie = fedi.peer()
    old = await fedi.post(load("mastodon/follow"), marie, now=clock.now() - timedelta(hours=13))
    assert old.status_code == 401 and "window" in old.json()["error"]
    future = await fedi.post(load("mastodon/follow"), marie, now=clock.now() + timedelta(hours=2))
    assert future.status_code == 401 and "future" in future.json()["error"]


async def test_the_signer_must_be_the_actor(fedi: Fedi) -> None:
    marie = fedi.peer()
    lain = fedi.peer("pleroma/actor", keys=1)
    follow = load("mastodon/follow")  # by marie…
    r = await fedi.post(follow, lain)  # …signed by lain
    assert r.status_code == 401 and "signed by" in r.json()["error"]
    assert await fedi.activities() == []
    assert marie.uri != lain.uri


async def test_a_key_that_does_not_belong_to_the_actor(fedi: Fedi) -> None:
    # The key document claims an owner on another server: not the actor's key.
    marie = fedi.peer(serve=False)
    fedi.servers.serve(
        {"id": marie.key_id, "type": "Key", "owner": "https://pleroma.example/users/lain"},
        marie.key_id.split("#")[0],
    )
    r = await fedi.post(load("mastodon/follow"), marie)
    assert r.status_code == 401 and "unknown key" in r.json()["error"]


async def test_an_unfetchable_key(fedi: Fedi) -> None:
    marie = fedi.peer(serve=False)
    r = await fedi.post(load("mastodon/follow"), marie)
    assert r.status_code == 401


async def test_key_rotation_refetches_the_actor(fedi: Fedi) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    # The actor publishes a new key under the same id; we still hold the old one.
    rotated = fedi.peer(keys=1)
    async with fedi.db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.uri == marie.uri)
            .values(fetched_at=clock.now() - timedelta(hours=1))
        )
    r = await fedi.post(load("mastodon/undo_follow"), rotated)
    assert r.status_code == 202, r.text
    account = await fedi.account(marie.uri)
    assert account is not None and account.public_key == rotated.keys.public_pem.strip()


async def test_gotosocial_key_stub_leads_to_the_actor(fedi: Fedi) -> None:
    tobi = fedi.peer("gotosocial/actor")
    stub = load("gotosocial/key_stub", public_key=tobi.keys.public_pem)
    fedi.servers.serve(stub, tobi.key_id)
    follow = {
        "id": "https://gts.example/users/tobi/follow/01HQ",
        "type": "Follow",
        "actor": tobi.uri,
        "object": "http://localhost:3000/users/alice",
    }
    r = await fedi.post(follow, tobi)
    assert r.status_code == 202, r.text
    account = await fedi.account(tobi.uri)
    assert account is not None and account.key_id == tobi.key_id and account.username == "tobi"


@pytest.mark.parametrize("fixture", ["hostile/create_spoofed", "hostile/create_misattributed"])
async def test_objects_must_be_the_actors_own(fedi: Fedi, fixture: str) -> None:
    marie = fedi.peer()
    r = await fedi.post(load(fixture), marie)
    assert r.status_code == 400
    assert await fedi.activities() == []


async def test_an_activity_id_on_another_server(fedi: Fedi) -> None:
    marie = fedi.peer()
    follow = {**load("mastodon/follow"), "id": "https://pleroma.example/follows/1"}
    r = await fedi.post(follow, marie)
    assert r.status_code == 400 and "activity id" in r.json()["error"]


async def test_oversized_body(fedi: Fedi) -> None:
    marie = fedi.peer()
    activity = {**load("mastodon/follow"), "padding": "x" * (inbox.MAX_BODY + 10)}
    r = await fedi.post(activity, marie)
    assert r.status_code == 413


async def test_deeply_nested_json(fedi: Fedi) -> None:
    marie = fedi.peer()
    nested: Any = "deep"
    for _ in range(100):
        nested = {"object": nested}
    r = await fedi.post({**load("mastodon/follow"), "attachment": nested}, marie)
    assert r.status_code == 400 and "nested" in r.json()["error"]


async def test_not_json_or_not_an_object(fedi: Fedi) -> None:
    marie = fedi.peer()
    assert (await fedi.post(b"{not json", marie)).status_code == 400
    assert (await fedi.post(b"[1, 2]", marie)).status_code == 400
    text = await fedi.post(load("mastodon/follow"), marie, headers={"Content-Type": "text/html"})
    assert text.status_code == 415


async def test_a_flood_from_one_domain_gets_429(
    fedi: Fedi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "RATE_LIMIT", 3)
    marie = fedi.peer()
    codes = [(await fedi.post(load("mastodon/follow"), marie)).status_code for _ in range(5)]
    assert codes == [202, 202, 202, 429, 429]
    r = await fedi.post(load("mastodon/follow"), marie)
    assert r.headers["Retry-After"] == str(inbox.RATE_WINDOW)
    # Other domains are not affected.
    lain = fedi.peer("pleroma/actor", keys=1)
    follow = {**load("mastodon/follow"), "id": "https://pleroma.example/f/1", "actor": lain.uri}
    assert (await fedi.post(follow, lain)).status_code == 202


async def test_a_suspended_domain_is_dropped_unread(fedi: Fedi) -> None:
    async with fedi.db.write() as session:
        session.add(DomainBlock(id=new_id(), domain="mastodon.example", severity="suspend"))
    marie = fedi.peer()
    r = await fedi.post(load("mastodon/follow"), marie)
    assert r.status_code == 202
    assert await fedi.activities() == []
    assert fedi.servers.fetched == []  # not even its key was fetched


async def test_the_deletion_of_an_unknown_actor_fetches_nothing(fedi: Fedi) -> None:
    marie = fedi.peer(serve=False)  # gone: its documents answer 404
    r = await fedi.post(load("mastodon/delete_actor"), marie)
    assert r.status_code == 202
    assert fedi.servers.fetched == [] and await fedi.activities() == []


async def test_an_activity_received_twice_is_stored_once(fedi: Fedi) -> None:
    marie = fedi.peer()
    for _ in range(2):
        assert (await fedi.post(load("mastodon/follow"), marie)).status_code == 202
    assert len(await fedi.activities()) == 1


async def test_unknown_types_are_ignored(fedi: Fedi, alice: str) -> None:
    lain = fedi.peer("pleroma/actor")
    status = await fedi.api.post_status(alice, "burn")
    react = load("pleroma/emoji_react", status=status["uri"])
    await fedi.deliver(react, lain)
    [row] = await fedi.activities()
    assert row.state == "ignored" and "EmojiReact" in (row.error or "")


async def test_no_one_deletes_anothers_post(fedi: Fedi) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/create_note"), marie)
    note_uri = "https://mastodon.example/users/marie/statuses/111111111111111111"
    # From another server: refused at the door.
    lain = fedi.peer("pleroma/actor", keys=1)
    foreign = {
        **load("mastodon/delete_note"),
        "id": "https://pleroma.example/d/1",
        "actor": lain.uri,
    }
    assert (await fedi.post(foreign, lain)).status_code == 400
    # From the same server, another actor: understood and ignored.
    pierre = fedi.peer_at(
        "https://mastodon.example/users/pierre",
        preferredUsername="pierre",
        inbox="https://mastodon.example/users/pierre/inbox",
    )
    same_host = {**load("mastodon/delete_note"), "id": f"{pierre.uri}#delete", "actor": pierre.uri}
    await fedi.deliver(same_host, pierre)
    assert await fedi.status(note_uri) is not None
    assert (await fedi.activities())[-1].state == "ignored"
