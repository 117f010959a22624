"""Registration, credentials, profiles, lookups, follows and follow requests."""

from __future__ import annotations

from typing import Any

import pytest

from gazouille.config import Registrations
from tests.conftest import Api


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alice"}, "username"),  # taken (alice registered by the fixture)
        ({"username": "ALICE"}, "username"),  # taken, whatever the case
        ({"username": "bad name!"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "alice@example.com"}, "email"),
        ({"password": "short"}, "password"),
        ({"agreement": False}, "agreement"),
    ],
)
async def test_registration_validation(
    api: Api, alice: str, body: dict[str, Any], field: str
) -> None:
    payload = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "long enough",
        "agreement": True,
        **body,
    }
    r = await api.post("/api/v1/accounts", await api.app_token(), json=payload)
    assert r.status_code == 422, r.text
    assert r.json()["error"].startswith("Validation failed")
    assert field in r.json()["details"]


async def test_registration_needs_an_app_token(api: Api) -> None:
    r = await api.post(
        "/api/v1/accounts",
        json={"username": "x", "email": "x@example.com", "password": "long enough"},
    )
    assert r.status_code == 401


async def test_registration_modes(api: Api, app: Any) -> None:
    settings = app.state.gazouille.settings
    settings.registrations = Registrations.CLOSED
    r = await api.post(
        "/api/v1/accounts",
        await api.app_token(),
        json={
            "username": "late",
            "email": "late@example.com",
            "password": "long enough",
            "agreement": True,
        },
    )
    assert r.status_code == 403
    settings.registrations = Registrations.APPROVAL
    r = await api.post(
        "/api/v1/accounts",
        await api.app_token(),
        json={
            "username": "late",
            "email": "late@example.com",
            "password": "long enough",
            "agreement": True,
        },
    )
    assert r.status_code == 422 and "reason" in r.json()["details"]
    token = await api.register("patient", reason="I run the local rugby club")
    r = await api.get("/api/v1/accounts/verify_credentials", token)
    assert r.status_code == 403 and "pending approval" in r.json()["error"]


async def test_credentials_and_profile_update(api: Api, alice: str, bob: str) -> None:
    me = await api.me(alice)
    assert me["source"]["privacy"] == "public" and me["role"]["permissions"] == "65536"
    assert me["avatar"].endswith("/avatars/original/missing.png")
    r = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        data={
            "display_name": "Alice <b>A</b>",
            "note": "Hi @bob, see https://example.com #rugby",
            "locked": "true",
            "source[privacy]": "unlisted",
            "source[language]": "fr",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://alice.example",
            "fields_attributes[1][name]": "Ville",
            "fields_attributes[1][value]": "Lyon",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Alice <b>A</b>"  # plain text; clients escape it
    assert body["locked"] is True
    assert 'class="u-url mention"' in body["note"] and "#<span>rugby</span>" in body["note"]
    assert body["source"]["note"] == "Hi @bob, see https://example.com #rugby"
    assert body["source"]["privacy"] == "unlisted" and body["source"]["language"] == "fr"
    assert [f["name"] for f in body["fields"]] == ["Site", "Ville"]
    assert 'href="https://alice.example"' in body["fields"][0]["value"]
    assert body["source"]["fields"][0]["value"] == "https://alice.example"
    # The default visibility is used for new posts.
    status = await api.post_status(alice, "default visibility")
    assert status["visibility"] == "unlisted"
    too_long = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"display_name": "x" * 31}
    )
    assert too_long.status_code == 422


async def test_lookup_and_get(api: Api, alice: str) -> None:
    me = await api.me(alice)
    for acct in ("alice", "@alice", "Alice", "alice@localhost:3000"):
        r = await api.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert r.status_code == 200 and r.json()["id"] == me["id"], acct
    assert (await api.get("/api/v1/accounts/lookup", params={"acct": "nobody"})).status_code == 404
    r = await api.get(f"/api/v1/accounts/{me['id']}")
    assert r.json()["acct"] == "alice" and r.json()["url"] == "http://localhost:3000/@alice"
    assert "source" not in r.json()
    assert (await api.get("/api/v1/accounts/12345")).status_code == 404
    assert (await api.get("/api/v1/accounts/not-an-id")).status_code == 404


