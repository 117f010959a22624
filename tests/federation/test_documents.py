"""What other servers read from us: WebFinger, host-meta, NodeInfo, actors (and the instance
actor), notes, collections; content negotiation; authorized fetch."""

from __future__ import annotations

from typing import Any

import pytest

from gazouille.activitypub.signatures import Signer, sign_request
from gazouille.activitypub.vocab import AS_PUBLIC
from gazouille.core import clock
from gazouille.federation import serializers
from gazouille.federation.serializers import NoteContext
from gazouille.models import Account, MediaAttachment, Status
from tests.conftest import Api
from tests.federation.outbound_helpers import add_follow, key_pair, remote_account

AS2 = {"Accept": "application/activity+json"}
BASE = "http://localhost:3000"


async def as2(api: Api, path: str, **headers: str) -> dict[str, Any]:
    r = await api.get(path, headers={**AS2, **headers})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/activity+json")
    return dict(r.json())


async def test_webfinger_by_acct_and_by_url(api: Api, alice: str) -> None:
    for resource in (
        "acct:alice@localhost:3000",
        "alice@localhost:3000",
        "acct:ALICE@localhost:3000",
        f"{BASE}/users/alice",
        f"{BASE}/@alice",
    ):
        r = await api.get("/.well-known/webfinger", params={"resource": resource})
        assert r.status_code == 200, resource
        assert r.headers["content-type"].startswith("application/jrd+json")
        jrd = r.json()
        assert jrd["subject"] == "acct:alice@localhost:3000"
        assert f"{BASE}/users/alice" in jrd["aliases"]
        links = {link["rel"]: link for link in jrd["links"]}
        assert links["self"] == {
            "rel": "self",
            "type": "application/activity+json",
            "href": f"{BASE}/users/alice",
        }
        assert links["http://webfinger.net/rel/profile-page"]["href"] == f"{BASE}/@alice"
        assert "{uri}" in links["http://ostatus.org/schema/1.0/subscribe"]["template"]


async def test_webfinger_refusals(api: Api, alice: str) -> None:
    assert (await api.get("/.well-known/webfinger")).status_code == 400
    for resource in ("acct:alice@elsewhere.example", "acct:nobody@localhost:3000"):
        r = await api.get("/.well-known/webfinger", params={"resource": resource})
        assert r.status_code == 404, resource


async def test_host_meta_and_nodeinfo(api: Api) -> None:
    r = await api.get("/.well-known/host-meta")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xrd+xml")
    assert f'template="{BASE}/.well-known/webfinger?resource={{uri}}"' in r.text
    info = (await api.get("/nodeinfo/2.0")).json()
    assert info["protocols"] == ["activitypub"]


