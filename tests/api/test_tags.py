"""Hashtags: the tag timeline (any/all/none, local/remote/media), the Tag entity and its
history, following tags (and their statuses in the home feed), featured tags."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from gazouille.core import clock
from gazouille.models import Status
from tests.api.test_contract import check
from tests.conftest import Api


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


async def tag_timeline(api: Api, name: str, token: str | None = None, **params: Any) -> list[str]:
    r = await api.get(f"/api/v1/timelines/tag/{name}", token, params=params)
    assert r.status_code == 200, r.text
    return ids(r.json())


async def test_tag_timeline_semantics(api: Api, alice: str, bob: str) -> None:
    a = await api.me(alice)
    cats = await api.post_status(alice, "#Chats partout")
    both = await api.post_status(bob, "#chats et #chiens")
    dogs = await api.post_status(bob, "#chiens seulement")
    reply = await api.post_status(bob, "réponse #chats", in_reply_to_id=cats["id"])
    hidden = await api.post_status(alice, "#chats unlisted", visibility="unlisted")
    private = await api.post_status(alice, "#chats private", visibility="private")
    await api.post(f"/api/v1/statuses/{cats['id']}/reblog", bob)
    # Case- and accent-insensitive, public only, replies included, no reblogs.
    for name in ("chats", "CHATS", "Chats"):
        assert await tag_timeline(api, name) == [reply["id"], both["id"], cats["id"]]
    assert hidden["id"] not in await tag_timeline(api, "chats", alice)
    assert private["id"] not in await tag_timeline(api, "chats", alice)
    assert await tag_timeline(api, "chats", **{"any[]": ["chiens"]}) == [
        reply["id"],
        dogs["id"],
        both["id"],
        cats["id"],
    ]
    assert await tag_timeline(api, "chats", **{"all[]": ["chiens"]}) == [both["id"]]
    assert await tag_timeline(api, "chats", **{"none[]": ["chiens"]}) == [reply["id"], cats["id"]]
    assert await tag_timeline(api, "chats", **{"all[]": ["inconnu"]}) == []
    assert await tag_timeline(api, "chats", local="true") == [reply["id"], both["id"], cats["id"]]
    assert await tag_timeline(api, "chats", remote="true") == []
    assert await tag_timeline(api, "chats", only_media="true") == []
    assert await tag_timeline(api, "nobody-uses-this") == []
    assert await tag_timeline(api, "%21%21") == []
    for entity in (await api.get("/api/v1/timelines/tag/chats", alice)).json():
        check("Status", entity)
    assert a["id"]


async def test_accented_tags_are_one_tag(api: Api, alice: str) -> None:
    first = await api.post_status(alice, "#Été chaud")
    second = await api.post_status(alice, "#ete encore")
    assert await tag_timeline(api, "ÉTÉ") == [second["id"], first["id"]]
    tag = (await api.get("/api/v1/tags/ete")).json()
    assert tag["name"] == "Été"  # as first written


async def test_tag_timeline_pagination(api: Api, alice: str) -> None:
    posted = [(await api.post_status(alice, f"#serie {n}"))["id"] for n in range(5)]
    newest = list(reversed(posted))
    r = await api.get("/api/v1/timelines/tag/serie", params={"limit": 2, "local": "true"})
    assert ids(r.json()) == newest[:2]
    links = dict(
        (rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers["link"])
    )
    assert links["next"].startswith("http://localhost:3000/api/v1/timelines/tag/serie?")
    assert f"max_id={newest[1]}" in links["next"] and "local=true" in links["next"]
    assert f"min_id={newest[0]}" in links["prev"]
    nxt = await api.get(links["next"].replace("http://localhost:3000", ""))
    assert ids(nxt.json()) == newest[2:4]


async def test_tag_entity_and_history(api: Api, db: Any, alice: str, bob: str) -> None:
    await api.post_status(alice, "#jardin un")
    await api.post_status(alice, "#jardin deux")
    await api.post_status(bob, "#jardin trois")
    old = await api.post_status(bob, "#jardin hier")
    await api.post_status(bob, "#jardin secret", visibility="private")
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == int(old["id"]))
            .values(created_at=clock.now() - timedelta(days=1))
        )
    anonymous = (await api.get("/api/v1/tags/Jardin")).json()
    check("Tag", anonymous)
    assert anonymous["name"] == "jardin"
    assert anonymous["url"] == "http://localhost:3000/tags/jardin"
    assert anonymous["following"] is None and anonymous["featuring"] is None
    history = anonymous["history"]
    assert len(history) == 7
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert history[0] == {"day": str(int(today.timestamp())), "uses": "3", "accounts": "2"}
    assert history[1]["uses"] == "1" and history[1]["accounts"] == "1"
    assert int(history[1]["day"]) == int(today.timestamp()) - 86400
    assert all(h["uses"] == "0" for h in history[2:])
    signed_in = (await api.get("/api/v1/tags/jardin", alice)).json()
    assert signed_in["following"] is False and signed_in["featuring"] is False
    unknown = (await api.get("/api/v1/tags/jamais")).json()
    check("Tag", unknown)
    assert unknown["history"][0]["uses"] == "0"
    assert (await api.get("/api/v1/tags/%23%23")).status_code == 404


async def test_follow_tags_and_home_feed(api: Api, alice: str, bob: str, carol: str) -> None:
    before = await api.post_status(bob, "#velo avant")
    r = await api.post("/api/v1/tags/Vélo/follow", alice)
    assert r.status_code == 200, r.text
    check("Tag", r.json())
    assert r.json()["following"] is True
    again = await api.post("/api/v1/tags/velo/follow", alice)
    assert again.status_code == 200 and again.json()["following"] is True
    public = await api.post_status(bob, "#velo au soleil")
    unlisted = await api.post_status(bob, "#velo discret", visibility="unlisted")
    private = await api.post_status(carol, "#velo privé", visibility="private")
    home = ids((await api.get("/api/v1/timelines/home", alice)).json())
    assert public["id"] in home and before["id"] in home
    assert unlisted["id"] not in home and private["id"] not in home
    # Followed tags, with Link paging on the follow ids.
    await api.post("/api/v1/tags/rando/follow", alice)
    await api.post("/api/v1/tags/ski/follow", alice)
    page = await api.get("/api/v1/followed_tags", alice, params={"limit": 2})
    assert [t["name"] for t in page.json()] == ["ski", "rando"]
    assert 'rel="next"' in page.headers["link"]
    nxt = re.search(r'<([^>]+)>; rel="next"', page.headers["link"])
    assert nxt is not None
    rest = await api.get(nxt.group(1).replace("http://localhost:3000", ""), alice)
    assert [t["name"] for t in rest.json()] == ["velo"]  # as first written, by Bob
    for tag in page.json():
        check("Tag", tag)
    # Unfollowing removes the statuses from home at once; unknown tags unfollow fine.
    r = await api.post("/api/v1/tags/velo/unfollow", alice)
    assert r.status_code == 200 and r.json()["following"] is False
    assert public["id"] not in ids((await api.get("/api/v1/timelines/home", alice)).json())
    assert (await api.post("/api/v1/tags/inconnu/unfollow", alice)).status_code == 200
    # Nobody else is affected, and errors write nothing.
    assert public["id"] not in ids((await api.get("/api/v1/timelines/home", carol)).json())
    assert (await api.post("/api/v1/tags/%21%21/follow", alice)).status_code == 404
    assert (await api.post("/api/v1/tags/velo/follow")).status_code == 401
    assert len((await api.get("/api/v1/followed_tags", alice)).json()) == 2


async def test_featured_tags(api: Api, alice: str, bob: str) -> None:
    a = await api.me(alice)
    await api.post_status(alice, "#Photo un")
    await api.post_status(alice, "#photo deux")
    await api.post_status(alice, "#photo privé", visibility="private")
    await api.post_status(alice, "#musique")
    suggestions = (await api.get("/api/v1/featured_tags/suggestions", alice)).json()
    assert [t["name"] for t in suggestions] == ["musique", "Photo"]
    r = await api.post("/api/v1/featured_tags", alice, json={"name": "#photo"})
    assert r.status_code == 200, r.text
    featured = r.json()
    check("FeaturedTag", featured)
    assert featured["name"] == "Photo"
    assert featured["statuses_count"] == "2"
    assert featured["last_status_at"] == clock.now().date().isoformat()
    assert featured["url"] == "http://localhost:3000/@alice/tagged/photo"
    empty = (await api.post("/api/v1/featured_tags", alice, data={"name": "nouveau"})).json()
    assert empty["statuses_count"] == "0" and empty["last_status_at"] is None
    mine = (await api.get("/api/v1/featured_tags", alice)).json()
    assert [t["name"] for t in mine] == ["Photo", "nouveau"]
    public = (await api.get(f"/api/v1/accounts/{a['id']}/featured_tags")).json()
    assert public == mine
    for entity in public:
        check("FeaturedTag", entity)
    assert [
        t["name"] for t in (await api.get("/api/v1/featured_tags/suggestions", alice)).json()
    ] == ["musique"]
    tag = (await api.get("/api/v1/tags/photo", alice)).json()
    assert tag["featuring"] is True
    # Errors: each answers 422 and features nothing.
    for body, message in [
        ({"name": "photo"}, "Validation failed: Name has already been taken"),
        ({"name": "PHOTO"}, "Validation failed: Name has already been taken"),
        ({"name": ""}, "Validation failed: Name can't be blank"),
        ({}, "Validation failed: Name can't be blank"),
        ({"name": "pas un tag"}, "Validation failed: Name is invalid"),
        ({"name": "123"}, "Validation failed: Name is invalid"),
    ]:
        r = await api.post("/api/v1/featured_tags", alice, json=body)
        assert r.status_code == 422, body
        assert r.json()["error"] == message
    for n in range(8):
        assert (
            await api.post("/api/v1/featured_tags", alice, json={"name": f"t{n}x"})
        ).status_code == 200
    r = await api.post("/api/v1/featured_tags", alice, json={"name": "onze"})
    assert r.status_code == 422
    assert r.json()["error"] == (
        "Validation failed: You have already featured the maximum number of hashtags"
    )
    assert len((await api.get("/api/v1/featured_tags", alice)).json()) == 10
    # Deleting: only one's own, unknown ids are 404.
    assert (
        await api.request("DELETE", f"/api/v1/featured_tags/{featured['id']}", bob)
    ).status_code == 404
    r = await api.request("DELETE", f"/api/v1/featured_tags/{featured['id']}", alice)
    assert r.status_code == 200 and r.json() == {}
    assert (
        await api.request("DELETE", f"/api/v1/featured_tags/{featured['id']}", alice)
    ).status_code == 404
    assert (await api.request("DELETE", "/api/v1/featured_tags/nope", alice)).status_code == 404
    assert len((await api.get("/api/v1/featured_tags", alice)).json()) == 9
    assert (await api.get("/api/v1/featured_tags")).status_code == 401
    assert (await api.get("/api/v1/accounts/999/featured_tags")).status_code == 404


async def test_tag_lists_take_a_fixed_number_of_queries(api: Api, db: Any, alice: str) -> None:
    async def count(names: list[str]) -> int:
        for name in names:
            await api.post(f"/api/v1/tags/{name}/follow", alice)
            await api.post_status(alice, f"#{name}")
        db.query_counter = []
        try:
            r = await api.get("/api/v1/followed_tags", alice)
            assert r.status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    small = await count(["a1", "a2"])
    large = await count([f"b{i}" for i in range(10)])
    assert small == large
