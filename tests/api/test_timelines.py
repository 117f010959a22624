"""Home and public timelines: content rules, pagination, and a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Api


async def test_home_rules(api: Api, alice: str, bob: str, carol: str) -> None:
    b, c = await api.me(bob), await api.me(carol)
    await api.follow(alice, b["id"])
    carol_post = await api.post_status(carol, "carol speaks")
    bob_post = await api.post_status(bob, "bob speaks")
    bob_to_carol = await api.post_status(bob, "@carol answer", in_reply_to_id=carol_post["id"])
    own = await api.post_status(alice, "alice speaks")
    reblog = (await api.post(f"/api/v1/statuses/{carol_post['id']}/reblog", bob)).json()
    ids = [s["id"] for s in (await api.get("/api/v1/timelines/home", alice)).json()]
    assert ids == [reblog["id"], own["id"], bob_post["id"]]  # not Bob's reply to a stranger
    # Following Carol makes the conversation visible; hiding Bob's reblogs removes them.
    await api.follow(alice, c["id"])
    await api.post(f"/api/v1/accounts/{b['id']}/follow", alice, json={"reblogs": False})
    ids = [s["id"] for s in (await api.get("/api/v1/timelines/home", alice)).json()]
    assert ids == [own["id"], bob_to_carol["id"], bob_post["id"], carol_post["id"]]
    # Unfollowing removes the account's posts at once.
    await api.post(f"/api/v1/accounts/{b['id']}/unfollow", alice)
    ids = [s["id"] for s in (await api.get("/api/v1/timelines/home", alice)).json()]
    assert ids == [own["id"], carol_post["id"]]


async def test_pagination_and_link_headers(api: Api, alice: str) -> None:
    posted = [(await api.post_status(alice, f"post {n}"))["id"] for n in range(7)]
    newest_first = list(reversed(posted))
    page = await api.get("/api/v1/timelines/home", alice, params={"limit": 3})
    assert [s["id"] for s in page.json()] == newest_first[:3]
    links = dict(
        (rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', page.headers["link"])
    )
    assert links["next"].startswith("http://localhost:3000/api/v1/timelines/home?")
    assert f"max_id={newest_first[2]}" in links["next"] and "limit=3" in links["next"]
    assert f"min_id={newest_first[0]}" in links["prev"]
    nxt = await api.get(links["next"].replace("http://localhost:3000", ""), alice)
    assert [s["id"] for s in nxt.json()] == newest_first[3:6]
    # min_id gives the page right after it (oldest first internally), newest first in the answer.
    after = await api.get("/api/v1/timelines/home", alice, params={"min_id": posted[0], "limit": 2})
    assert [s["id"] for s in after.json()] == [posted[2], posted[1]]
    since = await api.get(
        "/api/v1/timelines/home", alice, params={"since_id": posted[4], "limit": 10}
    )
    assert [s["id"] for s in since.json()] == [posted[6], posted[5]]
    empty = await api.get("/api/v1/timelines/home", alice, params={"max_id": posted[0]})
    assert empty.json() == [] and "link" not in empty.headers
    clamped = await api.get("/api/v1/timelines/home", alice, params={"limit": 1000})
    assert len(clamped.json()) == 7


async def test_public_local_and_remote(api: Api, alice: str) -> None:
    post = await api.post_status(alice, "hello world")
    assert [
        s["id"]
        for s in (await api.get("/api/v1/timelines/public", params={"local": "true"})).json()
    ] == [post["id"]]
    assert (await api.get("/api/v1/timelines/public", params={"remote": "true"})).json() == []
    anonymous = (await api.get("/api/v1/timelines/public")).json()[0]
    assert "favourited" not in anonymous  # viewer flags only with a user token


@pytest.mark.parametrize("path", ["/api/v1/timelines/home", "/api/v1/timelines/public"])
async def test_timelines_take_a_fixed_number_of_queries(
    api: Api, app: Any, alice: str, bob: str, carol: str, path: str
) -> None:
    db = app.state.gazouille.db
    b = await api.me(bob)
    c = await api.me(carol)
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])

    async def count() -> int:
        db.query_counter = []
        try:
            r = await api.get(path, alice, params={"limit": 40})
            assert r.status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    async def add_posts(n: int) -> None:
        for i in range(n):
            s = await api.post_status(bob, f"post {i} @carol #tag{i % 3}")
            await api.post(f"/api/v1/statuses/{s['id']}/favourite", alice)
            await api.post(f"/api/v1/statuses/{s['id']}/reblog", carol)

    await add_posts(2)
    small = await count()
    await add_posts(10)
    large = await count()
    assert large == small, (small, large)
    assert small <= 15  # token, feed (2), rule check, presenter (up to 10), filters


async def test_home_exclusions_apply_as_soon_as_the_viewer_has_some(
    api: Api, alice: str, bob: str, carol: str
) -> None:
    """The home rule's statement is chosen by the kinds of exclusion the viewer has (none at
    first): each kind, once added, must hide at once what it hides."""
    b, c = await api.me(bob), await api.me(carol)
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])
    bob_post = await api.post_status(bob, "bob speaks")
    carol_post = await api.post_status(carol, "carol speaks")
    mentions_bob = await api.post_status(carol, "hello @bob")

    async def home() -> list[str]:
        return [s["id"] for s in (await api.get("/api/v1/timelines/home", alice)).json()]

    assert await home() == [mentions_bob["id"], carol_post["id"], bob_post["id"]]
    # A mute hides the author's posts and the posts that mention the muted account.
    await api.post(f"/api/v1/accounts/{b['id']}/mute", alice)
    assert await home() == [carol_post["id"]]
    await api.post(f"/api/v1/accounts/{b['id']}/unmute", alice)
    assert await home() == [mentions_bob["id"], carol_post["id"], bob_post["id"]]
    # Being blocked by an author hides their posts too.
    await api.post(f"/api/v1/accounts/{(await api.me(alice))['id']}/block", carol)
    assert await home() == [bob_post["id"]]
    await api.post(f"/api/v1/accounts/{(await api.me(alice))['id']}/unblock", carol)
    await api.follow(alice, c["id"])
    # An exclusive list takes its members off the home timeline.
    listed = (
        await api.post("/api/v1/lists", alice, json={"title": "bob", "exclusive": True})
    ).json()
    await api.post(f"/api/v1/lists/{listed['id']}/accounts", alice, json={"account_ids": [b["id"]]})
    assert await home() == [mentions_bob["id"], carol_post["id"]]
