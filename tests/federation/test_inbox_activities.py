"""Follow, Accept, Reject, Undo, Like, Announce, Block, Move, Flag, Add/Remove and Update of
an actor, from other servers, seen through the Mastodon API and the stored rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gazouille.core.ids import new_id
from gazouille.federation.remote import Remote
from gazouille.models import Account, Block, Follow, FollowRequest, Report, StatusPin
from tests.conftest import Api
from tests.federation.fedi import Fedi, fedi_fixture, load, peer_keys_fixture  # noqa: F401

FOLLOW_ID = "https://mastodon.example/4b1e2f9a-2f33-4f5c-9d3e-1f4a7e0c5b11"


async def account_id(api: Api, token: str) -> int:
    return int((await api.me(token))["id"])


async def kinds(api: Api, token: str) -> list[str]:
    return [n["type"] for n in (await api.get("/api/v1/notifications", token)).json()]


async def rows(fedi: Fedi, model: Any) -> list[Any]:
    async with fedi.db.read() as session:
        return list((await session.execute(select(model))).scalars())


async def test_follow_and_undo(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    me = await account_id(api, alice)
    followers = (await api.get(f"/api/v1/accounts/{me}/followers", alice)).json()
    assert [f["acct"] for f in followers] == ["marie@mastodon.example"]
    [follow] = await rows(fedi, Follow)
    assert follow.uri == FOLLOW_ID
    assert await kinds(api, alice) == ["follow"]
    await fedi.deliver(load("mastodon/undo_follow"), marie)
    assert await rows(fedi, Follow) == []
    assert (await api.me(alice))["followers_count"] == 0


async def test_a_follow_of_a_locked_account_is_a_request(fedi: Fedi, api: Api, alice: str) -> None:
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"locked": True}
    )
    assert r.status_code == 200, r.text
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    requests = (await api.get("/api/v1/follow_requests", alice)).json()
    assert [a["acct"] for a in requests] == ["marie@mastodon.example"]
    [request] = await rows(fedi, FollowRequest)
    assert request.uri == FOLLOW_ID
    assert await kinds(api, alice) == ["follow_request"]
    # Undo by the id alone withdraws it too.
    undo = {**load("mastodon/undo_follow"), "object": FOLLOW_ID}
    await fedi.deliver(undo, marie)
    assert await rows(fedi, FollowRequest) == []


async def _ask_to_follow(fedi: Fedi, api: Api, token: str) -> tuple[int, int]:
    """A pending request of the local account to follow marie, as our outbox leaves it."""
    marie = await Remote(fedi.db).account("https://mastodon.example/users/marie")
    assert marie is not None
    me = await account_id(api, token)
    async with fedi.db.write() as session:
        session.add(
            FollowRequest(
                id=new_id(),
                account_id=me,
                target_account_id=marie.id,
                uri="http://localhost:3000/follows/1",
            )
        )
    return me, marie.id


async def test_accept_of_our_follow(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    me, target = await _ask_to_follow(fedi, api, alice)
    await fedi.deliver(load("mastodon/accept"), marie)
    [follow] = await rows(fedi, Follow)
    assert (follow.account_id, follow.target_account_id) == (me, target)
    assert await rows(fedi, FollowRequest) == []
    relationship = (
        await api.get("/api/v1/accounts/relationships", alice, params={"id[]": target})
    ).json()
    assert relationship[0]["following"] and not relationship[0]["requested"]


async def test_accept_by_follow_id_only(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await _ask_to_follow(fedi, api, alice)
    accept = {**load("mastodon/accept"), "object": "http://localhost:3000/follows/1"}
    await fedi.deliver(accept, marie)
    assert len(await rows(fedi, Follow)) == 1


async def test_reject_of_our_follow_even_after_accepting(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await _ask_to_follow(fedi, api, alice)
    await fedi.deliver(load("mastodon/accept"), marie)
    await fedi.deliver(load("mastodon/reject"), marie)
    assert await rows(fedi, Follow) == [] and await rows(fedi, FollowRequest) == []


async def test_an_accept_from_someone_else_accepts_nothing(
    fedi: Fedi, api: Api, alice: str
) -> None:
    fedi.peer()
    await _ask_to_follow(fedi, api, alice)
    lain = fedi.peer("pleroma/actor", keys=1)
    accept = load("mastodon/accept")
    accept.update(id="https://pleroma.example/accept/1", actor=lain.uri)
    await fedi.deliver(accept, lain)
    assert await rows(fedi, Follow) == []
    assert (await fedi.activities())[-1].state == "ignored"


async def test_like_and_undo(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    status = await api.post_status(alice, "like me")
    await fedi.deliver(load("mastodon/like", status=status["uri"]), marie)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["favourites_count"] == 1
    assert await kinds(api, alice) == ["favourite"]
    await fedi.deliver(load("mastodon/undo_like", status=status["uri"]), marie)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["favourites_count"] == 0


async def test_a_misskey_reaction_counts_as_a_favourite(fedi: Fedi, api: Api, alice: str) -> None:
    hana = fedi.peer("misskey/actor")
    status = await api.post_status(alice, "react")
    await fedi.deliver(load("misskey/like", status=status["uri"]), hana)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["favourites_count"] == 1


async def test_a_like_of_a_private_post_by_a_stranger_is_ignored(
    fedi: Fedi, api: Api, alice: str
) -> None:
    marie = fedi.peer()
    status = await api.post_status(alice, "friends only", visibility="private")
    await fedi.deliver(load("mastodon/like", status=status["uri"]), marie)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["favourites_count"] == 0
    assert (await fedi.activities())[-1].state == "ignored"


async def test_announce_and_undo(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    status = await api.post_status(alice, "boost me")
    await fedi.deliver(load("mastodon/announce", status=status["uri"]), marie)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["reblogs_count"] == 1
    assert await kinds(api, alice) == ["reblog"]
    marie_id = (await fedi.account(marie.uri)).id  # type: ignore[union-attr]
    statuses = (await api.get(f"/api/v1/accounts/{marie_id}/statuses", alice)).json()
    assert statuses[0]["reblog"]["id"] == status["id"]
    await fedi.deliver(load("mastodon/undo_announce", status=status["uri"]), marie)
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", alice)).json()
    assert seen["reblogs_count"] == 0


async def test_an_announce_of_a_remote_post_fetches_it_from_its_server(
    fedi: Fedi, api: Api, alice: str
) -> None:
    marie = fedi.peer()
    lain = fedi.peer("pleroma/actor", keys=1)
    original = load("pleroma/create_note", status="http://localhost:3000/none")["object"]
    original.pop("inReplyTo")
    fedi.servers.serve(original)
    # The Announce embeds a forged copy: the fetched one is what counts.
    forged = {**original, "content": "forged"}
    await fedi.deliver(load("mastodon/announce") | {"object": forged}, marie)
    stored = await fedi.status(original["id"])
    assert stored is not None and "forged" not in stored.content
    assert stored.account_id == (await fedi.account(lain.uri)).id  # type: ignore[union-attr]


async def test_block_and_undo(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    target = await fedi.account(marie.uri)
    assert target is not None
    me = await account_id(api, alice)
    async with fedi.db.write() as session:
        session.add(Follow(id=new_id(), account_id=me, target_account_id=target.id))
    await fedi.deliver(load("mastodon/block"), marie)
    assert await rows(fedi, Follow) == []  # severed both ways
    [block] = await rows(fedi, Block)
    assert block.uri == "https://mastodon.example/4f8e1d1c-9a57-4b7d-8c8e-0f0b5b0a7d21"
    relationship = (
        await api.get("/api/v1/accounts/relationships", alice, params={"id[]": target.id})
    ).json()
    assert relationship[0]["blocked_by"]
    await fedi.deliver(load("mastodon/undo_block"), marie)
    assert await rows(fedi, Block) == []


async def test_move_to_an_account_that_names_the_old_one(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    old = await Remote(fedi.db).account(marie.uri)
    assert old is not None
    me = await account_id(api, alice)
    async with fedi.db.write() as session:
        session.add(Follow(id=new_id(), account_id=me, target_account_id=old.id))
    new_doc = fedi.peer_at(
        "https://new.example/users/marie", inbox="https://new.example/users/marie/inbox"
    ).doc
    await fedi.deliver(load("mastodon/move"), marie)
    assert (await fedi.activities())[-1].state == "ignored"  # no alias yet: not believed
    new_doc["alsoKnownAs"] = [marie.uri]
    fedi.servers.serve(new_doc)
    await fedi.deliver(load("mastodon/move") | {"id": marie.uri + "#moves/2"}, marie)
    new = await fedi.account("https://new.example/users/marie")
    moved = await fedi.account(marie.uri)
    assert new is not None and moved is not None and moved.moved_to_account_id == new.id
    targets = {(f.account_id, f.target_account_id) for f in await rows(fedi, Follow)}
    requests = {(r.account_id, r.target_account_id) for r in await rows(fedi, FollowRequest)}
    assert (me, old.id) not in targets
    assert (me, new.id) in targets | requests


async def test_a_flag_becomes_a_report(fedi: Fedi, api: Api, alice: str) -> None:
    instance = fedi.peer("mastodon/instance_actor")
    status = await api.post_status(alice, "questionable")
    await fedi.deliver(load("mastodon/flag", status=status["uri"]), instance)
    [report] = await rows(fedi, Report)
    assert report.target_account_id == await account_id(api, alice)
    assert report.status_ids == [int(status["id"])]
    assert report.comment == "Spam from this account"
    assert report.uri == "https://mastodon.example/d0d1a3e6-2c4e-4a54-9d7a-3b8f7b8f1c0e"


async def test_pinned_posts(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    note = load("mastodon/create_note")["object"]
    fedi.servers.serve(note)
    await fedi.deliver(load("mastodon/add"), marie)
    [pin] = await rows(fedi, StatusPin)
    account = await fedi.account(marie.uri)
    assert account is not None and pin.account_id == account.id
    pinned = (
        await api.get(f"/api/v1/accounts/{account.id}/statuses", alice, params={"pinned": "true"})
    ).json()
    assert [s["uri"] for s in pinned] == [note["id"]]
    await fedi.deliver(load("mastodon/remove"), marie)
    assert await rows(fedi, StatusPin) == []


async def test_update_of_the_actor(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    changed = {
        **marie.doc,
        "name": "Maria Skłodowska",
        "summary": "<p>new bio<script>x</script></p>",
    }
    update = load("mastodon/update_actor")
    update["object"] = changed
    await fedi.deliver(update, marie)
    account = await fedi.account(marie.uri)
    assert account is not None
    shown = (await api.get(f"/api/v1/accounts/{account.id}", alice)).json()
    assert shown["display_name"] == "Maria Skłodowska" and shown["note"] == "<p>new bio</p>"
    assert (
        shown["acct"] == "marie@mastodon.example"
        and shown["url"] == "https://mastodon.example/@marie"
    )
    assert shown["fields"][1] == {"name": "Pronouns", "value": "she/her", "verified_at": None}
    assert shown["header"].endswith("header.jpg")
    # Another actor cannot update marie.
    lain = fedi.peer("pleroma/actor", keys=1)
    forged = {**update, "id": "https://pleroma.example/u/1", "actor": lain.uri}
    response = await fedi.post(forged, lain)
    assert response.status_code == 400
    assert (await fedi.account(marie.uri)).display_name == "Maria Skłodowska"  # type: ignore[union-attr]


async def test_accounts_of_a_silenced_domain_are_silenced(fedi: Fedi) -> None:
    from gazouille.models import DomainBlock

    async with fedi.db.write() as session:
        session.add(DomainBlock(id=new_id(), domain="mastodon.example", severity="silence"))
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/follow"), marie)
    account = await fedi.account(marie.uri)
    assert isinstance(account, Account) and account.silenced_at is not None


async def test_media_and_reports_rejected_by_a_domain_block(
    fedi: Fedi, api: Api, alice: str
) -> None:
    from gazouille.models import DomainBlock

    async with fedi.db.write() as session:
        session.add(
            DomainBlock(
                id=new_id(),
                domain="mastodon.example",
                severity="noop",
                reject_media=True,
                reject_reports=True,
            )
        )
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/create_note"), marie)
    status = await fedi.status("https://mastodon.example/users/marie/statuses/111111111111111111")
    assert status is not None and not status.has_media
    instance = fedi.peer("mastodon/instance_actor")
    mine = await api.post_status(alice, "report me")
    await fedi.deliver(load("mastodon/flag", status=mine["uri"]), instance)
    assert await rows(fedi, Report) == []


async def test_a_follow_from_a_silenced_account_is_a_request(
    fedi: Fedi, api: Api, alice: str
) -> None:
    marie = fedi.peer()
    stored = await Remote(fedi.db).account("https://mastodon.example/users/marie")
    assert stored is not None
    async with fedi.db.write() as session:
        account = await session.get(Account, stored.id)
        assert account is not None
        account.silenced_at = account.created_at
    await fedi.deliver(load("mastodon/follow"), marie)
    assert await rows(fedi, Follow) == []
    requests = (await api.get("/api/v1/follow_requests", alice)).json()
    assert [a["acct"] for a in requests] == ["marie@mastodon.example"]