async def test_follow_unfollow_and_counts(api: Api, alice: str, bob: str, run_jobs: Any) -> None:
    a, b = await api.me(alice), await api.me(bob)
    rel = await api.follow(alice, b["id"])
    assert rel["following"] is True and rel["showing_reblogs"] is True and rel["requested"] is False
    assert (await api.follow(alice, b["id"]))["following"] is True  # idempotent
    rels = (
        await api.get("/api/v1/accounts/relationships", bob, params={"id[]": [a["id"], "999"]})
    ).json()
    assert [r["id"] for r in rels] == [a["id"]] and rels[0]["followed_by"] is True
    assert (await api.me(alice))["following_count"] == 1
    assert (await api.me(bob))["followers_count"] == 1
    followers = await api.get(f"/api/v1/accounts/{b['id']}/followers")
    assert [x["id"] for x in followers.json()] == [a["id"]]
    assert 'rel="next"' in followers.headers["link"]
    following = await api.get(f"/api/v1/accounts/{a['id']}/following")
    assert [x["id"] for x in following.json()] == [b["id"]]
    rel = (await api.post(f"/api/v1/accounts/{b['id']}/unfollow", alice)).json()
    assert rel["following"] is False
    assert (await api.me(bob))["followers_count"] == 0
    assert (
        await api.post(f"/api/v1/accounts/{a['id']}/follow", alice)
    ).status_code == 403  # oneself


async def test_locked_account_follow_requests(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    await api.request("PATCH", "/api/v1/accounts/update_credentials", bob, json={"locked": True})
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    rel = await api.follow(alice, b["id"])
    assert rel["following"] is False and rel["requested"] is True
    await api.follow(carol, b["id"])
    await run_jobs()
    requests = (await api.get("/api/v1/follow_requests", bob)).json()
    assert {x["id"] for x in requests} == {a["id"], c["id"]}
    notes = (await api.get("/api/v1/notifications", bob)).json()
    assert {n["type"] for n in notes} == {"follow_request"}
    assert (await api.me(bob))["source"]["follow_requests_count"] == 2
    r = await api.post(f"/api/v1/follow_requests/{a['id']}/authorize", bob)
    assert r.status_code == 200 and r.json()["followed_by"] is True
    r = await api.post(f"/api/v1/follow_requests/{c['id']}/reject", bob)
    assert r.status_code == 200 and r.json()["followed_by"] is False
    assert (await api.post(f"/api/v1/follow_requests/{c['id']}/reject", bob)).status_code == 404
    assert (await api.me(bob))["followers_count"] == 1
    # Alice, now a follower, sees Bob's followers-only posts.
    status = await api.post_status(bob, "for my followers", visibility="private")
    assert (await api.get(f"/api/v1/statuses/{status['id']}", alice)).status_code == 200
    assert (await api.get(f"/api/v1/statuses/{status['id']}", carol)).status_code == 404


async def test_account_statuses_filters(api: Api, alice: str, bob: str) -> None:
    a = await api.me(alice)
    first = await api.post_status(alice, "first")
    await api.post_status(alice, "self reply", in_reply_to_id=first["id"])
    other = await api.post_status(bob, "bob's")
    await api.post_status(alice, "reply to bob", in_reply_to_id=other["id"])
    await api.post(f"/api/v1/statuses/{other['id']}/reblog", alice)
    path = f"/api/v1/accounts/{a['id']}/statuses"
    everything = (await api.get(path)).json()
    assert len(everything) == 4
    no_replies = (await api.get(path, params={"exclude_replies": "true"})).json()
    assert [s["content"] for s in no_replies if not s["reblog"]] == [
        "<p>self reply</p>",
        "<p>first</p>",
    ]
    no_reblogs = (await api.get(path, params={"exclude_reblogs": "1"})).json()
    assert all(s["reblog"] is None for s in no_reblogs) and len(no_reblogs) == 3
    assert (await api.get(path, params={"pinned": "true"})).json() == []
    page = await api.get(path, params={"limit": 2})
    assert len(page.json()) == 2
    assert "max_id=" in page.headers["link"] and "limit=2" in page.headers["link"]
