"""Blocks, mutes and user domain blocks: their effects on the social graph, timelines,
threads, notifications and the Relationship entity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.models import Account, Follow, Status
from tests.api.test_contract import check
from tests.conftest import Api


async def _rel(api: Api, token: str, account_id: str) -> dict[str, Any]:
    r = await api.get("/api/v1/accounts/relationships", token, params={"id[]": account_id})
    assert r.status_code == 200, r.text
    return dict(r.json()[0])


async def _ids(api: Api, path: str, token: str | None, **params: Any) -> list[str]:
    r = await api.get(path, token, params=params)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def test_block_severs_follows_both_ways_and_forbids_following(
    api: Api, alice: str, bob: str
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(alice, b["id"])
    await api.follow(bob, a["id"])
    r = await api.post(f"/api/v1/accounts/{b['id']}/block", alice)
    assert r.status_code == 200, r.text
    rel = r.json()
    check("Relationship", rel)
    assert rel["blocking"] and not rel["following"] and not rel["followed_by"]
    assert (await _rel(api, bob, a["id"]))["blocked_by"] is True
    assert (await api.me(alice))["followers_count"] == 0
    assert (await api.me(alice))["following_count"] == 0
    assert (await api.me(bob))["followers_count"] == 0
    # Neither may follow the other while the block stands.
    for token, target in ((bob, a["id"]), (alice, b["id"])):
        r = await api.post(f"/api/v1/accounts/{target}/follow", token)
        assert r.status_code == 403 and r.json()["error"] == "This action is not allowed"
    assert (await api.me(bob))["following_count"] == 0
    # Blocking twice is harmless; unblocking lifts it.
    assert (await api.post(f"/api/v1/accounts/{b['id']}/block", alice)).status_code == 200
    rel = (await api.post(f"/api/v1/accounts/{b['id']}/unblock", alice)).json()
    assert rel["blocking"] is False
    assert (await api.post(f"/api/v1/accounts/{a['id']}/follow", bob)).status_code == 200


async def test_block_removes_pending_requests(api: Api, alice: str, bob: str) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.request("PATCH", "/api/v1/accounts/update_credentials", alice, json={"locked": True})
    assert (await api.follow(bob, a["id"]))["requested"] is True
    await api.post(f"/api/v1/accounts/{b['id']}/block", alice)
    assert (await api.get("/api/v1/follow_requests", alice)).json() == []
    assert (await _rel(api, bob, a["id"]))["requested"] is False


async def test_block_hides_statuses_both_ways(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    b = await api.me(bob)
    await api.follow(alice, b["id"])
    root = await api.post_status(alice, "root #topic")
    bob_post = await api.post_status(bob, "bob says #topic")
    bob_reply = await api.post_status(bob, "@alice reply", in_reply_to_id=root["id"])
    carol_reblog = (await api.post(f"/api/v1/statuses/{bob_post['id']}/reblog", carol)).json()
    await api.follow(alice, (await api.me(carol))["id"])
    await run_jobs()
    assert bob_post["id"] in await _ids(api, "/api/v1/timelines/home", alice)
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1  # the mention

    await api.post(f"/api/v1/accounts/{b['id']}/block", alice)
    home = await _ids(api, "/api/v1/timelines/home", alice)
    assert bob_post["id"] not in home and carol_reblog["id"] not in home
    assert bob_post["id"] not in await _ids(api, "/api/v1/timelines/public", alice)
    assert bob_post["id"] not in await _ids(api, "/api/v1/timelines/tag/topic", alice)
    ctx = (await api.get(f"/api/v1/statuses/{root['id']}/context", alice)).json()
    assert ctx["descendants"] == []
    assert (await api.get("/api/v1/notifications", alice)).json() == []  # forgotten
    # Bob no longer sees Alice: not in public timelines, threads, or by id.
    assert root["id"] not in await _ids(api, "/api/v1/timelines/public", bob)
    assert root["id"] not in await _ids(api, "/api/v1/timelines/tag/topic", bob)
    assert (await api.get(f"/api/v1/statuses/{root['id']}", bob)).status_code == 404
    ctx = (await api.get(f"/api/v1/statuses/{bob_reply['id']}/context", bob)).json()
    assert ctx["ancestors"] == []
    assert (await api.post(f"/api/v1/statuses/{root['id']}/favourite", bob)).status_code == 404
    # Others still see everything.
    assert root["id"] in await _ids(api, "/api/v1/timelines/public", carol)
    assert bob_post["id"] in await _ids(api, "/api/v1/timelines/public", None)
    # A new mention from Bob notifies nobody.
    await api.post_status(bob, "@alice are you there?")
    await run_jobs()
    assert (await api.get("/api/v1/notifications", alice)).json() == []


async def test_blocks_list_is_paginated(api: Api, alice: str) -> None:
    targets = []
    for n in range(3):
        await api.register(f"user{n}")
    for n in range(3):
        r = await api.get("/api/v1/accounts/lookup", params={"acct": f"user{n}"})
        targets.append(r.json()["id"])
        await api.post(f"/api/v1/accounts/{targets[-1]}/block", alice)
    page = await api.get("/api/v1/blocks", alice, params={"limit": 2})
    assert [x["id"] for x in page.json()] == [targets[2], targets[1]]
    for entity in page.json():
        check("Account", entity)
    nxt = re.search(r'<([^>]+)>; rel="next"', page.headers["link"])
    assert nxt is not None and nxt.group(1).startswith("http://localhost:3000/api/v1/blocks?")
    rest = await api.get(nxt.group(1).replace("http://localhost:3000", ""), alice)
    assert [x["id"] for x in rest.json()] == [targets[0]]
    assert (await api.get("/api/v1/blocks")).status_code == 401


async def test_block_errors(api: Api, alice: str) -> None:
    me = await api.me(alice)
    assert (await api.post("/api/v1/accounts/99999/block", alice)).status_code == 404
    assert (await api.post("/api/v1/accounts/abc/mute", alice)).status_code == 404
    assert (await api.post(f"/api/v1/accounts/{me['id']}/block")).status_code == 401
    # Blocking or muting oneself does nothing, as on Mastodon.
    rel = (await api.post(f"/api/v1/accounts/{me['id']}/block", alice)).json()
    assert rel["blocking"] is False
    rel = (await api.post(f"/api/v1/accounts/{me['id']}/mute", alice)).json()
    assert rel["muting"] is False
    assert (await api.get("/api/v1/blocks", alice)).json() == []
    app_token = await api.app_token()
    assert (await api.get("/api/v1/mutes", app_token)).status_code == 422


async def test_mute_hides_statuses_and_notifications(
    api: Api, alice: str, bob: str, carol: str, run_jobs: Any
) -> None:
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    await api.follow(alice, b["id"])
    await api.follow(alice, c["id"])
    bob_post = await api.post_status(bob, "bob speaks")
    reblog = (await api.post(f"/api/v1/statuses/{bob_post['id']}/reblog", carol)).json()
    rel = (await api.post(f"/api/v1/accounts/{b['id']}/mute", alice)).json()
    check("Relationship", rel)
    assert rel["muting"] and rel["muting_notifications"] and rel["muting_expires_at"] is None
    assert rel["following"] is True  # a mute keeps the follow
    home = await _ids(api, "/api/v1/timelines/home", alice)
    assert bob_post["id"] not in home and reblog["id"] not in home
    assert bob_post["id"] not in await _ids(api, "/api/v1/timelines/public", alice)
    # Still reachable directly, as on Mastodon.
    assert (await api.get(f"/api/v1/statuses/{bob_post['id']}", alice)).status_code == 200
    await api.post_status(bob, "@alice hello")
    await run_jobs()
    assert (await api.get("/api/v1/notifications", alice)).json() == []
    mutes = (await api.get("/api/v1/mutes", alice)).json()
    assert [m["id"] for m in mutes] == [b["id"]]
    check("Account", mutes[0])
    assert mutes[0]["mute_expires_at"] is None
    # Muting again without notifications: notifications come through again.
    rel = (
        await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, json={"notifications": False})
    ).json()
    assert rel["muting"] and not rel["muting_notifications"]
    await api.post_status(bob, "@alice again")
    await run_jobs()
    assert len((await api.get("/api/v1/notifications", alice)).json()) == 1
    rel = (await api.post(f"/api/v1/accounts/{b['id']}/unmute", alice)).json()
    assert rel["muting"] is False
    assert bob_post["id"] in await _ids(api, "/api/v1/timelines/home", alice)
    assert c["id"] != a["id"]


async def test_timed_mute_expires(api: Api, alice: str, bob: str) -> None:
    b = await api.me(bob)
    post = await api.post_status(bob, "temporarily quiet")
    start = datetime(2030, 1, 1, tzinfo=UTC)
    clock.set_clock(lambda: start)
    try:
        r = await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, data={"duration": "3600"})
        assert r.json()["muting_expires_at"] == "2030-01-01T01:00:00.000Z"
        assert post["id"] not in await _ids(api, "/api/v1/timelines/public", alice)
        assert (await api.get("/api/v1/mutes", alice)).json()[0]["mute_expires_at"] == (
            "2030-01-01T01:00:00.000Z"
        )
        clock.set_clock(lambda: start + timedelta(hours=1, seconds=1))
        assert post["id"] in await _ids(api, "/api/v1/timelines/public", alice)
        assert (await _rel(api, alice, b["id"]))["muting"] is False
        assert (await api.get("/api/v1/mutes", alice)).json() == []
    finally:
        clock.set_clock(None)
    bad = await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, json={"duration": -5})
    assert bad.status_code == 422 and bad.json()["error"].startswith("Validation failed")
    bad = await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, json={"duration": "soon"})
    assert bad.status_code == 422
    bad = await api.post(f"/api/v1/accounts/{b['id']}/mute", alice, json={"notifications": "x"})
    assert bad.status_code == 422
    # Nothing was changed by the bad requests (the mute, in 2030, applies again today).
    (left,) = (await api.get("/api/v1/mutes", alice)).json()
    assert left["mute_expires_at"] == "2030-01-01T01:00:00.000Z"


async def test_domain_blocks(api: Api, alice: str) -> None:
    r = await api.post("/api/v1/domain_blocks", alice, data={"domain": "Spam.Example"})
    assert r.status_code == 200 and r.json() == {}
    await api.post("/api/v1/domain_blocks", alice, json={"domain": "spam.example"})  # again
    await api.post("/api/v1/domain_blocks", alice, json={"domain": "bücher.example"})
    await api.post("/api/v1/domain_blocks", alice, json={"domain": "third.example"})
    page = await api.get("/api/v1/domain_blocks", alice, params={"limit": 2})
    assert page.json() == ["third.example", "xn--bcher-kva.example"]
    assert 'rel="next"' in page.headers["link"]
    for bad in ("", "   ", "not a domain!", "a..b"):
        r = await api.post("/api/v1/domain_blocks", alice, json={"domain": bad})
        assert r.status_code == 422, bad
        assert r.json()["error"].startswith("Validation failed: Domain")
    r = await api.post("/api/v1/domain_blocks", alice, json={"domain": "localhost:3000"})
    assert r.status_code == 422
    await api.request("DELETE", "/api/v1/domain_blocks", alice, params={"domain": "spam.example"})
    everything = (await api.get("/api/v1/domain_blocks", alice)).json()
    assert everything == ["third.example", "xn--bcher-kva.example"]
    assert (await api.get("/api/v1/domain_blocks", await api.register("dave"))).json() == []


async def test_domain_block_hides_remote_accounts(
    api: Api, db: Any, alice: str, run_jobs: Any
) -> None:
    a = await api.me(alice)
    async with db.write() as session:
        remote = Account(
            id=new_id(),
            username="eve",
            domain="spam.example",
            acct_key="eve@spam.example",
            uri="https://spam.example/users/eve",
        )
        session.add(remote)
        await session.flush()
        status = Status(
            id=new_id(),
            account_id=remote.id,
            uri="https://spam.example/statuses/1",
            content="<p>buy now</p>",
            visibility="public",
            local=False,
        )
        session.add(status)
    assert str(status.id) in await _ids(api, "/api/v1/timelines/public", alice)
    async with db.write() as session:
        session.add(Follow(account_id=remote.id, target_account_id=int(a["id"])))
        await session.execute(
            update(Account).where(Account.id == int(a["id"])).values(followers_count=1)
        )
    await api.post("/api/v1/domain_blocks", alice, json={"domain": "spam.example"})
    assert (await api.me(alice))["followers_count"] == 0  # its accounts stop following
    assert (await _rel(api, alice, str(remote.id)))["followed_by"] is False
    assert str(status.id) not in await _ids(api, "/api/v1/timelines/public", alice)
    assert (await _rel(api, alice, str(remote.id)))["domain_blocking"] is True
    assert str(status.id) in await _ids(api, "/api/v1/timelines/public", None)
    r = await api.post(f"/api/v1/accounts/{remote.id}/follow", alice)
    assert r.status_code == 403
