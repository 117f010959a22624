"""Notifications: created by jobs after commit, filtered, dismissed, private to their owner."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


async def test_notification_types_and_filters(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    status = await api.post_status(alice, "hello")
    await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
    await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)
    await api.post_status(bob, "@alice hi")
    assert (await api.get("/api/v1/notifications", alice)).json() == []  # not before the jobs ran
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", alice)).json()
    assert [n["type"] for n in notes] == ["mention", "reblog", "favourite", "follow"]
    assert all(n["account"]["id"] == b["id"] for n in notes)
    assert "status" not in notes[3] and notes[2]["status"]["id"] == status["id"]
    assert notes[0]["group_key"].startswith("ungrouped-")
    only = (
        await api.get("/api/v1/notifications", alice, params={"types[]": ["follow", "mention"]})
    ).json()
    assert [n["type"] for n in only] == ["mention", "follow"]
    without = (
        await api.get("/api/v1/notifications", alice, params={"exclude_types[]": ["mention"]})
    ).json()
    assert "mention" not in [n["type"] for n in without]
    by_account = await api.get("/api/v1/notifications", alice, params={"account_id": a["id"]})
    assert by_account.json() == []
    assert (await api.get("/api/v1/notifications/unread_count", alice)).json() == {"count": 4}
    assert (await run_jobs()) == 0  # nothing left, nothing runs twice


async def test_undone_action_notifies_nobody_and_jobs_are_idempotent(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    status = await api.post_status(alice, "hello")
    await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
    await api.post(f"/api/v1/statuses/{status['id']}/unfavourite", bob)
    await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)
    await run_jobs()
    assert [n["type"] for n in (await api.get("/api/v1/notifications", alice)).json()] == ["reblog"]
    # Unreblog and reblog again: still one notification for the same cause.
    await api.post(f"/api/v1/statuses/{status['id']}/unreblog", bob)
    await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)
    await run_jobs()
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1


async def test_get_dismiss_clear(api: Api, alice: str, bob: str, run_jobs: Any) -> None:
    await api.post_status(bob, "@alice one")
    await api.post_status(bob, "@alice two")
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", alice)).json()
    first = notes[0]["id"]
    assert (await api.get(f"/api/v1/notifications/{first}", alice)).json()["id"] == first
    assert (await api.get(f"/api/v1/notifications/{first}", bob)).status_code == 404
    assert (await api.post(f"/api/v1/notifications/{first}/dismiss", bob)).status_code == 404
    assert (await api.post(f"/api/v1/notifications/{first}/dismiss", alice)).json() == {}
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1
    assert (await api.post("/api/v1/notifications/clear", alice)).json() == {}
    assert (await api.get("/api/v1/notifications", alice)).json() == []


async def test_deleted_status_takes_its_notifications(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    mention = await api.post_status(bob, "@alice soon gone")
    await run_jobs()
    await api.request("DELETE", f"/api/v1/statuses/{mention['id']}", bob)
    assert (await api.get("/api/v1/notifications", alice)).json() == []
