"""Posting, reading, deleting, threads, favourites, reblogs and bookmarks."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


async def test_post_renders_safe_html(api: Api, alice: str, bob: str) -> None:
    b = await api.me(bob)
    status = await api.post_status(
        alice, "<b>hi</b> @bob #Gazouille https://example.com", spoiler_text="cw", language="fr"
    )
    assert "<b>" not in status["content"] and "&lt;b&gt;" in status["content"]
    assert status["mentions"] == [
        {"id": b["id"], "username": "bob", "url": "http://localhost:3000/@bob", "acct": "bob"}
    ]
    assert status["tags"] == [{"name": "gazouille", "url": "http://localhost:3000/tags/gazouille"}]
    assert status["spoiler_text"] == "cw" and status["sensitive"] is True
    assert status["language"] == "fr" and status["visibility"] == "public"
    assert status["url"] == f"http://localhost:3000/@alice/{status['id']}"
    assert status["application"] == {"name": "tests", "website": None}
    assert (
        status["favourited"] is False
        and status["reblogged"] is False
        and status["bookmarked"] is False
    )
    assert status["created_at"].endswith("Z") and len(status["created_at"]) == 24
    assert (await api.me(alice))["statuses_count"] == 1


async def test_post_form_and_multipart_bodies(api: Api, alice: str) -> None:
    r = await api.post("/api/v1/statuses", alice, data={"status": "form", "visibility": "unlisted"})
    assert r.status_code == 200 and r.json()["visibility"] == "unlisted"
    r = await api.post(
        "/api/v1/statuses",
        alice,
        files={"status": (None, "multipart"), "sensitive": (None, "true")},
    )
    assert r.status_code == 200 and r.json()["sensitive"] is True


async def test_post_validation(api: Api, alice: str, app: Any) -> None:
    cases = [
        ({"status": ""}, 422, "Text can't be blank"),
        ({"status": "x" * 501}, 422, "character limit of 500"),
        ({"status": "hi", "visibility": "friends"}, 422, "Visibility"),
        ({"status": "hi", "in_reply_to_id": "999999"}, 404, "Record not found"),
        ({"status": "hi", "in_reply_to_id": "abc"}, 404, "Record not found"),
        ({"status": "hi", "language": "<script>"}, 422, "Language"),
    ]
    for body, status_code, message in cases:
        r = await api.post("/api/v1/statuses", alice, json=body)
        assert r.status_code == status_code, (body, r.text)
        assert message in r.json()["error"]
    assert (await api.me(alice))["statuses_count"] == 0  # nothing half-written
    # A URL counts as 23 characters, whatever its length.
    ok = await api.post(
        "/api/v1/statuses", alice, json={"status": "x" * 470 + " https://example.com/" + "a" * 200}
    )
    assert ok.status_code == 200


async def test_idempotency_key(api: Api, alice: str) -> None:
    headers = {"Idempotency-Key": "abc-123"}
    first = await api.post("/api/v1/statuses", alice, json={"status": "once"}, headers=headers)
    second = await api.post("/api/v1/statuses", alice, json={"status": "once"}, headers=headers)
    assert first.json()["id"] == second.json()["id"]
    assert (await api.me(alice))["statuses_count"] == 1


async def test_thread_context_and_reply_counts(api: Api, alice: str, bob: str) -> None:
    root = await api.post_status(alice, "root")
    reply = await api.post_status(bob, "reply", in_reply_to_id=root["id"])
    nested = await api.post_status(alice, "nested", in_reply_to_id=reply["id"])
    second = await api.post_status(bob, "second reply", in_reply_to_id=root["id"])
    assert reply["in_reply_to_account_id"] == (await api.me(alice))["id"]
    ctx = (await api.get(f"/api/v1/statuses/{reply['id']}/context")).json()
    assert [s["id"] for s in ctx["ancestors"]] == [root["id"]]
    assert [s["id"] for s in ctx["descendants"]] == [nested["id"]]
    ctx = (await api.get(f"/api/v1/statuses/{root['id']}/context", alice)).json()
    assert [s["id"] for s in ctx["descendants"]] == [reply["id"], nested["id"], second["id"]]
    assert (await api.get(f"/api/v1/statuses/{root['id']}")).json()["replies_count"] == 2


async def test_delete_returns_source_and_cleans_up(api: Api, alice: str, bob: str) -> None:
    root = await api.post_status(alice, "root")
    reply = await api.post_status(alice, "to delete #tag", in_reply_to_id=root["id"])
    await api.post(f"/api/v1/statuses/{reply['id']}/reblog", bob)
    assert (await api.request("DELETE", f"/api/v1/statuses/{reply['id']}", bob)).status_code == 404
    r = await api.request("DELETE", f"/api/v1/statuses/{reply['id']}", alice)
    assert r.status_code == 200 and r.json()["text"] == "to delete #tag"
    assert (await api.get(f"/api/v1/statuses/{reply['id']}")).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{root['id']}")).json()["replies_count"] == 0
    assert (await api.me(alice))["statuses_count"] == 1
    assert (await api.me(bob))["statuses_count"] == 0  # the reblog went with it
    assert (
        await api.request("DELETE", f"/api/v1/statuses/{reply['id']}", alice)
    ).status_code == 404


async def test_favourite_reblog_bookmark(api: Api, alice: str, bob: str, carol: str) -> None:
    status = await api.post_status(alice, "like me")
    sid = status["id"]
    for _ in range(2):  # idempotent
        fav = (await api.post(f"/api/v1/statuses/{sid}/favourite", bob)).json()
    assert fav["favourited"] is True and fav["favourites_count"] == 1
    reblog = (await api.post(f"/api/v1/statuses/{sid}/reblog", bob)).json()
    again = (await api.post(f"/api/v1/statuses/{sid}/reblog", bob)).json()
    assert again["id"] == reblog["id"]
    assert reblog["reblog"]["id"] == sid and reblog["reblog"]["reblogs_count"] == 1
    assert reblog["reblogged"] is True and reblog["content"] == ""
    await api.post(f"/api/v1/statuses/{sid}/favourite", carol)
    who = (await api.get(f"/api/v1/statuses/{sid}/favourited_by")).json()
    assert [a["username"] for a in who] == ["carol", "bob"]
    assert [
        a["username"] for a in (await api.get(f"/api/v1/statuses/{sid}/reblogged_by")).json()
    ] == ["bob"]
    seen = (await api.get(f"/api/v1/statuses/{sid}", bob)).json()
    assert seen["favourited"] and seen["reblogged"] and not seen["bookmarked"]
    assert (await api.post(f"/api/v1/statuses/{sid}/bookmark", bob)).json()["bookmarked"] is True
    assert (await api.post(f"/api/v1/statuses/{sid}/unbookmark", bob)).json()["bookmarked"] is False
    undone = (await api.post(f"/api/v1/statuses/{sid}/unfavourite", bob)).json()
    assert undone["favourited"] is False and undone["favourites_count"] == 1
    unreblogged = (await api.post(f"/api/v1/statuses/{sid}/unreblog", bob)).json()
    assert (
        unreblogged["id"] == sid
        and unreblogged["reblogged"] is False
        and unreblogged["reblogs_count"] == 0
    )
    # Favouriting a reblog favourites the original.
    reblog = (await api.post(f"/api/v1/statuses/{sid}/reblog", carol)).json()
    await api.post(f"/api/v1/statuses/{reblog['id']}/favourite", bob)
    assert (await api.get(f"/api/v1/statuses/{sid}")).json()["favourites_count"] == 2


async def test_private_and_direct_cannot_be_reblogged(api: Api, alice: str, bob: str) -> None:
    b = await api.me(bob)
    await api.follow(bob, (await api.me(alice))["id"])
    private = await api.post_status(alice, "followers only", visibility="private")
    assert (await api.post(f"/api/v1/statuses/{private['id']}/reblog", bob)).status_code == 403
    direct = await api.post_status(alice, "@bob psst", visibility="direct")
    assert direct["mentions"][0]["id"] == b["id"]
    assert (await api.post(f"/api/v1/statuses/{direct['id']}/reblog", bob)).status_code == 403
    assert (await api.get(f"/api/v1/statuses/{private['id']}/reblogged_by")).status_code == 404


async def test_get_many_and_source(api: Api, alice: str, bob: str) -> None:
    one = await api.post_status(alice, "one")
    hidden = await api.post_status(alice, "hidden", visibility="direct")
    r = await api.get("/api/v1/statuses", bob, params={"id[]": [one["id"], hidden["id"], "1"]})
    assert [s["id"] for s in r.json()] == [one["id"]]
    src = (await api.get(f"/api/v1/statuses/{one['id']}/source", alice)).json()
    assert src == {"id": one["id"], "text": "one", "spoiler_text": ""}
    assert (await api.get(f"/api/v1/statuses/{one['id']}/source", bob)).status_code == 404
