"""Markers: reading positions shared between a user's clients."""

from __future__ import annotations

from tests.api.test_contract import check
from tests.conftest import Api


async def test_save_and_read_markers(api: Api, alice: str, bob: str) -> None:
    assert (await api.get("/api/v1/markers", alice)).json() == {}
    assert (await api.get("/api/v1/markers", alice, params={"timeline[]": "home"})).json() == {}
    saved = await api.post(
        "/api/v1/markers",
        alice,
        json={"home": {"last_read_id": "103"}, "notifications": {"last_read_id": "7"}},
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["home"]["last_read_id"] == "103" and body["home"]["version"] == 0
    check("Marker", body["home"])
    check("Marker", body["notifications"])
    # A form body works too (Mastodon.py, Tusky); a change bumps the version, a repeat not.
    again = await api.post("/api/v1/markers", alice, data={"home[last_read_id]": "104"})
    assert again.json() == {"home": {**again.json()["home"], "last_read_id": "104", "version": 1}}
    same = await api.post("/api/v1/markers", alice, data={"home[last_read_id]": "104"})
    assert same.json()["home"]["version"] == 1
    both = await api.get(
        "/api/v1/markers", alice, params={"timeline[]": ["home", "notifications", "other"]}
    )
    assert (both.json()["home"]["last_read_id"], both.json()["notifications"]["version"]) == (
        "104",
        0,
    )
    only = (await api.get("/api/v1/markers", alice, params={"timeline[]": "notifications"})).json()
    assert list(only) == ["notifications"]
    # Markers are per user.
    assert (await api.get("/api/v1/markers", bob, params={"timeline[]": "home"})).json() == {}


async def test_bad_markers_write_nothing(api: Api, alice: str) -> None:
    for body in (
        {"home": {"last_read_id": "abc"}},
        {"home": {"last_read_id": ""}},
        {"home": "12"},
        {"notifications": {"last_read_id": "5"}, "home": {"last_read_id": ["1"]}},
    ):
        r = await api.post("/api/v1/markers", alice, json=body)
        assert r.status_code == 422, body
        assert r.json()["error"].startswith("Validation failed")
    assert (
        await api.get("/api/v1/markers", alice, params={"timeline[]": "notifications"})
    ).json() == {}
    assert (await api.post("/api/v1/markers", alice, json={})).json() == {}
    assert (
        await api.post("/api/v1/markers", json={"home": {"last_read_id": "1"}})
    ).status_code == 401
    app_only = await api.app_token()
    assert (await api.get("/api/v1/markers", app_only)).status_code == 422


async def test_instance_announces_grouped_notifications(api: Api) -> None:
    assert (await api.get("/api/v2/instance")).json()["api_versions"]["mastodon"] == 2
