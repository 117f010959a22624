"""Bad input gets Mastodon's error JSON and status, never a 500; API conventions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/statuses/999", 404),
        ("GET", "/api/v1/statuses/abc", 404),
        ("GET", "/api/v1/statuses/99999999999999999999999", 404),
        ("POST", "/api/v1/statuses/999/favourite", 404),
        ("POST", "/api/v1/accounts/999/follow", 404),
        ("GET", "/api/v1/accounts/999/followers", 404),
        ("GET", "/api/v1/notifications/xyz", 404),
        ("GET", "/api/v1/does-not-exist", 404),
        ("DELETE", "/api/v1/timelines/home", 405),
    ],
)
async def test_not_found_and_not_allowed(
    api: Api, alice: str, method: str, path: str, status: int
) -> None:
    r = await api.request(method, path, alice)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert isinstance(r.json()["error"], str)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}],
)
async def test_missing_or_bad_token(api: Api, headers: dict[str, str]) -> None:
    r = await api.request("POST", "/api/v1/statuses", json={"status": "x"}, headers=headers)
    assert r.status_code == 401
    assert r.json() == {"error": "The access token is invalid"}


async def test_malformed_bodies(api: Api, alice: str) -> None:
    r = await api.post(
        "/api/v1/statuses",
        alice,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    r = await api.post(
        "/api/v1/statuses", alice, content=b"[1, 2]", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    r = await api.post("/api/v1/statuses", alice, json={"status": {"nested": True}})
    assert r.status_code == 422
    r = await api.post("/api/v1/statuses", alice, json={"status": "x", "sensitive": "maybe"})
    assert r.status_code == 422 and "sensitive" in r.json()["error"]
    r = await api.get("/api/v1/timelines/home", alice, params={"limit": "many"})
    assert r.status_code == 422
    r = await api.get("/api/v1/timelines/home", alice, params={"max_id": "not-an-id"})
    assert r.status_code == 200  # an unusable cursor is ignored, as Mastodon does
    assert (await api.me(alice))["statuses_count"] == 0


async def test_trailing_slashes_cors_and_json_type(api: Api) -> None:
    for path in ("/api/v1/instance/", "/api/v2/instance/", "/api/v1/instance"):
        r = await api.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == "application/json; charset=utf-8"
    pre = await api.request(
        "OPTIONS",
        "/api/v1/timelines/home",
        headers={
            "Origin": "https://phanpy.social",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization,idempotency-key",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] in ("*", "https://phanpy.social")
    r = await api.get("/api/v1/timelines/public", headers={"Origin": "https://phanpy.social"})
    assert "link" in r.headers.get("access-control-expose-headers", "").lower()


async def test_instance_and_nodeinfo(api: Api, alice: str, app: Any) -> None:
    v2 = (await api.get("/api/v2/instance")).json()
    assert v2["domain"] == "localhost:3000"
    assert v2["version"].startswith("4.3.0 (compatible; Gazouille")
    assert v2["configuration"]["statuses"]["max_characters"] == 500
    assert v2["configuration"]["urls"]["streaming"] == "ws://localhost:3000"
    v1 = (await api.get("/api/v1/instance")).json()
    assert v1["uri"] == "localhost:3000" and v1["stats"]["user_count"] == 1
    links = (await api.get("/.well-known/nodeinfo")).json()["links"]
    assert links[0]["href"] == "http://localhost:3000/nodeinfo/2.0"
    info = (await api.get("/nodeinfo/2.0")).json()
    assert (
        info["software"]["name"] == "gazouille"
        and info["metadata"]["upstream"]["name"] == "mastodon"
    )
    assert (await api.get("/health")).json() == {"status": "ok"}
    assert (await api.get("/api/v1/custom_emojis")).json() == []
    avatar = await api.get("/avatars/original/missing.png")
    assert avatar.status_code == 200 and avatar.headers["content-type"] == "image/png"


async def test_character_limit_comes_from_instance_settings(api: Api, alice: str, db: Any) -> None:
    from gazouille.domains import instance

    async with db.write() as session:
        await instance.update_settings(session, max_characters=1000)
    assert (await api.get("/api/v2/instance")).json()["configuration"]["statuses"][
        "max_characters"
    ] == 1000
    r = await api.post("/api/v1/statuses", alice, json={"status": "x" * 900})
    assert r.status_code == 200


async def test_instance_extras(api: Api, alice: str, db: Any) -> None:
    from gazouille.domains import instance
    from tests.api.test_contract import check

    await api.post_status(alice, "one")
    weeks = (await api.get("/api/v1/instance/activity")).json()
    assert len(weeks) == 12 and weeks[0]["statuses"] == "1" and weeks[0]["registrations"] == "1"
    assert (await api.get("/api/v1/instance/peers")).json() == []
    assert (await api.get("/api/v1/instance/translation_languages")).json() == {}
    # Shown to no one until the admin decides otherwise (Mastodon's default).
    assert (await api.get("/api/v1/instance/domain_blocks")).status_code == 404
    async with db.write() as session:
        await instance.update_settings(session, description="Une communauté <b>lyonnaise</b>")
    extended = (await api.get("/api/v1/instance/extended_description")).json()
    assert extended["content"] == "Une communauté &lt;b&gt;lyonnaise&lt;/b&gt;"
    check("ExtendedDescription", extended)
