"""Editing statuses: who may, what changes (text, mentions, tags, media, alt text, poll),
the history of versions, and the ``update`` notification to those who reblogged it."""

from __future__ import annotations

from typing import Any

from tests.api import media_files
from tests.api.test_contract import check
from tests.conftest import Api


async def put(api: Api, token: str, status_id: str, **body: Any) -> Any:
    return await api.request("PUT", f"/api/v1/statuses/{status_id}", token, json=body)


async def upload(api: Api, token: str) -> str:
    r = await api.post(
        "/api/v2/media", token, files={"file": ("p.png", media_files.png(), "image/png")}
    )
    return str(r.json()["id"])


async def test_edit_and_history(api: Api, alice: str, bob: str, carol: str, run_jobs: Any) -> None:
    status = await api.post_status(alice, "first #one @bob", language="en")
    sid = status["id"]
    await run_jobs()
    history = (await api.get(f"/api/v1/statuses/{sid}/history")).json()
    assert [h["content"] for h in history] == [status["content"]]  # never edited: itself

    await api.post(f"/api/v1/statuses/{sid}/reblog", carol)
    r = await put(api, alice, sid, status="second #two @carol", spoiler_text="cw")
    assert r.status_code == 200, r.text
    edited = r.json()
    check("Status", edited)
    assert edited["id"] == sid and edited["edited_at"] is not None
    assert edited["spoiler_text"] == "cw" and edited["sensitive"] is True
    assert [t["name"] for t in edited["tags"]] == ["two"]
    assert [m["username"] for m in edited["mentions"]] == ["carol"]
    assert edited["language"] == "en"  # kept when not sent
    await run_jobs()  # notifications of this version, before the next edit
    source = (await api.get(f"/api/v1/statuses/{sid}/source", alice)).json()
    assert source["text"] == "second #two @carol" and source["spoiler_text"] == "cw"
    await put(api, alice, sid, status="third")
    history = (await api.get(f"/api/v1/statuses/{sid}/history", bob)).json()
    for version in history:
        check("StatusEdit", version)
    assert [h["content"] for h in history] == [
        status["content"],
        edited["content"],
        "<p>third</p>",
    ]
    assert history[0]["created_at"] == status["created_at"]
    assert [h["spoiler_text"] for h in history] == ["", "cw", ""]

    await run_jobs()
    notes = (await api.get("/api/v1/notifications", carol)).json()
    assert sorted(n["type"] for n in notes) == ["mention", "update", "update"]
    assert all(n["status"]["id"] == sid for n in notes)
    bob_notes = (await api.get("/api/v1/notifications", bob)).json()
    assert [n["type"] for n in bob_notes] == ["mention"]  # from the first version only


async def test_only_the_author_edits_and_bad_input_changes_nothing(
    api: Api, alice: str, bob: str
) -> None:
    status = await api.post_status(alice, "mine")
    sid = status["id"]
    assert (await put(api, bob, sid, status="theirs")).status_code == 404
    private = await api.post_status(alice, "private", visibility="private")
    assert (await put(api, bob, private["id"], status="x")).status_code == 404
    reblog = (await api.post(f"/api/v1/statuses/{sid}/reblog", bob)).json()
    assert (await put(api, bob, reblog["id"], status="x")).status_code == 404
    assert (await put(api, alice, "999", status="x")).status_code == 404
    cases = [
        ({"status": ""}, "Text can't be blank"),
        ({"status": "x" * 501}, "character limit"),
        ({"status": "x", "language": "<b>"}, "Language"),
        ({"status": "x", "media_ids": ["123"]}, "not found"),
        (
            {"status": "x", "poll": {"options": ["a"], "expires_in": 600}},
            "at least 2",
        ),
    ]
    for body, message in cases:
        r = await put(api, alice, sid, **body)
        assert r.status_code == 422 and message in r.json()["error"], (body, r.text)
    now = (await api.get(f"/api/v1/statuses/{sid}")).json()
    assert now["content"] == "<p>mine</p>" and now["edited_at"] is None
    assert len((await api.get(f"/api/v1/statuses/{sid}/history")).json()) == 1
    assert (await api.request("PUT", f"/api/v1/statuses/{sid}", json={})).status_code == 401


async def test_edit_media_alt_text_and_poll(api: Api, alice: str, bob: str) -> None:
    first, second = await upload(api, alice), await upload(api, alice)
    status = await api.post_status(alice, "pics", media_ids=[first])
    sid = status["id"]
    r = await put(
        api,
        alice,
        sid,
        status="pics",
        media_ids=[second, first],
        media_attributes=[{"id": first, "description": "now described", "focus": "0.1,0.2"}],
    )
    assert r.status_code == 200, r.text
    media = r.json()["media_attachments"]
    assert [m["id"] for m in media] == [second, first]
    assert media[1]["description"] == "now described"
    assert media[1]["meta"]["focus"] == {"x": 0.1, "y": 0.2}
    # Dropping a picture keeps it in the history but not on the status.
    dropped = (await put(api, alice, sid, status="pics", media_ids=[second])).json()
    assert [m["id"] for m in dropped["media_attachments"]] == [second]
    history = (await api.get(f"/api/v1/statuses/{sid}/history")).json()
    assert [[m["id"] for m in h["media_attachments"]] for h in history] == [
        [first],
        [second, first],
        [second],
    ]
    bobs = await upload(api, bob)
    assert (await put(api, alice, sid, status="x", media_ids=[bobs])).status_code == 422

    # A poll: votes survive an edit that keeps the options, not one that changes them.
    polled = await api.post_status(alice, "vote", poll={"options": ["a", "b"], "expires_in": 600})
    pid = polled["poll"]["id"]
    await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["1"]})
    kept = await put(
        api, alice, polled["id"], status="vote!", poll={"options": ["a", "b"], "expires_in": 900}
    )
    assert kept.json()["poll"]["votes_count"] == 1
    changed = await put(
        api,
        alice,
        polled["id"],
        status="vote!",
        poll={"options": ["a", "c", "d"], "expires_in": 900},
    )
    poll = changed.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["a", "c", "d"] and poll["votes_count"] == 0
    history = (await api.get(f"/api/v1/statuses/{polled['id']}/history")).json()
    assert [[o["title"] for o in h["poll"]["options"]] for h in history] == [
        ["a", "b"],
        ["a", "b"],
        ["a", "c", "d"],
    ]
    removed = await put(api, alice, polled["id"], status="no poll now")
    assert removed.json()["poll"] is None
    both = await put(
        api,
        alice,
        polled["id"],
        status="x",
        media_ids=[second],
        poll={"options": ["a", "b"], "expires_in": 600},
    )
    assert both.status_code == 422
