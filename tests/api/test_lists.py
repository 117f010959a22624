"""Lists: CRUD, members (followed accounts only), the list timeline with its replies policy,
exclusive lists, and privacy (only the owner sees a list)."""

from __future__ import annotations

import re
from typing import Any

from tests.api.test_contract import check
from tests.conftest import Api


async def _create(api: Api, token: str, **body: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/lists", token, json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _ids(api: Api, path: str, token: str, **params: Any) -> list[str]:
    r = await api.get(path, token, params=params)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def test_list_crud_and_validation(api: Api, alice: str) -> None:
    created = await _create(api, alice, title="Friends")
    check("List", created)
    assert created["replies_policy"] == "list" and created["exclusive"] is False
    other = await _create(api, alice, title="Work", replies_policy="none", exclusive=True)
    assert (other["replies_policy"], other["exclusive"]) == ("none", True)
    assert [x["id"] for x in (await api.get("/api/v1/lists", alice)).json()] == [
        created["id"],
        other["id"],
    ]
    r = await api.request(
        "PUT",
        f"/api/v1/lists/{created['id']}",
        alice,
        data={"title": "Close friends", "replies_policy": "followed", "exclusive": "true"},
    )
    assert r.json() == {
        "id": created["id"],
        "title": "Close friends",
        "replies_policy": "followed",
        "exclusive": True,
    }
    assert (await api.get(f"/api/v1/lists/{created['id']}", alice)).json() == r.json()
    errors = [
        ({}, "Validation failed: Title can't be blank"),
        ({"title": "   "}, "Validation failed: Title can't be blank"),
        ({"title": "x" * 201}, "Validation failed: Title is too long (maximum is 200 characters)"),
        (
            {"title": "ok", "replies_policy": "everyone"},
            "Validation failed: Replies policy is not included in the list",
        ),
        (
            {"title": "ok", "exclusive": "maybe"},
            "Validation failed: exclusive must be true or false",
        ),
    ]
    for body, message in errors:
        r = await api.post("/api/v1/lists", alice, json=body)
        assert (r.status_code, r.json()["error"]) == (422, message), body
    r = await api.request("PUT", f"/api/v1/lists/{created['id']}", alice, json={"title": ""})
    assert r.status_code == 422
    assert (await api.get(f"/api/v1/lists/{created['id']}", alice)).json()["title"] == (
        "Close friends"
    )
    assert len((await api.get("/api/v1/lists", alice)).json()) == 2  # nothing else written
    r = await api.request("DELETE", f"/api/v1/lists/{other['id']}", alice)
    assert (r.status_code, r.json()) == (200, {})
    assert (await api.get(f"/api/v1/lists/{other['id']}", alice)).status_code == 404


async def test_only_the_owner_sees_a_list(api: Api, alice: str, bob: str) -> None:
    mine = await _create(api, alice, title="Secret")
    b = await api.me(bob)
    path = f"/api/v1/lists/{mine['id']}"
    for method, url in (
        ("GET", path),
        ("PUT", path),
        ("DELETE", path),
        ("GET", f"{path}/accounts"),
        ("POST", f"{path}/accounts"),
        ("DELETE", f"{path}/accounts"),
        ("GET", f"/api/v1/timelines/list/{mine['id']}"),
    ):
        r = await api.request(
            method, url, bob, json={"title": "mine now", "account_ids": [b["id"]]}
        )
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"}), (method, url)
    assert (await api.get("/api/v1/lists", bob)).json() == []
    assert (await api.get(path, alice)).json()["title"] == "Secret"
    assert (await api.get("/api/v1/lists")).status_code == 401
    assert (await api.get("/api/v1/lists/abc", alice)).status_code == 404


async def test_members_must_be_followed(api: Api, alice: str, bob: str, carol: str) -> None:
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    lst = await _create(api, alice, title="People")
    path = f"/api/v1/lists/{lst['id']}/accounts"
    r = await api.post(path, alice, json={"account_ids": [b["id"]]})
    assert r.status_code == 422
    assert r.json()["error"] == (
        "Validation failed: You must follow @bob before adding this account to a list."
    )
    await api.follow(alice, b["id"])
    # All or nothing: Carol is not followed, so Bob is not added either.
    r = await api.post(path, alice, json={"account_ids": [b["id"], c["id"]]})
    assert r.status_code == 422 and "@carol" in r.json()["error"]
    assert (await api.get(path, alice)).json() == []
    assert (await api.post(path, alice, json={"account_ids": ["99999"]})).status_code == 404
    r = await api.post(path, alice, data={"account_ids[]": [b["id"], a["id"]]})  # self is allowed
    assert (r.status_code, r.json()) == (200, {})
    members = (await api.get(path, alice)).json()
    assert [m["id"] for m in members] == [a["id"], b["id"]]
    for member in members:
        check("Account", member)
    r = await api.post(path, alice, json={"account_ids": [b["id"]]})
    assert (r.status_code, r.json()["error"]) == (
        422,
        "Validation failed: Account has already been taken",
    )
    # Accounts asked to follow (a locked account) may be added too.
    await api.request("PATCH", "/api/v1/accounts/update_credentials", carol, json={"locked": True})
    await api.follow(alice, c["id"])
    assert (await api.post(path, alice, json={"account_ids": [c["id"]]})).status_code == 200
    lists_of_bob = (await api.get(f"/api/v1/accounts/{b['id']}/lists", alice)).json()
    assert [x["id"] for x in lists_of_bob] == [lst["id"]]
    check("List", lists_of_bob[0])
    assert (await api.get(f"/api/v1/accounts/{b['id']}/lists", bob)).json() == []
    # Unfollowing takes the account out of one's lists.
    await api.post(f"/api/v1/accounts/{b['id']}/unfollow", alice)
    assert b["id"] not in [m["id"] for m in (await api.get(path, alice)).json()]
    assert (await api.get(f"/api/v1/accounts/{b['id']}/lists", alice)).json() == []
    r = await api.request("DELETE", path, alice, params={"account_ids[]": [c["id"]]})
    assert (r.status_code, r.json()) == (200, {})
    assert [m["id"] for m in (await api.get(path, alice)).json()] == [a["id"]]


async def test_members_pagination(api: Api, alice: str) -> None:
    lst = await _create(api, alice, title="Many")
    path = f"/api/v1/lists/{lst['id']}/accounts"
    ids = []
    for n in range(3):
        await api.register(f"member{n}")
        account = (await api.get("/api/v1/accounts/lookup", params={"acct": f"member{n}"})).json()
        await api.follow(alice, account["id"])
        await api.post(path, alice, json={"account_ids": [account["id"]]})
        ids.append(account["id"])
    page = await api.get(path, alice, params={"limit": 2})
    assert [m["id"] for m in page.json()] == [ids[2], ids[1]]
    nxt = re.search(r'<([^>]+)>; rel="next"', page.headers["link"])
    assert nxt is not None
    rest = await api.get(nxt.group(1).replace("http://localhost:3000", ""), alice)
    assert [m["id"] for m in rest.json()] == [ids[0]]
    everyone = await api.get(path, alice, params={"limit": 0})
    assert len(everyone.json()) == 3 and "link" not in everyone.headers


async def test_list_timeline_and_replies_policy(api: Api, alice: str, bob: str, carol: str) -> None:
    a, b, c = await api.me(alice), await api.me(bob), await api.me(carol)
    dave = await api.register("dave")
    d = await api.me(dave)
    for target in (b, c, d):
        await api.follow(alice, target["id"])
    lst = await _create(api, alice, title="Bob", replies_policy="list")
    await api.post(f"/api/v1/lists/{lst['id']}/accounts", alice, json={"account_ids": [b["id"]]})
    timeline = f"/api/v1/timelines/list/{lst['id']}"
    carol_post = await api.post_status(carol, "carol")
    alice_post = await api.post_status(alice, "alice")
    plain = await api.post_status(bob, "bob alone")
    to_carol = await api.post_status(bob, "@carol hi", in_reply_to_id=carol_post["id"])
    to_alice = await api.post_status(bob, "@alice hi", in_reply_to_id=alice_post["id"])
    to_self = await api.post_status(bob, "thread", in_reply_to_id=plain["id"])
    private = await api.post_status(bob, "followers only", visibility="private")
    reblog = (await api.post(f"/api/v1/statuses/{carol_post['id']}/reblog", bob)).json()
    everything = [reblog["id"], private["id"], to_self["id"], to_alice["id"], plain["id"]]
    assert await _ids(api, timeline, alice) == everything  # Carol is not a member
    r = await api.get(timeline, alice)
    for status in r.json():
        check("Status", status)
    # "list" shows replies to members: adding Carol shows Bob's answer to her.
    await api.post(f"/api/v1/lists/{lst['id']}/accounts", alice, json={"account_ids": [c["id"]]})
    with_carol = await _ids(api, timeline, alice)
    assert to_carol["id"] in with_carol and carol_post["id"] in with_carol
    await api.request(
        "DELETE", f"/api/v1/lists/{lst['id']}/accounts", alice, json={"account_ids": [c["id"]]}
    )
    await api.request(
        "PUT", f"/api/v1/lists/{lst['id']}", alice, json={"replies_policy": "followed"}
    )
    assert to_carol["id"] in await _ids(api, timeline, alice)  # Alice follows Carol
    await api.request("PUT", f"/api/v1/lists/{lst['id']}", alice, json={"replies_policy": "none"})
    assert await _ids(api, timeline, alice) == everything  # replies to the owner still show
    # Reblogs hidden for Bob, and pagination.
    await api.post(f"/api/v1/accounts/{b['id']}/follow", alice, json={"reblogs": False})
    page = await api.get(timeline, alice, params={"limit": 2})
    assert [s["id"] for s in page.json()] == everything[1:3]
    assert f"max_id={everything[2]}" in page.headers["link"]
    assert a["id"] != d["id"]


async def test_exclusive_lists_keep_members_off_home(api: Api, alice: str, bob: str) -> None:
    b = await api.me(bob)
    await api.follow(alice, b["id"])
    post = await api.post_status(bob, "hello")
    lst = await _create(api, alice, title="Bob only", exclusive=True)
    await api.post(f"/api/v1/lists/{lst['id']}/accounts", alice, json={"account_ids": [b["id"]]})
    assert post["id"] not in await _ids(api, "/api/v1/timelines/home", alice)
    assert await _ids(api, f"/api/v1/timelines/list/{lst['id']}", alice) == [post["id"]]
    await api.request("PUT", f"/api/v1/lists/{lst['id']}", alice, json={"exclusive": False})
    assert post["id"] in await _ids(api, "/api/v1/timelines/home", alice)
