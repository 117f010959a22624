"""Polls: creation limits, voting rules, hidden totals, who may see a poll, and the end of
a poll (notifications to voters and author)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gazouille.core import clock
from tests.api.test_contract import check
from tests.conftest import Api

Shift = Callable[[timedelta], None]


@pytest.fixture
def shift_clock() -> Iterator[Shift]:
    """Move the clock forward by a given amount (jobs due then run with run_jobs)."""
    offset = [timedelta()]
    clock.set_clock(lambda: datetime.now(UTC) + offset[0])

    def shift(delta: timedelta) -> None:
        offset[0] += delta

    yield shift
    clock.set_clock(None)


def poll_spec(options: list[str], expires_in: Any = 600, **extra: Any) -> dict[str, Any]:
    return {"options": options, "expires_in": expires_in, **extra}


def poll_body(options: list[str], expires_in: Any = 600, **extra: Any) -> dict[str, Any]:
    return {"status": "Which one?", "poll": poll_spec(options, expires_in, **extra)}


async def test_create_and_vote(api: Api, alice: str, bob: str, carol: str) -> None:
    status = await api.post_status(alice, "Which one?", poll=poll_spec(["tea", "coffee"]))
    check("Status", status)
    poll = status["poll"]
    check("Poll", poll)
    assert [o["title"] for o in poll["options"]] == ["tea", "coffee"]
    assert poll["expired"] is False and poll["multiple"] is False and poll["votes_count"] == 0
    expires = datetime.fromisoformat(poll["expires_at"].replace("Z", "+00:00"))
    assert abs((expires - datetime.now(UTC)).total_seconds() - 600) < 60
    assert poll["voted"] is True and poll["own_votes"] == []  # the author counts as voted
    pid = poll["id"]

    voted = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["1"]})
    assert voted.status_code == 200, voted.text
    check("Poll", voted.json())
    assert voted.json()["voted"] is True and voted.json()["own_votes"] == [1]
    assert [o["votes_count"] for o in voted.json()["options"]] == [0, 1]
    for body, message in [
        ({"choices": ["0"]}, "already voted"),
    ]:
        r = await api.post(f"/api/v1/polls/{pid}/votes", bob, json=body)
        assert r.status_code == 422 and message in r.json()["error"]
    for body, message in [
        ({"choices": ["2"]}, "The chosen vote option does not exist"),
        ({"choices": ["-1"]}, "The chosen vote option does not exist"),
        ({"choices": ["x"]}, "The chosen vote option does not exist"),
        ({"choices": []}, "Choices can't be blank"),
        ({}, "Choices can't be blank"),
        ({"choices": ["0", "1"]}, "already voted"),  # Mastodon's wording
    ]:
        r = await api.post(f"/api/v1/polls/{pid}/votes", carol, json=body)
        assert r.status_code == 422 and message in r.json()["error"], (body, r.text)
    own = await api.post(f"/api/v1/polls/{pid}/votes", alice, json={"choices": ["0"]})
    assert own.status_code == 422 and "own poll" in own.json()["error"]
    # Form encoding, as Mastodon.py sends it.
    form = await api.post(f"/api/v1/polls/{pid}/votes", carol, data={"choices[]": ["0"]})
    assert form.status_code == 200 and form.json()["votes_count"] == 2
    assert form.json()["voters_count"] == 2
    anonymous = (await api.get(f"/api/v1/polls/{pid}")).json()
    assert anonymous["voted"] is None and anonymous["own_votes"] is None
    seen = (await api.get(f"/api/v1/statuses/{status['id']}", carol)).json()["poll"]
    assert seen["own_votes"] == [0] and seen["voted"] is True
    assert (await api.get("/api/v1/polls/99999")).status_code == 404
    assert (await api.get("/api/v1/polls/abc")).status_code == 404


async def test_multiple_choice_and_hidden_totals(api: Api, alice: str, bob: str) -> None:
    status = await api.post_status(
        alice,
        "Which one?",
        poll=poll_spec(["a", "b", "c", "d"], 3600, multiple=True, hide_totals=True),
    )
    pid = status["poll"]["id"]
    r = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["0", "2"]})
    assert r.status_code == 200
    poll = r.json()
    assert poll["own_votes"] == [0, 2] and poll["votes_count"] == 2 and poll["voters_count"] == 1
    assert [o["votes_count"] for o in poll["options"]] == [None] * 4  # hidden until the end
    more = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["3"]})
    assert more.status_code == 200 and more.json()["own_votes"] == [0, 2, 3]
    same = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["3"]})
    assert same.status_code == 422


async def test_poll_validation_writes_nothing(api: Api, alice: str) -> None:
    cases = [
        (poll_body(["only one"]), "at least 2"),
        (poll_body(["a", "b", "c", "d", "e"]), "more than 4"),
        (poll_body(["a", "x" * 51]), "longer than 50"),
        (poll_body(["a", ""]), "blank"),
        (poll_body(["a", "a"]), "duplicate"),
        (poll_body(["a", "b"], 299), "too short"),
        (poll_body(["a", "b"], 2_629_747), "too long"),
        (poll_body(["a", "b"], "soon"), "number of seconds"),
        ({"status": "", "poll": {"options": ["a", "b"], "expires_in": 600}}, "Text can't be blank"),
    ]
    for body, message in cases:
        r = await api.post("/api/v1/statuses", alice, json=body)
        assert r.status_code == 422, (body, r.text)
        assert message in r.json()["error"], (message, r.text)
    assert (await api.me(alice))["statuses_count"] == 0
    form = await api.post(
        "/api/v1/statuses",
        alice,
        data={"status": "form", "poll[options][]": ["x", "y"], "poll[expires_in]": "300"},
    )
    assert form.status_code == 200 and len(form.json()["poll"]["options"]) == 2


async def test_poll_of_a_hidden_status_is_hidden(api: Api, alice: str, bob: str) -> None:
    status = await api.post_status(
        alice, "Which one?", visibility="private", poll=poll_spec(["a", "b"])
    )
    pid = status["poll"]["id"]
    assert (await api.get(f"/api/v1/polls/{pid}", bob)).status_code == 404
    assert (await api.get(f"/api/v1/polls/{pid}")).status_code == 404
    vote = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["0"]})
    assert vote.status_code == 404
    await api.follow(bob, (await api.me(alice))["id"])
    assert (await api.get(f"/api/v1/polls/{pid}", bob)).status_code == 200
    assert (
        await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["0"]})
    ).status_code == 200


async def test_poll_end_notifies_voters_and_author(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any, shift_clock: Shift
) -> None:
    status = await api.post_status(
        alice, "Which one?", poll=poll_spec(["yes", "no"], 300, hide_totals=True)
    )
    pid = status["poll"]["id"]
    await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["0"]})
    await run_jobs()
    assert (await api.get("/api/v1/notifications", bob)).json() == []
    shift_clock(timedelta(minutes=6))
    await run_jobs()
    late = await api.post(f"/api/v1/polls/{pid}/votes", carol, json={"choices": ["1"]})
    assert late.status_code == 422
    assert late.json()["error"] == "Validation failed: The poll has already ended"
    ended = (await api.get(f"/api/v1/polls/{pid}", carol)).json()
    assert ended["expired"] is True
    assert [o["votes_count"] for o in ended["options"]] == [1, 0]  # totals shown at the end
    for token in (bob, alice):
        notes = (await api.get("/api/v1/notifications", token)).json()
        assert [(n["type"], n["status"]["id"]) for n in notes] == [("poll", status["id"])]
        check("Notification", notes[0])
    assert (await api.get("/api/v1/notifications", carol)).json() == []
    await run_jobs()
    assert len((await api.get("/api/v1/notifications", bob)).json()) == 1
