"""Private notes, endorsements, familiar followers, removing a follower, account search,
preferences and announcements; the Relationship entity in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from tests.api.test_contract import check
from tests.conftest import Api


async def _rel(api: Api, token: str, account_id: str) -> dict[str, Any]:
    r = await api.get("/api/v1/accounts/relationships", token, params={"id[]": account_id})
    return dict(r.json()[0])


async def test_private_notes(api: Api, alice: str, bob: str) -> None:
    a, b = await api.me(alice), await api.me(bob)
    r = await api.post(f"/api/v1/accounts/{b['id']}/note", alice, json={"comment": "met at FOSDEM"})
    assert r.status_code == 200
    check("Relationship", r.json())
    assert r.json()["note"] == "met at FOSDEM"
    assert (await _rel(api, bob, a["id"]))["note"] == ""  # only its writer sees it
    await api.post(f"/api/v1/accounts/{b['id']}/note", alice, data={"comment": "changed"})
    assert (await _rel(api, alice, b["id"]))["note"] == "changed"
    r = await api.post(f"/api/v1/accounts/{b['id']}/note", alice, json={"comment": "x" * 2001})
    assert (r.status_code, r.json()["error"]) == (
        422,
        "Validation failed: Comment is too long (maximum is 2000 characters)",
    )
    assert (await _rel(api, alice, b["id"]))["note"] == "changed"
    r = await api.post(f"/api/v1/accounts/{b['id']}/note", alice, json={"comment": ""})
    assert r.json()["note"] == ""
    assert (await api.post("/api/v1/accounts/99999/note", alice)).status_code == 404


async def test_endorsements(api: Api, alice: str, bob: str, carol: str) -> None:
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    r = await api.post(f"/api/v1/accounts/{b['id']}/endorse", alice)
    assert (r.status_code, r.json()["error"]) == (
        422,
        "Validation failed: You must be already following the person you want to endorse",
    )
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])
    assert (await api.post(f"/api/v1/accounts/{b['id']}/endorse", alice)).json()["endorsed"]
    assert (await api.post(f"/api/v1/accounts/{c['id']}/pin", alice)).json()["endorsed"]
    assert (await api.post(f"/api/v1/accounts/{c['id']}/pin", alice)).status_code == 200
    mine = await api.get("/api/v1/endorsements", alice, params={"limit": 1})
    assert [x["id"] for x in mine.json()] == [c["id"]]
    assert 'rel="next"' in mine.headers["link"]
    public = await api.get(f"/api/v1/accounts/{a['id']}/endorsements")
    assert [x["id"] for x in public.json()] == [c["id"], b["id"]]
    await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"hide_collections": True}
    )
    assert (await api.get(f"/api/v1/accounts/{a['id']}/endorsements", bob)).json() == []
    assert len((await api.get(f"/api/v1/accounts/{a['id']}/endorsements", alice)).json()) == 2
    assert not (await api.post(f"/api/v1/accounts/{c['id']}/unpin", alice)).json()["endorsed"]
    # Unfollowing ends the endorsement.
    await api.post(f"/api/v1/accounts/{b['id']}/unfollow", alice)
    assert (await api.get("/api/v1/endorsements", alice)).json() == []
    assert (await api.get("/api/v1/endorsements")).status_code == 401


async def test_familiar_followers(api: Api, alice: str, bob: str, carol: str) -> None:
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    dave = await api.register("dave")
    d = await api.me(dave)
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])
    await api.follow(bob, d["id"])
    await api.follow(carol, d["id"])
    await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", carol, json={"hide_collections": True}
    )
    r = await api.get(
        "/api/v1/accounts/familiar_followers", alice, params={"id[]": [d["id"], b["id"], "99999"]}
    )
    assert r.status_code == 200
    for entry in r.json():
        check("FamiliarFollowers", entry)
    assert [(e["id"], [x["id"] for x in e["accounts"]]) for e in r.json()] == [
        (d["id"], [b["id"]]),  # Carol hides whom she follows
        (b["id"], []),
    ]
    assert a["id"] != c["id"]
    assert (await api.get("/api/v1/accounts/familiar_followers", alice)).json() == []


async def test_remove_from_followers(api: Api, alice: str, bob: str) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    lst = (await api.post("/api/v1/lists", bob, json={"title": "a"})).json()
    await api.post(f"/api/v1/lists/{lst['id']}/accounts", bob, json={"account_ids": [a["id"]]})
    r = await api.post(f"/api/v1/accounts/{b['id']}/remove_from_followers", alice)
    assert r.status_code == 200 and r.json()["followed_by"] is False
    assert (await api.me(alice))["followers_count"] == 0
    assert (await api.me(bob))["following_count"] == 0
    assert (await api.get(f"/api/v1/lists/{lst['id']}/accounts", bob)).json() == []
    assert (
        await api.post("/api/v1/accounts/99999/remove_from_followers", alice)
    ).status_code == 404


async def test_account_search(api: Api, alice: str, bob: str) -> None:
    await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", bob, json={"display_name": "Éloïse Martin"}
    )
    b = await api.me(bob)
    await api.register("eloi")
    for query in ("elo", "ELOÏ", "mart", "bo", "@bob"):
        r = await api.get("/api/v1/accounts/search", alice, params={"q": query})
        assert r.status_code == 200
        assert b["id"] in [x["id"] for x in r.json()], query
    found = (await api.get("/api/v1/accounts/search", alice, params={"q": "elo"})).json()
    assert {x["username"] for x in found} == {"bob", "eloi"}
    for entity in found:
        check("Account", entity)
    one = await api.get("/api/v1/accounts/search", alice, params={"q": "elo", "limit": 1})
    assert len(one.json()) == 1
    followed = await api.get(
        "/api/v1/accounts/search", alice, params={"q": "elo", "following": "true"}
    )
    assert followed.json() == []
    await api.follow(alice, b["id"])
    followed = await api.get(
        "/api/v1/accounts/search",
        alice,
        params={"q": "elo", "following": "true", "resolve": "true"},
    )
    assert [x["id"] for x in followed.json()] == [b["id"]]
    assert (await api.get("/api/v1/accounts/search", alice, params={"q": "zzz"})).json() == []
    bad = await api.get("/api/v1/accounts/search", alice, params={"q": "elo", "limit": "many"})
    assert bad.status_code == 422
    assert (await api.get("/api/v1/accounts/search", params={"q": "elo"})).status_code == 401


async def test_preferences_and_announcements(api: Api, alice: str) -> None:
    await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        json={"source": {"privacy": "unlisted", "sensitive": True, "language": "fr"}},
    )
    r = await api.get("/api/v1/preferences", alice)
    assert r.status_code == 200
    prefs = r.json()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:sensitive"] is True
    assert prefs["posting:default:language"] == "fr"
    assert prefs["reading:expand:media"] == "default"
    assert prefs["reading:expand:spoilers"] is False
    check("Preferences", prefs)
    assert (await api.get("/api/v1/preferences")).status_code == 401
    assert (await api.get("/api/v1/announcements", alice)).json() == []


async def test_relationships_take_a_fixed_number_of_queries(
    api: Api, app: Any, alice: str, bob: str, carol: str
) -> None:
    db = app.state.gazouille.db
    b, c = await api.me(bob), await api.me(carol)
    await api.follow(alice, b["id"])
    await api.post(f"/api/v1/accounts/{c['id']}/block", alice)
    await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, json={"duration": 60})
    await api.post(f"/api/v1/accounts/{b['id']}/endorse", alice)

    async def count(ids: list[str]) -> int:
        db.query_counter = []
        try:
            r = await api.get("/api/v1/accounts/relationships", alice, params={"id[]": ids})
            assert r.status_code == 200
            for rel in r.json():
                check("Relationship", rel)
            return len(db.query_counter)
        finally:
            db.query_counter = None

    assert await count([b["id"]]) == await count([b["id"], c["id"]])
    rels = (
        await api.get("/api/v1/accounts/relationships", alice, params={"id[]": [b["id"], c["id"]]})
    ).json()
    assert rels[0]["muting"] and rels[0]["muting_expires_at"] and rels[0]["endorsed"]
    assert rels[1]["blocking"] and not rels[1]["muting"]
