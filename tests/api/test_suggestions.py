"""Follow suggestions (friends of friends, then recently active local accounts), dismissing
them, and the profile directory."""

from __future__ import annotations

from typing import Any

from tests.api.test_contract import check
from tests.conftest import Api


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


async def test_friends_of_friends_first(api: Api, alice: str, bob: str, carol: str) -> None:
    dave, erin, frank = [await api.register(n) for n in ("dave", "erin", "frank")]
    b, c, d, e, f = [await api.me(t) for t in (bob, carol, dave, erin, frank)]
    # Alice follows Bob and Carol; both follow Dave, only Bob follows Erin.
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])
    for token in (bob, carol):
        await api.follow(token, d["id"])
    await api.follow(bob, e["id"])
    await api.post_status(frank, "je poste donc je suis")
    r = await api.get("/api/v2/suggestions", alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert ids([s["account"] for s in body]) == [d["id"], e["id"], f["id"]]
    assert body[0]["sources"] == ["friends_of_friends"]
    assert body[0]["source"] == "past_interactions"
    assert body[2]["sources"] == ["most_interactions"]
    for suggestion in body:
        check("Suggestion", suggestion)
    v1 = await api.get("/api/v1/suggestions", alice, params={"limit": 2})
    assert ids(v1.json()) == [d["id"], e["id"]]
    for account in v1.json():
        check("Account", account)


async def test_never_suggested(api: Api, alice: str, bob: str, carol: str) -> None:
    b, c = await api.me(bob), await api.me(carol)
    hidden = await api.register("hidden")
    h = await api.me(hidden)
    await api.post_status(alice, "moi")
    await api.post_status(bob, "bob")
    await api.post_status(carol, "carol")
    await api.post_status(hidden, "caché")
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", hidden, json={"discoverable": False}
    )
    assert r.status_code == 200
    await api.follow(alice, b["id"])
    suggested = ids((await api.get("/api/v1/suggestions", alice)).json())
    assert suggested == [c["id"]]  # not herself, not Bob (followed), not the hidden account
    assert h["id"] not in suggested
    # Dismissing is persisted; dismissing an unknown account is a 404 that writes nothing.
    r = await api.request("DELETE", f"/api/v1/suggestions/{c['id']}", alice)
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get("/api/v1/suggestions", alice)).json() == []
    a = await api.me(alice)
    assert ids((await api.get("/api/v1/suggestions", bob)).json()) == [c["id"], a["id"]]
    assert (await api.request("DELETE", "/api/v1/suggestions/123", alice)).status_code == 404
    assert (await api.request("DELETE", "/api/v1/suggestions/x", alice)).status_code == 404
    assert (await api.get("/api/v2/suggestions")).status_code == 401


async def test_directory(api: Api, alice: str, bob: str, carol: str) -> None:
    a, b, c = [await api.me(t) for t in (alice, bob, carol)]
    await api.post_status(bob, "bob d'abord")
    await api.post_status(alice, "alice ensuite")
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", carol, json={"discoverable": False}
    )
    assert r.status_code == 200
    active = await api.get("/api/v1/directory")
    assert active.status_code == 200
    assert ids(active.json()) == [a["id"], b["id"]]
    newest = await api.get("/api/v1/directory", params={"order": "new", "local": "true"})
    assert ids(newest.json()) == [b["id"], a["id"]]
    page = await api.get("/api/v1/directory", params={"limit": 1, "offset": 1})
    assert ids(page.json()) == [b["id"]]
    for account in active.json():
        check("Account", account)
    assert c["id"] not in ids(active.json())
