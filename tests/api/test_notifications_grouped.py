"""Grouped notifications (/api/v2/notifications), the notification kinds beyond the first
slice (status, update, follow_request), unread counts against the marker, and the policy."""

from __future__ import annotations

from typing import Any

from tests.api.test_contract import check
from tests.conftest import Api


async def _busy_morning(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> dict[str, Any]:
    """bob and carol favourite alice's post, bob reblogs it, both follow her, bob mentions
    her: 6 notifications in 4 groups."""
    status = await api.post_status(alice, "hello")
    a = await api.me(alice)
    for token in (bob, carol):
        await api.post(f"/api/v1/statuses/{status['id']}/favourite", token)
    await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)
    for token in (bob, carol):
        await api.follow(token, a["id"])
    mention = await api.post_status(bob, "@alice hi")
    await run_jobs()
    return {"status": status, "mention": mention}


async def test_grouped_notifications(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    posted = await _busy_morning(api, alice, bob, carol, run_jobs)
    b, c = await api.me(bob), await api.me(carol)
    r = await api.get("/api/v2/notifications", alice)
    assert r.status_code == 200, r.text
    body = r.json()
    check("GroupedNotificationsResults", body)
    groups = body["notification_groups"]
    assert [g["type"] for g in groups] == ["mention", "follow", "reblog", "favourite"]
    mention, follow, reblog, favourite = groups
    assert mention["group_key"].startswith("ungrouped-")
    assert mention["status_id"] == posted["mention"]["id"]
    assert follow["group_key"].startswith("follow-") and "status_id" not in follow
    assert favourite["group_key"].startswith(f"favourite-{posted['status']['id']}-")
    assert (follow["notifications_count"], favourite["notifications_count"]) == (2, 2)
    assert favourite["sample_account_ids"] == [c["id"], b["id"]]  # newest first
    assert reblog["sample_account_ids"] == [b["id"]]
    assert favourite["page_min_id"] < favourite["page_max_id"]
    assert str(favourite["most_recent_notification_id"]) == favourite["page_max_id"]
    # Each account and status once.
    assert sorted(a["id"] for a in body["accounts"]) == sorted([b["id"], c["id"]])
    assert [s["id"] for s in body["statuses"]] == [posted["mention"]["id"], posted["status"]["id"]]
    assert body["partial_accounts"] is None
    # v1 shows the same group keys.
    v1 = (await api.get("/api/v1/notifications", alice)).json()
    assert {n["group_key"] for n in v1} == {g["group_key"] for g in groups}
    # Only favourites grouped: follows come one by one.
    only = (
        await api.get("/api/v2/notifications", alice, params={"grouped_types[]": "favourite"})
    ).json()
    assert [g["type"] for g in only["notification_groups"]] == [
        "mention",
        "follow",
        "follow",
        "reblog",
        "favourite",
    ]
    # Filters and partial accounts.
    partial = (
        await api.get(
            "/api/v2/notifications",
            alice,
            params={"types[]": ["favourite"], "expand_accounts": "partial_avatars"},
        )
    ).json()
    check("GroupedNotificationsResults", partial)
    assert [a["id"] for a in partial["accounts"]] == [c["id"]]
    assert [a["id"] for a in partial["partial_accounts"]] == [b["id"]]
    assert set(partial["partial_accounts"][0]) >= {"id", "acct", "avatar", "url", "bot", "locked"}
    bad = await api.get("/api/v2/notifications", alice, params={"expand_accounts": "all"})
    assert bad.status_code == 400 and "expand_accounts" in bad.json()["error"]


async def test_grouped_pagination_and_single_groups(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    await _busy_morning(api, alice, bob, carol, run_jobs)
    # Pages hold 2 groups each, cut at the oldest representative, as Mastodon does: a
    # group shows again on the next page with its older notifications.
    pages, path = [], "/api/v2/notifications?limit=2"
    while True:
        r = await api.get(path, alice)
        groups = r.json()["notification_groups"]
        if not groups:
            assert "link" not in r.headers
            break
        pages.append([g["type"] for g in groups])
        assert 'rel="prev"' in r.headers["link"]
        path = r.headers["link"].split(">;")[0].lstrip("<").replace("http://localhost:3000", "")
    assert pages == [["mention", "follow"], ["follow", "reblog"], ["favourite"], ["favourite"]]
    assert "limit=2" in path
    favourite = (await api.get("/api/v2/notifications", alice)).json()["notification_groups"][3]
    key = favourite["group_key"]
    one = await api.get(f"/api/v2/notifications/{key}", alice)
    assert one.status_code == 200
    check("GroupedNotificationsResults", one.json())
    assert one.json()["notification_groups"][0]["notifications_count"] == 2
    accounts = await api.get(f"/api/v2/notifications/{key}/accounts", alice)
    assert [a["username"] for a in accounts.json()] == ["carol", "bob"]
    # Nobody else sees or dismisses alice's groups.
    assert (await api.get(f"/api/v2/notifications/{key}", bob)).status_code == 404
    assert (await api.post(f"/api/v2/notifications/{key}/dismiss", bob)).status_code == 404
    assert (await api.get("/api/v2/notifications/ungrouped-12", alice)).status_code == 404
    assert (await api.get("/api/v2/notifications/ungrouped-x", alice)).status_code == 404
    assert (await api.get("/api/v2/notifications/nope/accounts", alice)).status_code == 404
    assert (await api.post(f"/api/v2/notifications/{key}/dismiss", alice)).json() == {}
    assert (await api.get(f"/api/v2/notifications/{key}", alice)).status_code == 404
    left = (await api.get("/api/v1/notifications", alice)).json()
    assert [n["type"] for n in left] == ["mention", "follow", "follow", "reblog"]


async def test_unread_counts_follow_the_marker(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    await _busy_morning(api, alice, bob, carol, run_jobs)
    assert (await api.get("/api/v1/notifications/unread_count", alice)).json() == {"count": 6}
    assert (await api.get("/api/v2/notifications/unread_count", alice)).json() == {"count": 4}
    limited = await api.get("/api/v1/notifications/unread_count", alice, params={"limit": 2})
    assert limited.json() == {"count": 2}
    typed = await api.get(
        "/api/v1/notifications/unread_count", alice, params={"types[]": ["favourite"]}
    )
    assert typed.json() == {"count": 2}
    newest = (await api.get("/api/v1/notifications", alice)).json()[1]["id"]
    r = await api.post("/api/v1/markers", alice, json={"notifications": {"last_read_id": newest}})
    assert r.status_code == 200, r.text
    assert (await api.get("/api/v1/notifications/unread_count", alice)).json() == {"count": 1}
    assert (await api.get("/api/v2/notifications/unread_count", alice)).json() == {"count": 1}
    assert (await api.get("/api/v1/notifications/unread_count", bob)).json() == {"count": 0}


async def test_status_update_and_follow_request_notifications(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    r = await api.post(f"/api/v1/accounts/{a['id']}/follow", bob, json={"notify": True})
    assert r.json()["notifying"] is True
    await api.follow(carol, a["id"])  # follows without asking to be notified
    post = await api.post_status(alice, "news")
    other = await api.post_status(carol, "elsewhere")
    await api.post_status(alice, "reply to carol", in_reply_to_id=other["id"])
    await api.post_status(alice, "talking to myself", in_reply_to_id=post["id"])
    await api.post(f"/api/v1/statuses/{post['id']}/reblog", bob)
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", bob, params={"types[]": "status"})).json()
    assert [n["status"]["content"] for n in notes] == [
        "<p>talking to myself</p>",
        "<p>news</p>",
    ]
    assert (
        await api.get("/api/v1/notifications", carol, params={"types[]": "status"})
    ).json() == []
    for text in ("news, edited", "news, edited twice"):
        edit = await api.request(
            "PUT", f"/api/v1/statuses/{post['id']}", alice, json={"status": text}
        )
        assert edit.status_code == 200, edit.text
        await run_jobs()
    updates = (await api.get("/api/v1/notifications", bob, params={"types[]": "update"})).json()
    assert len(updates) == 2 and updates[0]["account"]["id"] == a["id"]
    await api.request("PATCH", "/api/v1/accounts/update_credentials", bob, json={"locked": True})
    await api.follow(carol, b["id"])
    await run_jobs()
    requests = (
        await api.get("/api/v2/notifications", bob, params={"types[]": "follow_request"})
    ).json()
    assert [g["type"] for g in requests["notification_groups"]] == ["follow_request"]


async def test_notification_policy(api: Api, alice: str) -> None:
    policy = await api.get("/api/v2/notifications/policy", alice)
    assert policy.status_code == 200
    check("NotificationPolicy", policy.json())
    assert policy.json()["for_not_following"] == "accept"
    same = await api.request(
        "PATCH", "/api/v2/notifications/policy", alice, json={"for_new_accounts": "accept"}
    )
    assert same.status_code == 200 and same.json() == policy.json()
    for value, message in (
        ("filter", "can only be accept"),
        ("maybe", "is not included in the list"),
    ):
        r = await api.request(
            "PATCH", "/api/v2/notifications/policy", alice, json={"for_not_following": value}
        )
        assert r.status_code == 422 and message in r.json()["error"]
    assert (await api.get("/api/v2/notifications/policy")).status_code == 401


async def test_grouped_page_takes_a_fixed_number_of_queries(
    api: Api, db: Any, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    async def cost() -> int:
        db.query_counter = []
        try:
            r = await api.get("/api/v2/notifications", alice)
            assert r.status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    await _busy_morning(api, alice, bob, carol, run_jobs)
    few = await cost()
    for n in range(4):
        status = await api.post_status(alice, f"more {n}")
        await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
        await api.post_status(carol, f"@alice again {n}")
    await run_jobs()
    assert len((await api.get("/api/v2/notifications", alice)).json()["notification_groups"]) == 12
    assert await cost() == few
