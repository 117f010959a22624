"""The per-process caches of status and account JSON (api/entity_cache.py) and of mentions
and tags (domains/statuses/details_cache.py) never show anything stale: each change is
read back through the API right after the status was cached by a first read. Changes
made behind the process's back (a direct UPDATE, as another server process would) are
seen too, since the caches are keyed on the rows read with the page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from gazouille.models import Account, Status
from tests.api.test_polls import poll_spec
from tests.conftest import Api


async def _home(api: Api, token: str) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/timelines/home", token)
    assert r.status_code == 200, r.text
    return list(r.json())


async def _cached_post(api: Api, alice: str, bob: str, text: str, **extra: Any) -> str:
    """alice posts, bob follows her and reads his home timeline (caching the status)."""
    await api.follow(bob, (await api.me(alice))["id"])
    status = await api.post_status(alice, text, **extra)
    assert [s["id"] for s in await _home(api, bob)] == [status["id"]]
    return str(status["id"])


async def test_an_edit_is_seen_after_caching(api: Api, alice: str, bob: str, carol: str) -> None:
    sid = await _cached_post(api, alice, bob, "first words #before")
    r = await api.request(
        "PUT", f"/api/v1/statuses/{sid}", alice, json={"status": "second words @carol #after"}
    )
    assert r.status_code == 200, r.text
    (seen,) = await _home(api, bob)
    assert "second words" in seen["content"] and "first words" not in seen["content"]
    assert [t["name"] for t in seen["tags"]] == ["after"]
    assert [m["acct"] for m in seen["mentions"]] == ["carol"]
    assert seen["edited_at"] is not None
    assert seen == (await api.get(f"/api/v1/statuses/{sid}", bob)).json()


async def test_a_delete_is_seen_after_caching(api: Api, alice: str, bob: str) -> None:
    sid = await _cached_post(api, alice, bob, "soon gone")
    assert (await api.request("DELETE", f"/api/v1/statuses/{sid}", alice)).status_code == 200
    assert await _home(api, bob) == []
    assert (await api.get(f"/api/v1/statuses/{sid}", bob)).status_code == 404


async def test_counts_and_flags_are_fresh(api: Api, alice: str, bob: str, carol: str) -> None:
    sid = await _cached_post(api, alice, bob, "count me")
    await api.post(f"/api/v1/statuses/{sid}/favourite", carol)
    (seen,) = await _home(api, bob)
    assert seen["favourites_count"] == 1 and seen["favourited"] is False
    await api.post(f"/api/v1/statuses/{sid}/favourite", bob)
    await api.post(f"/api/v1/statuses/{sid}/bookmark", bob)
    (seen,) = await _home(api, bob)
    assert seen["favourites_count"] == 2 and seen["favourited"] is True
    assert seen["bookmarked"] is True
    await api.post(f"/api/v1/statuses/{sid}/unfavourite", carol)
    (seen,) = await _home(api, bob)
    assert seen["favourites_count"] == 1
    # Another viewer of the same cached status gets their own flags.
    (own,) = [s for s in await _home(api, alice) if s["id"] == sid]
    assert own["favourited"] is False and own["bookmarked"] is False and own["pinned"] is False


async def test_a_profile_change_is_seen_after_caching(api: Api, alice: str, bob: str) -> None:
    await _cached_post(api, alice, bob, "who am I")
    r = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        json={
            "display_name": "Alice L.",
            "note": "New bio",
            "fields_attributes": {"0": {"name": "site", "value": "https://example.com"}},
        },
    )
    assert r.status_code == 200, r.text
    (seen,) = await _home(api, bob)
    assert seen["account"]["display_name"] == "Alice L."
    assert "New bio" in seen["account"]["note"]
    assert [f["name"] for f in seen["account"]["fields"]] == ["site"]
    assert seen["account"]["statuses_count"] == 1


async def test_a_poll_vote_is_seen_after_caching(api: Api, alice: str, bob: str) -> None:
    sid = await _cached_post(api, alice, bob, "Which one?", poll=poll_spec(["tea", "coffee"]))
    (seen,) = await _home(api, bob)
    pid = seen["poll"]["id"]
    assert seen["poll"]["voted"] is False and seen["poll"]["votes_count"] == 0
    r = await api.post(f"/api/v1/polls/{pid}/votes", bob, json={"choices": ["1"]})
    assert r.status_code == 200, r.text
    (seen,) = await _home(api, bob)
    assert seen["id"] == sid
    assert seen["poll"]["votes_count"] == 1 and seen["poll"]["own_votes"] == [1]


async def test_writes_from_another_process_are_seen(
    api: Api, db: Any, alice: str, bob: str
) -> None:
    """Rows changed without this process's services (no updated_at bump, no edit date):
    the caches compare what they were made from with the rows of the request."""
    sid = await _cached_post(api, alice, bob, "original text")
    alice_id = int((await api.me(alice))["id"])
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == int(sid))
            .values(content="<p>rewritten elsewhere</p>", reblogs_count=7)
        )
        await session.execute(
            update(Account).where(Account.id == alice_id).values(display_name="Elsewhere")
        )
    (seen,) = await _home(api, bob)
    assert seen["content"] == "<p>rewritten elsewhere</p>" and seen["reblogs_count"] == 7
    assert seen["account"]["display_name"] == "Elsewhere"


async def test_a_cached_page_skips_the_mentions_and_tags_queries(
    api: Api, db: Any, alice: str, bob: str, carol: str
) -> None:
    await _cached_post(api, alice, bob, "hello @carol #cached")
    db.query_counter = []
    try:
        (seen,) = await _home(api, bob)
        statements = [s.lower() for s in db.query_counter]
    finally:
        db.query_counter = None
    assert [m["acct"] for m in seen["mentions"]] == ["carol"]
    assert [t["name"] for t in seen["tags"]] == ["cached"]
    detail_queries = ("select mentions.status_id", "select status_tags.status_id")
    assert not [s for s in statements if s.startswith(detail_queries)]
    assert len(statements) <= 6  # BEGIN, token, feed (+ kinds), rule check, accounts, flags
