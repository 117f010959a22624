"""The visibility matrix: who sees a public, unlisted, private or direct post, on every
read path (the status, its thread, the author's statuses, home and public timelines)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

VIEWERS = ("author", "follower", "mentioned", "stranger", "anonymous")
# visibility -> the viewers who may see the post
MATRIX = {
    "public": {"author", "follower", "mentioned", "stranger", "anonymous"},
    "unlisted": {"author", "follower", "mentioned", "stranger", "anonymous"},
    "private": {"author", "follower", "mentioned"},
    "direct": {"author", "mentioned"},
}


@pytest.fixture
async def world(api: Api) -> dict[str, Any]:
    tokens = {
        name: await api.register(name) for name in ("author", "follower", "mentioned", "stranger")
    }
    ids = {name: (await api.me(token))["id"] for name, token in tokens.items()}
    await api.follow(tokens["follower"], ids["author"])
    root = await api.post_status(tokens["author"], "thread root")
    posts = {
        v: await api.post_status(
            tokens["author"], f"{v} post @mentioned", visibility=v, in_reply_to_id=root["id"]
        )
        for v in MATRIX
    }
    return {"tokens": {**tokens, "anonymous": None}, "ids": ids, "posts": posts, "root": root}


@pytest.mark.parametrize("visibility", list(MATRIX))
async def test_visibility_matrix(api: Api, world: dict[str, Any], visibility: str) -> None:
    post = world["posts"][visibility]
    author_id = world["ids"]["author"]
    for viewer in VIEWERS:
        token = world["tokens"][viewer]
        allowed = viewer in MATRIX[visibility]
        r = await api.get(f"/api/v1/statuses/{post['id']}", token)
        assert r.status_code == (200 if allowed else 404), (viewer, visibility)
        if not allowed:
            assert r.json() == {"error": "Record not found"}  # same as a post that never existed
        ctx = (await api.get(f"/api/v1/statuses/{world['root']['id']}/context", token)).json()
        assert (post["id"] in [s["id"] for s in ctx["descendants"]]) == allowed, (
            viewer,
            visibility,
        )
        listed = (await api.get(f"/api/v1/accounts/{author_id}/statuses", token)).json()
        assert (post["id"] in [s["id"] for s in listed]) == allowed, (viewer, visibility)
        for action in ("favourite", "bookmark"):
            if token and viewer != "author":
                r = await api.post(f"/api/v1/statuses/{post['id']}/{action}", token)
                assert r.status_code == (200 if allowed else 404), (viewer, visibility, action)
        who = await api.get(f"/api/v1/statuses/{post['id']}/favourited_by", token)
        assert who.status_code == (200 if allowed else 404)


async def test_public_timeline_shows_only_public(api: Api, world: dict[str, Any]) -> None:
    ids = [s["id"] for s in (await api.get("/api/v1/timelines/public")).json()]
    assert world["posts"]["public"]["id"] in ids
    for hidden in ("unlisted", "private", "direct"):
        assert world["posts"][hidden]["id"] not in ids


async def test_home_timelines(api: Api, world: dict[str, Any]) -> None:
    posts = world["posts"]

    async def home(viewer: str) -> set[str]:
        return {
            s["id"]
            for s in (await api.get("/api/v1/timelines/home", world["tokens"][viewer])).json()
        }

    assert {p["id"] for p in posts.values()} <= await home("author")
    # The follower sees what was addressed to followers, but not a DM to someone else.
    follower = await home("follower")
    assert {posts[v]["id"] for v in ("public", "unlisted", "private")} <= follower
    assert posts["direct"]["id"] not in follower
    # Neither the mentioned (not following) nor the stranger get anything in home.
    assert await home("stranger") == set()
    assert await home("mentioned") == set()
    assert (await api.get("/api/v1/timelines/home")).status_code == 401


async def test_mentioned_account_is_notified_of_private_and_direct(
    api: Api, world: dict[str, Any], run_jobs: Any
) -> None:
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", world["tokens"]["mentioned"])).json()
    assert {n["status"]["visibility"] for n in notes if n["type"] == "mention"} == set(MATRIX)
    assert (await api.get("/api/v1/notifications", world["tokens"]["stranger"])).json() == []