async def test_actor_document(api: Api, alice: str) -> None:
    r = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        json={
            "display_name": "Alice",
            "note": "Hello",
            "locked": True,
            "bot": True,
            "fields_attributes": {"0": {"name": "Site", "value": "https://alice.example"}},
        },
    )
    assert r.status_code == 200, r.text
    actor = await as2(api, "/users/alice")
    assert actor["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert actor["id"] == f"{BASE}/users/alice"
    assert actor["type"] == "Service"  # a bot
    assert actor["preferredUsername"] == "alice"
    assert actor["name"] == "Alice"
    assert "Hello" in actor["summary"]
    assert actor["manuallyApprovesFollowers"] is True
    assert actor["inbox"] == f"{BASE}/users/alice/inbox"
    assert actor["outbox"] == f"{BASE}/users/alice/outbox"
    assert actor["followers"] == f"{BASE}/users/alice/followers"
    assert actor["following"] == f"{BASE}/users/alice/following"
    assert actor["featured"] == f"{BASE}/users/alice/collections/featured"
    assert actor["featuredTags"] == f"{BASE}/users/alice/collections/tags"
    assert actor["endpoints"] == {"sharedInbox": f"{BASE}/inbox"}
    assert actor["url"] == f"{BASE}/@alice"
    assert actor["discoverable"] is True and actor["indexable"] is True
    key = actor["publicKey"]
    assert key["id"] == f"{BASE}/users/alice#main-key"
    assert key["owner"] == actor["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    (field,) = actor["attachment"]
    assert field["type"] == "PropertyValue" and field["name"] == "Site"
    assert 'href="https://alice.example"' in field["value"]
    # The key is made once and kept.
    again = await as2(api, "/users/alice")
    assert again["publicKey"]["publicKeyPem"] == key["publicKeyPem"]


async def test_instance_actor(api: Api) -> None:
    actor = await as2(api, "/actor")
    assert actor["id"] == f"{BASE}/actor"
    assert actor["type"] == "Application"
    assert actor["publicKey"]["owner"] == f"{BASE}/actor"
    r = await api.get(
        "/.well-known/webfinger", params={"resource": "acct:localhost:3000@localhost:3000"}
    )
    assert r.status_code == 200
    assert {
        "rel": "self",
        "type": "application/activity+json",
        "href": f"{BASE}/actor",
    } in r.json()["links"]


async def test_content_negotiation(api: Api, alice: str) -> None:
    status = await api.post_status(alice, "negotiated")
    # The web pages answer servers with AS2…
    assert (await as2(api, "/@alice"))["id"] == f"{BASE}/users/alice"
    ld = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    note = await as2(api, f"/@alice/{status['id']}", Accept=ld)
    assert note["id"] == status["uri"]
    # …and browsers with HTML, while the AS2 addresses send browsers to the pages.
    page = await api.get("/@alice", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    r = await api.get("/users/alice", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 302 and r.headers["location"] == f"{BASE}/@alice"
    r = await api.get(f"/users/alice/statuses/{status['id']}", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["location"] == f"{BASE}/@alice/{status['id']}"
    assert (await api.get("/users/nobody", headers=AS2)).status_code == 404


async def test_notes_by_visibility(api: Api, alice: str, bob: str) -> None:
    public = await api.post_status(
        alice, "Hi @bob #Topic", language="en", spoiler_text="cw", visibility="public"
    )
    note = await as2(api, f"/users/alice/statuses/{public['id']}")
    assert note["type"] == "Note"
    assert note["attributedTo"] == f"{BASE}/users/alice"
    assert note["to"] == [AS_PUBLIC]
    assert note["cc"] == [f"{BASE}/users/alice/followers", f"{BASE}/users/bob"]
    assert note["summary"] == "cw" and note["sensitive"] is True
    assert note["contentMap"] == {"en": note["content"]}
    assert note["url"] == f"{BASE}/@alice/{public['id']}"
    assert {"type": "Mention", "href": f"{BASE}/users/bob", "name": "@bob@localhost:3000"} in note[
        "tag"
    ]
    assert {"type": "Hashtag", "href": f"{BASE}/tags/Topic", "name": "#Topic"} in note["tag"]
    assert note["replies"]["id"] == f"{public['uri']}/replies"

    unlisted = await api.post_status(alice, "quiet", visibility="unlisted")
    note = await as2(api, f"/users/alice/statuses/{unlisted['id']}")
    assert note["to"] == [f"{BASE}/users/alice/followers"] and note["cc"] == [AS_PUBLIC]

    reply = await api.post_status(bob, "@alice answer", in_reply_to_id=public["id"])
    note = await as2(api, f"/users/bob/statuses/{reply['id']}")
    assert note["inReplyTo"] == public["uri"]

    activity = await as2(api, f"/users/alice/statuses/{public['id']}/activity")
    assert activity["type"] == "Create" and activity["id"] == f"{public['uri']}/activity"
    assert activity["object"]["id"] == public["uri"]

    for visibility in ("private", "direct"):
        hidden = await api.post_status(alice, "@bob secret", visibility=visibility)
        r = await api.get(f"/users/alice/statuses/{hidden['id']}", headers=AS2)
        assert r.status_code == 404, visibility
    # Another account's post is not found under alice's name.
    r = await api.get(f"/users/alice/statuses/{reply['id']}", headers=AS2)
    assert r.status_code == 404


async def test_edited_note_and_poll(api: Api, alice: str) -> None:
    status = await api.post_status(
        alice, "Which?", poll={"options": ["a", "b"], "expires_in": 3600, "multiple": True}
    )
    note = await as2(api, f"/users/alice/statuses/{status['id']}")
    assert note["type"] == "Question"
    assert [o["name"] for o in note["anyOf"]] == ["a", "b"]
    assert note["anyOf"][0]["replies"] == {"type": "Collection", "totalItems": 0}
    assert note["endTime"].endswith("Z") and note["votersCount"] == 0
    r = await api.request(
        "PUT", f"/api/v1/statuses/{status['id']}", alice, json={"status": "Edited"}
    )
    assert r.status_code == 200, r.text
    note = await as2(api, f"/users/alice/statuses/{status['id']}")
    assert note["type"] == "Note" and "updated" in note and "Edited" in note["content"]


def test_media_become_documents() -> None:
    author = Account(id=1, username="alice", uri=f"{BASE}/users/alice", fields=[])
    media = MediaAttachment(
        id=2,
        account_id=1,
        type="image",
        state="done",
        content_type="image/png",
        file_key="media/2/original.png",
        description="A cat",
        blurhash="LEHV6nWB2yk8",
        focus_x=0.5,
        focus_y=-0.25,
        meta={"original": {"width": 640, "height": 480}},
    )
    status = Status(
        id=3,
        account_id=1,
        uri=f"{BASE}/users/alice/statuses/3",
        visibility="direct",
        content="<p>cat</p>",
        spoiler_text="",
        sensitive=False,
        created_at=clock.now(),
    )
    note = serializers.note(status, NoteContext(author=author, media=[media]))
    (document,) = note["attachment"]
    assert document["type"] == "Document"
    assert document["mediaType"] == "image/png"
    assert document["url"].endswith("/media/2/original.png")
    assert document["name"] == "A cat"
    assert document["blurhash"] == "LEHV6nWB2yk8"
    assert document["focalPoint"] == [0.5, -0.25]
    assert (document["width"], document["height"]) == (640, 480)
    assert note["to"] == [] and note["cc"] == []  # direct, mentioning nobody


async def test_outbox_holds_public_and_unlisted_posts(api: Api, alice: str, bob: str) -> None:
    shown = await api.post_status(alice, "public one")
    quiet = await api.post_status(alice, "unlisted one", visibility="unlisted")
    await api.post_status(alice, "followers only", visibility="private")
    await api.post_status(alice, "direct", visibility="direct")
    bobs = await api.post_status(bob, "bob's post")
    r = await api.post(f"/api/v1/statuses/{bobs['id']}/reblog", alice)
    assert r.status_code == 200
    outbox = await as2(api, "/users/alice/outbox")
    assert outbox["type"] == "OrderedCollection"
    assert outbox["first"] == f"{BASE}/users/alice/outbox?page=true"
    page = await as2(api, "/users/alice/outbox?page=true")
    assert page["type"] == "OrderedCollectionPage"
    assert page["partOf"] == f"{BASE}/users/alice/outbox"
    items = page["orderedItems"]
    assert [i["type"] for i in items] == ["Announce", "Create", "Create"]
    assert items[0]["object"] == bobs["uri"]
    assert [i["object"]["id"] for i in items[1:]] == [quiet["uri"], shown["uri"]]


async def test_followers_and_following(api: Api, alice: str, bob: str, db: Any) -> None:
    me = await api.me(bob)
    await api.follow(alice, me["id"])
    followers = await as2(api, "/users/bob/followers")
    assert followers["totalItems"] == 1 and "first" in followers
    page = await as2(api, "/users/bob/followers?page=true")
    assert page["orderedItems"] == [f"{BASE}/users/alice"]
    page = await as2(api, "/users/alice/following?page=true")
    assert page["orderedItems"] == [f"{BASE}/users/bob"]
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", bob, json={"hide_collections": True}
    )
    assert r.status_code == 200
    hidden = await as2(api, "/users/bob/followers")
    assert hidden["totalItems"] == 1 and "first" not in hidden
    assert "orderedItems" not in await as2(api, "/users/bob/followers?page=true")


async def test_featured_collections(api: Api, alice: str) -> None:
    status = await api.post_status(alice, "pinned #Feature")
    assert (await api.post(f"/api/v1/statuses/{status['id']}/pin", alice)).status_code == 200
    featured = await as2(api, "/users/alice/collections/featured")
    assert featured["type"] == "OrderedCollection" and featured["totalItems"] == 1
    assert featured["orderedItems"][0]["id"] == status["uri"]
    r = await api.post("/api/v1/featured_tags", alice, json={"name": "Feature"})
    assert r.status_code == 200, r.text
    tags = await as2(api, "/users/alice/collections/tags")
    assert tags["items"] == [
        {"type": "Hashtag", "href": f"{BASE}/tags/Feature", "name": "#Feature"}
    ]


def _signed(url: str, key_id: str) -> dict[str, str]:
    headers = sign_request(Signer(key_id, key_pair().private_pem), "GET", url, None)
    return {**AS2, **headers}


async def test_signed_fetch_by_a_follower_reads_private_posts(
    api: Api, alice: str, db: Any
) -> None:
    follower = await remote_account(db, "fan", "remote.example", with_key=True)
    stranger = await remote_account(db, "stranger", "other.example", with_key=True)
    me = await api.me(alice)
    await add_follow(db, follower.id, int(me["id"]))
    status = await api.post_status(alice, "for my followers", visibility="private")
    path = f"/users/alice/statuses/{status['id']}"
    r = await api.get(path, headers=_signed(f"{BASE}{path}", f"{follower.uri}#main-key"))
    assert r.status_code == 200, r.text
    assert r.json()["to"] == [f"{BASE}/users/alice/followers"]
    r = await api.get(path, headers=_signed(f"{BASE}{path}", f"{stranger.uri}#main-key"))
    assert r.status_code == 404


@pytest.fixture
def authorized_fetch(settings: Any) -> Any:
    settings.authorized_fetch = True
    return settings


async def test_authorized_fetch(api: Api, alice: str, db: Any, authorized_fetch: Any) -> None:
    signer = await remote_account(db, "fetcher", "remote.example", with_key=True)
    status = await api.post_status(alice, "public")
    for path in (
        "/users/alice",
        "/@alice",
        "/users/alice/outbox",
        "/users/alice/followers",
        f"/users/alice/statuses/{status['id']}",
    ):
        assert (await api.get(path, headers=AS2)).status_code == 401, path
        r = await api.get(path, headers=_signed(f"{BASE}{path}", f"{signer.uri}#main-key"))
        assert r.status_code == 200, path
    # A signature that does not match the request is no signature.
    forged = _signed(f"{BASE}/users/bob", f"{signer.uri}#main-key")
    assert (await api.get("/users/alice", headers=forged)).status_code == 401
    # Discovery and the instance actor stay open.
    assert (await api.get("/actor", headers=AS2)).status_code == 200
    r = await api.get("/.well-known/webfinger", params={"resource": "acct:alice@localhost:3000"})
    assert r.status_code == 200
    assert (await api.get("/nodeinfo/2.0")).status_code == 200
