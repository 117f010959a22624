"""Direct conversations: filed by a job after a direct status, per participant, with the
unread flag, pagination by last status, and privacy."""

from __future__ import annotations

from typing import Any

from tests.api.test_contract import check
from tests.conftest import Api


async def _conversations(api: Api, token: str, **params: Any) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/conversations", token, params=params)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_direct_messages_make_conversations(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    first = await api.post_status(alice, "@bob psst", visibility="direct")
    assert await _conversations(api, bob) == []  # not before the job ran
    await run_jobs()
    (mine,) = await _conversations(api, alice)
    (theirs,) = await _conversations(api, bob)
    for conversation in (mine, theirs):
        check("Conversation", conversation)
        assert conversation["last_status"]["id"] == first["id"]
    assert [x["id"] for x in mine["accounts"]] == [b["id"]] and mine["unread"] is False
    assert [x["id"] for x in theirs["accounts"]] == [a["id"]] and theirs["unread"] is True
    assert await _conversations(api, carol) == []
    # A reply moves the conversation on, and makes it unread for the other side.
    reply = await api.post_status(
        bob, "@alice yes?", visibility="direct", in_reply_to_id=first["id"]
    )
    await run_jobs()
    (mine,) = await _conversations(api, alice)
    (theirs,) = await _conversations(api, bob)
    assert mine["id"] != theirs["id"]
    assert mine["last_status"]["id"] == reply["id"] and mine["unread"] is True
    assert theirs["unread"] is False
    r = await api.post(f"/api/v1/conversations/{mine['id']}/read", alice)
    assert r.status_code == 200 and r.json()["unread"] is False
    check("Conversation", r.json())
    assert (await _conversations(api, alice))[0]["unread"] is False
    # Running the jobs again changes nothing; public posts make no conversation.
    await api.post_status(alice, "@bob in public")
    assert await run_jobs() >= 0
    assert len(await _conversations(api, alice)) == 1
    assert (await _conversations(api, alice))[0]["unread"] is False


async def test_conversations_are_private_and_deletable(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    await api.post_status(alice, "@bob hi", visibility="direct")
    await run_jobs()
    (mine,) = await _conversations(api, alice)
    for method, path in (
        ("POST", f"/api/v1/conversations/{mine['id']}/read"),
        ("DELETE", f"/api/v1/conversations/{mine['id']}"),
    ):
        r = await api.request(method, path, bob)
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    assert (await api.request("DELETE", "/api/v1/conversations/abc", alice)).status_code == 404
    assert (await api.get("/api/v1/conversations")).status_code == 401
    r = await api.request("DELETE", f"/api/v1/conversations/{mine['id']}", alice)
    assert (r.status_code, r.json()) == (200, {})
    assert await _conversations(api, alice) == []
    assert len(await _conversations(api, bob)) == 1


async def test_pagination_and_self_conversations(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    posted = []
    for n in range(3):
        posted.append(await api.post_status(alice, f"@bob note {n}", visibility="direct"))
    note_to_self = await api.post_status(alice, "just me", visibility="direct")
    await run_jobs()
    page = await api.get("/api/v1/conversations", alice, params={"limit": 2})
    assert [c["last_status"]["id"] for c in page.json()] == [note_to_self["id"], posted[2]["id"]]
    me = await api.me(alice)
    assert [x["id"] for x in page.json()[0]["accounts"]] == [me["id"]]  # alone: oneself
    assert f"max_id={posted[2]['id']}" in page.headers["link"]
    rest = await api.get("/api/v1/conversations", alice, params={"max_id": posted[2]["id"]})
    assert [c["last_status"]["id"] for c in rest.json()] == [posted[1]["id"], posted[0]["id"]]


async def test_blocked_senders_start_no_conversation(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    b = await api.me(bob)
    await api.post(f"/api/v1/accounts/{b['id']}/mute", alice)
    await api.post_status(bob, "@alice listen", visibility="direct")
    await run_jobs()
    assert await _conversations(api, alice) == []
    assert len(await _conversations(api, bob)) == 1


async def test_deleting_the_last_status_falls_back(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    first = await api.post_status(alice, "@bob one", visibility="direct")
    second = await api.post_status(
        bob, "@alice two", visibility="direct", in_reply_to_id=first["id"]
    )
    await run_jobs()
    assert (await _conversations(api, alice))[0]["last_status"]["id"] == second["id"]
    assert (await api.request("DELETE", f"/api/v1/statuses/{second['id']}", bob)).status_code == 200
    for token in (alice, bob):
        (conversation,) = await _conversations(api, token)
        assert conversation["last_status"]["id"] == first["id"]
    await api.request("DELETE", f"/api/v1/statuses/{first['id']}", alice)
    assert await _conversations(api, alice) == []
    assert await _conversations(api, bob) == []
