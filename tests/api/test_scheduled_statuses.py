"""Scheduled statuses: validation ("Record invalid"), limits, the ScheduledStatus entity,
listing with Link headers, moving and cancelling, and publication by the job (once)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from gazouille.core.clock import iso
from tests.api import media_files
from tests.api.test_contract import check
from tests.api.test_polls import Shift, shift_clock
from tests.conftest import Api

__all__ = ["shift_clock"]


def at(minutes: float) -> str:
    return iso(datetime.now(UTC) + timedelta(minutes=minutes)) or ""


async def schedule(api: Api, token: str, text: str, minutes: float, **extra: Any) -> Any:
    return await api.post(
        "/api/v1/statuses", token, json={"status": text, "scheduled_at": at(minutes), **extra}
    )


async def test_schedule_and_publish_once(
    api: Api, alice: str, bob: str, run_jobs: Any, shift_clock: Shift
) -> None:
    a = await api.me(alice)
    await api.follow(bob, a["id"])
    parent = await api.post_status(bob, "parent")
    image = (
        await api.post(
            "/api/v2/media", alice, files={"file": ("p.png", media_files.png(), "image/png")}
        )
    ).json()
    r = await schedule(
        api,
        alice,
        "later @bob #scheduled",
        10,
        visibility="unlisted",
        spoiler_text="cw",
        language="fr",
        in_reply_to_id=parent["id"],
        media_ids=[image["id"]],
    )
    assert r.status_code == 200, r.text
    item = r.json()
    check("ScheduledStatus", item)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["scheduled_at"])
    datetime.strptime(item["scheduled_at"], "%Y-%m-%dT%H:%M:%S.%fZ")  # as toot parses it
    params = item["params"]
    assert params["text"] == "later @bob #scheduled" and params["visibility"] == "unlisted"
    assert params["spoiler_text"] == "cw" and params["language"] == "fr"
    assert params["in_reply_to_id"] == int(parent["id"]) and params["media_ids"] == [image["id"]]
    assert params["scheduled_at"] is None and params["poll"] is None
    assert [m["id"] for m in item["media_attachments"]] == [image["id"]]
    assert (await api.me(alice))["statuses_count"] == 0

    await run_jobs()  # not due yet
    assert (await api.me(alice))["statuses_count"] == 0
    shift_clock(timedelta(minutes=11))
    await run_jobs()
    posted = (await api.get(f"/api/v1/accounts/{a['id']}/statuses", alice)).json()
    assert len(posted) == 1
    status = posted[0]
    assert status["spoiler_text"] == "cw" and status["visibility"] == "unlisted"
    assert status["in_reply_to_id"] == parent["id"] and status["language"] == "fr"
    assert [m["id"] for m in status["media_attachments"]] == [image["id"]]
    assert status["application"]["name"] == "tests"
    assert (await api.get(f"/api/v1/scheduled_statuses/{item['id']}", alice)).status_code == 404
    assert (await api.get("/api/v1/scheduled_statuses", alice)).json() == []
    notes = (await api.get("/api/v1/notifications", bob)).json()
    assert [n["type"] for n in notes] == ["mention"]
    # A second run of the same job posts nothing more.
    await run_jobs()
    assert (await api.me(alice))["statuses_count"] == 1


async def test_invalid_times_and_bodies(api: Api, alice: str, bob: str) -> None:
    for value in ["tomorrow", "2020-01-01T00:00:00Z", at(2), ""]:
        r = await api.post("/api/v1/statuses", alice, json={"status": "x", "scheduled_at": value})
        assert r.status_code == 422, (value, r.text)
        assert r.json()["error"] == "Record invalid"
    blank = await schedule(api, alice, "", 10)
    assert blank.status_code == 422 and "Text can't be blank" in blank.json()["error"]
    hidden = await api.post_status(bob, "secret", visibility="direct")
    reply = await schedule(api, alice, "re", 10, in_reply_to_id=hidden["id"])
    assert reply.status_code == 404
    poll = await schedule(api, alice, "q", 10, poll={"options": ["a"], "expires_in": 600})
    assert poll.status_code == 422
    assert (await api.get("/api/v1/scheduled_statuses", alice)).json() == []
    assert (await api.get("/api/v1/scheduled_statuses")).status_code == 401


async def test_list_move_cancel_and_privacy(
    api: Api, alice: str, bob: str, run_jobs: Any, shift_clock: Shift
) -> None:
    ids = []
    for n in range(3):
        r = await schedule(
            api, alice, f"post {n}", 20 + n, poll={"options": ["a", "b"], "expires_in": 3600}
        )
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    assert r.json()["params"]["poll"] == {
        "options": ["a", "b"],
        "expires_in": 3600,
        "multiple": False,
        "hide_totals": False,
    }
    page = await api.get("/api/v1/scheduled_statuses", alice, params={"limit": 2})
    assert [s["id"] for s in page.json()] == [ids[2], ids[1]]
    link = re.search(r'<([^>]+)>; rel="next"', page.headers["link"])
    assert link is not None
    rest = await api.get(link.group(1).replace("http://localhost:3000", ""), alice)
    assert [s["id"] for s in rest.json()] == [ids[0]]
    assert (await api.get(f"/api/v1/scheduled_statuses/{ids[0]}", bob)).status_code == 404
    assert (await api.get("/api/v1/scheduled_statuses", bob)).json() == []
    other = await api.request("DELETE", f"/api/v1/scheduled_statuses/{ids[0]}", bob)
    assert other.status_code == 404

    # Move the first one later, and the second earlier; cancel the third.
    moved = await api.request(
        "PUT", f"/api/v1/scheduled_statuses/{ids[0]}", alice, json={"scheduled_at": at(120)}
    )
    assert moved.status_code == 200
    check("ScheduledStatus", moved.json())
    too_soon = await api.request(
        "PUT", f"/api/v1/scheduled_statuses/{ids[1]}", alice, json={"scheduled_at": at(1)}
    )
    assert too_soon.status_code == 422
    earlier = await api.request(
        "PUT", f"/api/v1/scheduled_statuses/{ids[1]}", alice, json={"scheduled_at": at(6)}
    )
    assert earlier.status_code == 200
    gone = await api.request("DELETE", f"/api/v1/scheduled_statuses/{ids[2]}", alice)
    assert gone.status_code == 200 and gone.json() == {}

    shift_clock(timedelta(minutes=30))
    await run_jobs()
    texts = [s["content"] for s in (await api.get("/api/v1/timelines/home", alice)).json()]
    assert texts == ["<p>post 1</p>"]  # the first moved past now, the third cancelled
    posted = (await api.get("/api/v1/timelines/home", alice)).json()[0]
    assert posted["poll"]["options"][0]["title"] == "a"
    remaining = (await api.get("/api/v1/scheduled_statuses", alice)).json()
    assert [s["id"] for s in remaining] == [ids[0]]
    shift_clock(timedelta(minutes=100))
    await run_jobs()
    assert (await api.get("/api/v1/scheduled_statuses", alice)).json() == []
    assert (await api.me(alice))["statuses_count"] == 2


async def test_daily_limit(api: Api, alice: str) -> None:
    noon = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=0)

    async def post_at(when: datetime) -> Any:
        return await api.post(
            "/api/v1/statuses", alice, json={"status": "x", "scheduled_at": iso(when)}
        )

    for n in range(25):
        assert (await post_at(noon + timedelta(minutes=n))).status_code == 200
    over = await post_at(noon + timedelta(hours=2))
    assert over.status_code == 422 and "25 scheduled posts" in over.json()["error"]
    assert (await post_at(noon + timedelta(days=1))).status_code == 200
