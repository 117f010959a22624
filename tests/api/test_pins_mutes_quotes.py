"""Pins, conversation mutes and quotes; and a page rich in media, polls and quotes still
renders in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from tests.api import media_files
from tests.api.test_contract import check
from tests.conftest import Api


async def test_pins(api: Api, alice: str, bob: str) -> None:
    a = await api.me(alice)
    posts = [await api.post_status(alice, f"pin me {n}") for n in range(6)]
    assert posts[0]["pinned"] is False
    pinned = await api.post(f"/api/v1/statuses/{posts[0]['id']}/pin", alice)
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    again = await api.post(f"/api/v1/statuses/{posts[0]['id']}/pin", alice)
    assert again.status_code == 200
    for post in posts[1:5]:
        assert (await api.post(f"/api/v1/statuses/{post['id']}/pin", alice)).status_code == 200
    sixth = await api.post(f"/api/v1/statuses/{posts[5]['id']}/pin", alice)
    assert sixth.status_code == 422 and "maximum" in sixth.json()["error"]

    other = await api.post(f"/api/v1/statuses/{posts[5]['id']}/pin", bob)
    assert other.status_code == 422 and "someone else" in other.json()["error"]
    reblog = (await api.post(f"/api/v1/statuses/{posts[5]['id']}/reblog", bob)).json()
    boost = await api.post(f"/api/v1/statuses/{reblog['id']}/pin", bob)
    assert boost.status_code == 422 and "boost" in boost.json()["error"]
    direct = await api.post_status(bob, "@alice psst", visibility="direct")
    dm = await api.post(f"/api/v1/statuses/{direct['id']}/pin", bob)
    assert dm.status_code == 422
    hidden = await api.post_status(bob, "hidden", visibility="direct")
    assert (await api.post(f"/api/v1/statuses/{hidden['id']}/pin", alice)).status_code == 404
    assert (await api.post(f"/api/v1/statuses/{posts[0]['id']}/pin")).status_code == 401

    listed = await api.get(f"/api/v1/accounts/{a['id']}/statuses", params={"pinned": "true"})
    assert [s["id"] for s in listed.json()] == [p["id"] for p in reversed(posts[:5])]
    assert "pinned" not in listed.json()[0]  # no viewer, no flag
    mine = await api.get(f"/api/v1/accounts/{a['id']}/statuses", alice, params={"pinned": "1"})
    assert all(s["pinned"] for s in mine.json())
    seen_by_bob = (await api.get(f"/api/v1/statuses/{posts[0]['id']}", bob)).json()
    assert "pinned" not in seen_by_bob  # only the author sees the flag

    unpinned = await api.post(f"/api/v1/statuses/{posts[0]['id']}/unpin", alice)
    assert unpinned.status_code == 200 and unpinned.json()["pinned"] is False
    listed = await api.get(f"/api/v1/accounts/{a['id']}/statuses", params={"pinned": "true"})
    assert len(listed.json()) == 4
    # A private pin is seen only by those who may see the post.
    private = await api.post_status(alice, "followers", visibility="private")
    assert (await api.post(f"/api/v1/statuses/{private['id']}/pin", alice)).status_code == 200
    anonymous = await api.get(f"/api/v1/accounts/{a['id']}/statuses", params={"pinned": "true"})
    assert private["id"] not in [s["id"] for s in anonymous.json()]


async def test_conversation_mute(api: Api, alice: str, bob: str, run_jobs: Any) -> None:
    root = await api.post_status(alice, "root")
    reply = await api.post_status(bob, "@alice first", in_reply_to_id=root["id"])
    await run_jobs()
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1
    muted = await api.post(f"/api/v1/statuses/{reply['id']}/mute", alice)
    assert muted.status_code == 200 and muted.json()["muted"] is True
    assert (await api.get(f"/api/v1/statuses/{root['id']}", alice)).json()["muted"] is True
    assert (await api.get(f"/api/v1/statuses/{root['id']}", bob)).json()["muted"] is False
    await api.post_status(bob, "@alice second", in_reply_to_id=reply["id"])
    elsewhere = await api.post_status(bob, "@alice elsewhere")
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", alice)).json()
    assert [n["status"]["id"] for n in notes] == [elsewhere["id"], reply["id"]]
    unmuted = await api.post(f"/api/v1/statuses/{root['id']}/unmute", alice)
    assert unmuted.status_code == 200 and unmuted.json()["muted"] is False
    third = await api.post_status(bob, "@alice third", in_reply_to_id=root["id"])
    await run_jobs()
    assert (await api.get("/api/v1/notifications", alice)).json()[0]["status"]["id"] == third["id"]
    hidden = await api.post_status(bob, "mine", visibility="direct")
    assert (await api.post(f"/api/v1/statuses/{hidden['id']}/mute", alice)).status_code == 404


async def test_quotes(api: Api, alice: str, bob: str, carol: str, run_jobs: Any) -> None:
    original = await api.post_status(alice, "quote me")
    quoting = await api.post_status(bob, "look at this", quoted_status_id=original["id"])
    quote = quoting["quote"]
    assert quote["state"] == "accepted" and quote["quoted_status"]["id"] == original["id"]
    check("Quote", quote)
    check("Status", {**quoting, "quote": None})  # the schema's oneOf cannot tell its arms apart
    check("Status", quote["quoted_status"])
    assert (await api.get(f"/api/v1/statuses/{original['id']}")).json()["quotes_count"] == 1
    # quote_id is accepted too; a quote of a quote shows the inner one shallowly.
    nested = await api.post_status(carol, "and this", quote_id=quoting["id"])
    inner = nested["quote"]["quoted_status"]
    assert inner["id"] == quoting["id"]
    assert inner["quote"] == {"state": "accepted", "quoted_status_id": original["id"]}
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", alice)).json()
    assert [(n["type"], n["status"]["id"]) for n in notes] == [("quote", quoting["id"])]
    check("Notification", {**notes[0], "status": {**notes[0]["status"], "quote": None}})

    private = await api.post_status(alice, "private", visibility="private")
    refused = await api.post(
        "/api/v1/statuses", bob, json={"status": "x", "quoted_status_id": private["id"]}
    )
    assert refused.status_code == 404  # bob does not follow alice: he cannot see it
    await api.follow(bob, (await api.me(alice))["id"])
    refused = await api.post(
        "/api/v1/statuses", bob, json={"status": "x", "quoted_status_id": private["id"]}
    )
    assert refused.status_code == 422 and "quoted" in refused.json()["error"]
    missing = await api.post("/api/v1/statuses", bob, json={"status": "x", "quote_id": "abc"})
    assert missing.status_code == 404
    assert (await api.me(bob))["statuses_count"] == 1
    # A reblog of the quote carries it; deleting the original leaves the quote empty.
    reblog = (await api.post(f"/api/v1/statuses/{quoting['id']}/reblog", carol)).json()
    assert reblog["reblog"]["quote"]["quoted_status"]["id"] == original["id"]
    await api.request("DELETE", f"/api/v1/statuses/{original['id']}", alice)
    after = (await api.get(f"/api/v1/statuses/{quoting['id']}")).json()
    assert after["quote"] is None
    deleted = await api.request("DELETE", f"/api/v1/statuses/{nested['id']}", carol)
    assert deleted.status_code == 200
    assert (await api.get(f"/api/v1/statuses/{quoting['id']}")).json()["quotes_count"] == 0


async def test_rich_pages_take_a_fixed_number_of_queries(
    api: Api, app: Any, alice: str, bob: str
) -> None:
    db = app.state.gazouille.db
    await api.follow(alice, (await api.me(bob))["id"])
    target = await api.post_status(alice, "quoted")

    async def add(n: int) -> None:
        for i in range(n):
            image = await api.post(
                "/api/v2/media", bob, files={"file": ("p.png", media_files.png(), "image/png")}
            )
            await api.post_status(bob, f"media {i}", media_ids=[image.json()["id"]])
            polled = await api.post_status(
                bob, f"poll {i}", poll={"options": ["a", "b"], "expires_in": 600}
            )
            await api.post(
                f"/api/v1/polls/{polled['poll']['id']}/votes", alice, json={"choices": [0]}
            )
            quoting = await api.post_status(bob, f"quote {i}", quoted_status_id=target["id"])
            await api.post(f"/api/v1/statuses/{quoting['id']}/pin", bob)
            await api.post(f"/api/v1/statuses/{quoting['id']}/mute", alice)

    async def count() -> int:
        db.query_counter = []
        try:
            r = await api.get("/api/v1/timelines/home", alice, params={"limit": 40})
            assert r.status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    await add(1)
    small = await count()
    await add(4)
    assert await count() == small
