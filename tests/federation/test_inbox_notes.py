"""Create, Update and Delete of posts from other servers, seen through the Mastodon API:
home timelines, mentions, threads, visibility, polls, edits, deletions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gazouille.core.ids import new_id
from gazouille.federation.remote import Remote
from gazouille.models import Account, Follow, Job, Status
from tests.conftest import Api
from tests.federation.fedi import Fedi, Peer, fedi_fixture, load, peer_keys_fixture  # noqa: F401

NOTE = "https://mastodon.example/users/marie/statuses/111111111111111111"


async def follows(fedi: Fedi, follower_token: str, peer: Peer) -> None:
    """The local account follows the remote one (as after an Accept)."""
    me = await fedi.api.me(follower_token)
    account = await Remote(fedi.db).account(peer.uri)
    assert account is not None
    async with fedi.db.write() as session:
        session.add(Follow(id=new_id(), account_id=int(me["id"]), target_account_id=account.id))


async def home(api: Api, token: str) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/timelines/home", token)
    assert r.status_code == 200, r.text
    return list(r.json())


async def notifications(api: Api, token: str) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/notifications", token)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_a_mastodon_post_reaches_a_follower_and_notifies_the_mentioned(
    fedi: Fedi, api: Api, alice: str, bob: str
) -> None:
    marie = fedi.peer()
    await follows(fedi, bob, marie)
    await fedi.deliver(load("mastodon/create_note"), marie)
    [post] = await home(api, bob)
    assert post["uri"] == NOTE and post["url"].endswith("/@marie/111111111111111111")
    assert post["account"]["acct"] == "marie@mastodon.example"
    assert post["account"]["url"] == "https://mastodon.example/@marie"
    assert post["account"]["avatar"].endswith("avatar.png")
    assert post["visibility"] == "public" and post["language"] == "en"
    assert [t["name"] for t in post["tags"]] == ["chemistry"]
    assert [m["acct"] for m in post["mentions"]] == ["alice"]
    [media] = post["media_attachments"]
    assert media["url"].endswith("radium.jpg") and media["remote_url"] == media["url"]
    assert media["description"] == "A glowing vial" and media["meta"]["focus"]["x"] == 0.25
    [mention] = await notifications(api, alice)
    assert mention["type"] == "mention" and mention["status"]["uri"] == NOTE
    # The link card is asked for (its job is not run here: it would leave the machine).
    async with fedi.db.read() as session:
        kinds = set((await session.execute(select(Job.kind))).scalars())
    assert "cards.fetch" in kinds
    search = await api.get("/api/v2/search", bob, params={"q": "radium", "type": "statuses"})
    assert [s["uri"] for s in search.json()["statuses"]] == [NOTE]


async def test_hostile_html_is_stored_harmless(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("hostile/create_script"), marie)
    status = await fedi.status("https://mastodon.example/users/marie/statuses/666")
    assert status is not None
    for bad in ("<script", "onclick", "javascript:", "<iframe", "<img", "onerror"):
        assert bad not in status.content and bad not in status.spoiler_text
    assert status.spoiler_text == "warning" and status.sensitive


async def test_a_pleroma_reply_joins_the_local_thread(fedi: Fedi, api: Api, alice: str) -> None:
    lain = fedi.peer("pleroma/actor")
    parent = await api.post_status(alice, "what's new?")
    await fedi.deliver(load("pleroma/create_note", status=parent["uri"]), lain)
    context = (await api.get(f"/api/v1/statuses/{parent['id']}/context", alice)).json()
    [reply] = context["descendants"]
    assert reply["in_reply_to_id"] == parent["id"]
    assert reply["account"]["acct"] == "lain@pleroma.example"
    assert "fediverse" in [t["name"] for t in reply["tags"]]
    refreshed = (await api.get(f"/api/v1/statuses/{parent['id']}", alice)).json()
    assert refreshed["replies_count"] == 1
    kinds = [n["type"] for n in await notifications(api, alice)]
    assert kinds == ["mention"]


async def test_a_reply_to_an_unknown_post_fetches_its_thread(fedi: Fedi, api: Api) -> None:
    marie = fedi.peer()
    root = {
        "id": "https://mastodon.example/users/marie/statuses/1",
        "type": "Note",
        "attributedTo": marie.uri,
        "content": "<p>root</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "published": "2024-02-01T00:00:00Z",
    }
    middle = {**root, "id": f"{marie.uri}/statuses/2", "inReplyTo": root["id"],
              "content": "<p>middle</p>", "published": "2024-02-02T00:00:00Z"}  # fmt: skip
    fedi.servers.serve(root)
    fedi.servers.serve(middle)
    create = load("mastodon/create_note")
    create["object"]["inReplyTo"] = middle["id"]
    await fedi.deliver(create, marie)
    stored_root, stored_middle, leaf = (
        await fedi.status(root["id"]),
        await fedi.status(middle["id"]),
        await fedi.status(NOTE),
    )
    assert stored_root and stored_middle and leaf
    assert (
        leaf.in_reply_to_id == stored_middle.id and stored_middle.in_reply_to_id == stored_root.id
    )
    assert leaf.thread_root_id == stored_root.id == stored_middle.thread_root_id
    assert stored_root.id < stored_middle.id < leaf.id  # ids follow the posts' dates


async def test_a_direct_message_from_gotosocial(fedi: Fedi, api: Api, alice: str, bob: str) -> None:
    tobi = fedi.peer("gotosocial/actor")
    await fedi.deliver(load("gotosocial/create_note"), tobi)
    conversations = (await api.get("/api/v1/conversations", alice)).json()
    [conversation] = conversations
    assert conversation["last_status"]["visibility"] == "direct"
    assert conversation["accounts"][0]["acct"] == "tobi@gts.example"
    status_id = conversation["last_status"]["id"]
    assert (await api.get(f"/api/v1/statuses/{status_id}", bob)).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{status_id}")).status_code == 404
    public = (await api.get("/api/v1/timelines/public")).json()
    assert public == []


async def test_a_followers_only_post(fedi: Fedi, api: Api, alice: str, bob: str) -> None:
    tobi = fedi.peer("gotosocial/actor")
    await follows(fedi, alice, tobi)
    await fedi.deliver(load("gotosocial/create_followers_only"), tobi)
    [post] = await home(api, alice)
    assert post["visibility"] == "private" and post["spoiler_text"] == "goblin content"
    assert post["sensitive"] and post["media_attachments"][0]["type"] == "video"
    assert (await api.get(f"/api/v1/statuses/{post['id']}", bob)).status_code == 404


async def test_an_edit_keeps_the_history(fedi: Fedi, api: Api, bob: str) -> None:
    marie = fedi.peer()
    await follows(fedi, bob, marie)
    await fedi.deliver(load("mastodon/create_note"), marie)
    await fedi.deliver(load("mastodon/update_note"), marie)
    [post] = await home(api, bob)
    assert post["content"] == "<p>Radium glows, edited</p>"
    assert post["spoiler_text"] == "chemistry" and post["sensitive"] and post["edited_at"]
    assert post["media_attachments"] == [] and post["tags"] == []
    history = (await api.get(f"/api/v1/statuses/{post['id']}/history", bob)).json()
    assert len(history) == 2 and "Radium glows" in history[0]["content"]
    assert len(history[0]["media_attachments"]) == 1


async def test_an_update_by_another_actor_changes_nothing(fedi: Fedi) -> None:
    marie = fedi.peer()
    await fedi.deliver(load("mastodon/create_note"), marie)
    other = fedi.peer_at("https://mastodon.example/users/pierre", preferredUsername="pierre")
    update = load("mastodon/update_note")
    update["actor"] = other.uri
    update["object"]["attributedTo"] = other.uri  # a lie the stored status contradicts
    await fedi.deliver(update, other)
    status = await fedi.status(NOTE)
    assert status is not None and "edited" not in status.content
    rows = await fedi.activities()
    assert rows[-1].state == "ignored" and "not the actor's" in (rows[-1].error or "")


async def test_a_remote_poll_and_its_tallies(fedi: Fedi, api: Api, alice: str) -> None:
    marie = fedi.peer()
    question = load("mastodon/create_question")
    await fedi.deliver(question, marie)
    status = await fedi.status(question["object"]["id"])
    assert status is not None
    poll = (await api.get(f"/api/v1/statuses/{status.id}", alice)).json()["poll"]
    assert [o["votes_count"] for o in poll["options"]] == [2, 1]
    assert poll["voters_count"] == 3 and not poll["expired"]
    question["object"]["oneOf"][1]["replies"]["totalItems"] = 5
    question["object"]["votersCount"] = 7
    update = {**question, "type": "Update", "id": f"{question['object']['id']}#updates/1"}
    await fedi.deliver(update, marie)
    after = (await api.get(f"/api/v1/statuses/{status.id}", alice)).json()
    assert [o["votes_count"] for o in after["poll"]["options"]] == [2, 5]
    assert after["edited_at"] is None  # new tallies are not an edit


async def test_a_vote_on_a_local_poll(fedi: Fedi, api: Api, alice: str) -> None:
    hana = fedi.peer("misskey/actor")
    status = await api.post_status(
        alice, "cats or dogs?", poll={"options": ["cats", "dogs"], "expires_in": 3600}
    )
    vote = load("misskey/vote", status=status["uri"], choice="cats")
    await fedi.deliver(vote, hana)
    poll = (await api.get(f"/api/v1/polls/{status['poll']['id']}", alice)).json()
    assert [o["votes_count"] for o in poll["options"]] == [1, 0]
    # The vote is not a post.
    assert await fedi.status(vote["object"]["id"]) is None
    again = {**vote, "id": vote["id"] + "2"}
    await fedi.deliver(again, hana)
    rows = await fedi.activities()
    assert rows[-1].state == "ignored" and "already voted" in (rows[-1].error or "")


async def test_delete_a_post_and_then_the_actor(fedi: Fedi, api: Api, bob: str) -> None:
    marie = fedi.peer()
    await follows(fedi, bob, marie)
    await fedi.deliver(load("mastodon/create_note"), marie)
    [post] = await home(api, bob)
    await fedi.deliver(load("mastodon/delete_note"), marie)
    assert (await api.get(f"/api/v1/statuses/{post['id']}", bob)).status_code == 404
    assert await home(api, bob) == []
    await fedi.deliver(load("mastodon/delete_actor"), marie)
    assert await fedi.account(marie.uri) is None
    me = await api.me(bob)
    assert me["following_count"] == 0
    async with fedi.db.read() as session:
        left = await session.execute(select(Status.id).where(Status.local.is_(False)))
        assert left.first() is None


async def test_a_misskey_note(fedi: Fedi, api: Api, alice: str) -> None:
    hana = fedi.peer("misskey/actor")
    quoted = {
        "id": "https://misskey.example/notes/9kx1quoted",
        "type": "Note",
        "attributedTo": hana.uri,
        "content": "<p>the quoted note</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "published": "2024-03-01T08:00:00.000Z",
    }
    fedi.servers.serve(quoted)
    await fedi.deliver(load("misskey/create_note"), hana)
    status = await fedi.status("https://misskey.example/notes/9kx3aa01zz")
    assert status is not None and status.visibility == "public"
    stored_quote = await fedi.status(quoted["id"])
    assert stored_quote is not None and status.quote_id == stored_quote.id
    async with fedi.db.read() as session:
        author = await session.get(Account, status.account_id)
    assert author is not None and author.acct_key == "hana@misskey.example" and author.locked
    [mention] = await notifications(api, alice)
    assert mention["type"] == "mention"
