"""Filters v2 (with keywords and statuses), the v1 compatibility endpoints, and how filters
apply: ``filtered`` on statuses, hide filters removing statuses in their contexts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gazouille.core import clock
from tests.api.test_contract import check
from tests.conftest import Api


async def _filter(api: Api, token: str, **body: Any) -> dict[str, Any]:
    r = await api.post("/api/v2/filters", token, json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _timeline(api: Api, path: str, token: str) -> list[dict[str, Any]]:
    r = await api.get(path, token)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_filter_crud(api: Api, alice: str, bob: str) -> None:
    created = await _filter(
        api,
        alice,
        title="Spoilers",
        context=["home", "public"],
        filter_action="hide",
        expires_in=3600,
        keywords_attributes=[{"keyword": "finale", "whole_word": False}, {"keyword": "ending"}],
    )
    check("Filter", created)
    assert created["filter_action"] == "hide" and created["expires_at"] is not None
    assert [(k["keyword"], k["whole_word"]) for k in created["keywords"]] == [
        ("finale", False),
        ("ending", True),
    ]
    path = f"/api/v2/filters/{created['id']}"
    finale, ending = created["keywords"]
    r = await api.request(
        "PUT",
        path,
        alice,
        json={
            "title": "TV",
            "context": ["thread"],
            "expires_in": "",
            "keywords_attributes": [
                {"id": finale["id"], "keyword": "season finale"},
                {"id": ending["id"], "_destroy": True},
                {"keyword": "cliffhanger", "whole_word": "false"},
            ],
        },
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    check("Filter", updated)
    assert (updated["title"], updated["context"], updated["expires_at"]) == ("TV", ["thread"], None)
    assert updated["filter_action"] == "hide"
    assert [k["keyword"] for k in updated["keywords"]] == ["season finale", "cliffhanger"]
    assert (await api.get(path, alice)).json() == updated
    assert (await api.get("/api/v2/filters", alice)).json() == [updated]
    # Form-encoded, as Rails clients send it.
    r = await api.post(
        "/api/v2/filters",
        alice,
        data={
            "title": "Form",
            "context[]": ["notifications", "account"],
            "keywords_attributes[0][keyword]": "x",
            "keywords_attributes[0][whole_word]": "true",
        },
    )
    assert r.status_code == 200 and r.json()["context"] == ["notifications", "account"]
    # Only the owner sees or changes it.
    for method in ("GET", "PUT", "DELETE"):
        assert (await api.request(method, path, bob, json={"title": "x"})).status_code == 404
    assert (await api.get("/api/v2/filters", bob)).json() == []
    r = await api.request("DELETE", path, alice)
    assert (r.status_code, r.json()) == (200, {})
    assert (await api.get(path, alice)).status_code == 404


async def test_filter_validation_writes_nothing(api: Api, alice: str) -> None:
    cases = [
        ({"context": ["home"]}, "Validation failed: Title can't be blank"),
        ({"title": "t"}, "Validation failed: Context None or invalid context supplied"),
        (
            {"title": "t", "context": []},
            "Validation failed: Context None or invalid context supplied",
        ),
        (
            {"title": "t", "context": ["home", "everywhere"]},
            "Validation failed: Context None or invalid context supplied",
        ),
        (
            {"title": "t", "context": ["home"], "filter_action": "explode"},
            "Validation failed: Filter action is not included in the list",
        ),
        (
            {"title": "x" * 201, "context": ["home"]},
            "Validation failed: Title is too long (maximum is 200 characters)",
        ),
        (
            {
                "title": "t",
                "context": ["home"],
                "keywords_attributes": [{"keyword": "", "whole_word": True}],
            },
            "Validation failed: Keywords keyword can't be blank",
        ),
        (
            {"title": "t", "context": ["home"], "expires_in": "soon"},
            "Validation failed: expires_in must be a number",
        ),
        (
            {"title": "t", "context": ["home"], "expires_in": -1},
            "Validation failed: Expires in must be a positive number of seconds",
        ),
    ]
    for body, message in cases:
        r = await api.post("/api/v2/filters", alice, json=body)
        assert (r.status_code, r.json()["error"]) == (422, message), body
    assert (await api.get("/api/v2/filters", alice)).json() == []
    created = await _filter(api, alice, title="ok", context=["home"])
    r = await api.request(
        "PUT",
        f"/api/v2/filters/{created['id']}",
        alice,
        json={"title": "changed", "keywords_attributes": [{"id": "99999", "keyword": "x"}]},
    )
    assert r.status_code == 404
    assert (await api.get(f"/api/v2/filters/{created['id']}", alice)).json()["title"] == "ok"
    assert (await api.get("/api/v2/filters", await api.app_token())).status_code == 422


async def test_keywords_and_statuses_endpoints(api: Api, alice: str, bob: str) -> None:
    created = await _filter(api, alice, title="k", context=["home"])
    base = f"/api/v2/filters/{created['id']}"
    r = await api.post(f"{base}/keywords", alice, json={"keyword": "cats", "whole_word": False})
    assert r.status_code == 200
    keyword = r.json()
    check("FilterKeyword", keyword)
    assert (await api.get(f"{base}/keywords", alice)).json() == [keyword]
    kpath = f"/api/v2/filters/keywords/{keyword['id']}"
    assert (await api.get(kpath, alice)).json() == keyword
    r = await api.request("PUT", kpath, alice, json={"keyword": "dogs", "whole_word": True})
    assert r.json() == {"id": keyword["id"], "keyword": "dogs", "whole_word": True}
    r = await api.post(f"{base}/keywords", alice, json={"keyword": " "})
    assert (r.status_code, r.json()["error"]) == (422, "Validation failed: Keyword can't be blank")
    assert (await api.get(kpath, bob)).status_code == 404
    assert (await api.request("DELETE", kpath, bob)).status_code == 404
    assert (await api.request("DELETE", kpath, alice)).json() == {}
    assert (await api.get(f"{base}/keywords", alice)).json() == []

    status = await api.post_status(bob, "anything")
    hidden = await api.post_status(bob, "private", visibility="private")
    r = await api.post(f"{base}/statuses", alice, json={"status_id": status["id"]})
    assert r.status_code == 200
    item = r.json()
    check("FilterStatus", item)
    assert item["status_id"] == status["id"]
    again = await api.post(f"{base}/statuses", alice, json={"status_id": status["id"]})
    assert (again.status_code, again.json()["error"]) == (
        422,
        "Validation failed: Status has already been taken",
    )
    for bad in (hidden["id"], "99999", "abc"):
        r = await api.post(f"{base}/statuses", alice, json={"status_id": bad})
        assert r.status_code == 404, bad
    assert (await api.get(f"{base}/statuses", alice)).json() == [item]
    spath = f"/api/v2/filters/statuses/{item['id']}"
    assert (await api.get(spath, alice)).json() == item
    assert (await api.get(spath, bob)).status_code == 404
    assert (
        await api.post(f"{base}/statuses", bob, json={"status_id": status["id"]})
    ).status_code == 404
    assert (await api.request("DELETE", spath, alice)).json() == {}
    assert (await api.get(f"{base}/statuses", alice)).json() == []


async def test_filtered_key_and_hide(api: Api, alice: str, bob: str, run_jobs: Any) -> None:
    b = await api.me(bob)
    await api.follow(alice, b["id"])
    cat = await api.post_status(bob, "I love my Cat so much")
    concat = await api.post_status(bob, "concatenate strings")
    cw = await api.post_status(bob, "nothing here", spoiler_text="CAT pics")
    plain = await api.post_status(bob, "dogs only")
    warn = await _filter(
        api, alice, title="Cats", context=["home"], keywords_attributes=[{"keyword": "cat"}]
    )
    home = {s["id"]: s for s in await _timeline(api, "/api/v1/timelines/home", alice)}
    assert home[cat["id"]]["filtered"][0]["keyword_matches"] == ["Cat"]
    assert home[cw["id"]]["filtered"][0]["keyword_matches"] == ["CAT"]  # the content warning
    assert home[concat["id"]]["filtered"] == []  # a whole word only
    assert home[plain["id"]]["filtered"] == []
    result = home[cat["id"]]["filtered"][0]
    assert result["filter"] == {
        "id": warn["id"],
        "title": "Cats",
        "context": ["home"],
        "expires_at": None,
        "filter_action": "warn",
    }
    assert result["status_matches"] is None
    check("Status", home[cat["id"]])
    # Not in a context the filter does not cover...
    public = {s["id"]: s for s in await _timeline(api, "/api/v1/timelines/public", alice)}
    assert public[cat["id"]]["filtered"] == []
    # ...but reported on a single status, where the client knows the context.
    single = (await api.get(f"/api/v1/statuses/{cat['id']}", alice)).json()
    assert single["filtered"][0]["filter"]["id"] == warn["id"]
    assert "filtered" not in (await api.get(f"/api/v1/statuses/{cat['id']}")).json()
    # Substring keywords, on reblogs too; statuses filtered by id.
    await api.request(
        "PUT",
        f"/api/v2/filters/{warn['id']}",
        alice,
        json={"keywords_attributes": [{"id": warn["keywords"][0]["id"], "whole_word": False}]},
    )
    await api.post(f"/api/v2/filters/{warn['id']}/statuses", alice, json={"status_id": plain["id"]})
    reblog = (await api.post(f"/api/v1/statuses/{concat['id']}/reblog", bob)).json()
    home = {s["id"]: s for s in await _timeline(api, "/api/v1/timelines/home", alice)}
    assert home[concat["id"]]["filtered"][0]["keyword_matches"] == ["cat"]
    assert home[reblog["id"]]["filtered"][0]["keyword_matches"] == ["cat"]
    assert home[reblog["id"]]["reblog"]["filtered"][0]["keyword_matches"] == ["cat"]
    assert home[plain["id"]]["filtered"][0]["status_matches"] == [plain["id"]]
    # A hide filter removes the statuses from its contexts: home, notifications, threads.
    await _filter(
        api,
        alice,
        title="No dogs",
        context=["home", "notifications", "thread"],
        filter_action="hide",
        keywords_attributes=[{"keyword": "dogs"}],
    )
    assert plain["id"] not in [
        s["id"] for s in await _timeline(api, "/api/v1/timelines/home", alice)
    ]
    assert plain["id"] in [s["id"] for s in await _timeline(api, "/api/v1/timelines/public", alice)]
    root = await api.post_status(alice, "what do you like?")
    reply = await api.post_status(bob, "@alice dogs!", in_reply_to_id=root["id"])
    other = await api.post_status(bob, "@alice birds", in_reply_to_id=root["id"])
    ctx = (await api.get(f"/api/v1/statuses/{root['id']}/context", alice)).json()
    assert [s["id"] for s in ctx["descendants"]] == [other["id"]]
    ctx = (await api.get(f"/api/v1/statuses/{reply['id']}/context", alice)).json()
    assert [s["id"] for s in ctx["ancestors"]] == [root["id"]]
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", alice)).json()
    assert [n["status"]["id"] for n in notes if n["type"] == "mention"] == [other["id"]]
    # Others are not affected.
    assert "filtered" not in (await api.get(f"/api/v1/statuses/{reply['id']}")).json()
    ctx = (await api.get(f"/api/v1/statuses/{root['id']}/context", bob)).json()
    assert len(ctx["descendants"]) == 2


async def test_expired_filters_do_not_apply(api: Api, alice: str, bob: str) -> None:
    post = await api.post_status(bob, "secret word")
    start = datetime(2030, 1, 1, tzinfo=UTC)
    clock.set_clock(lambda: start)
    try:
        await _filter(
            api,
            alice,
            title="t",
            context=["public"],
            filter_action="hide",
            expires_in=60,
            keywords_attributes=[{"keyword": "secret"}],
        )
        ids = [s["id"] for s in await _timeline(api, "/api/v1/timelines/public", alice)]
        assert post["id"] not in ids
        clock.set_clock(lambda: start + timedelta(minutes=2))
        ids = [s["id"] for s in await _timeline(api, "/api/v1/timelines/public", alice)]
        assert post["id"] in ids
    finally:
        clock.set_clock(None)


async def test_unicode_whole_words(api: Api, alice: str, bob: str) -> None:
    hit = await api.post_status(bob, "Un café, s'il vous plaît")
    miss = await api.post_status(bob, "cafés partout")
    await _filter(
        api,
        alice,
        title="café",
        context=["public"],
        keywords_attributes=[{"keyword": "CAFÉ"}, {"keyword": "#tag"}],
    )
    statuses = {s["id"]: s for s in await _timeline(api, "/api/v1/timelines/public", alice)}
    assert statuses[hit["id"]]["filtered"][0]["keyword_matches"] == ["café"]
    assert statuses[miss["id"]]["filtered"] == []


async def test_v1_filters(api: Api, alice: str, bob: str) -> None:
    r = await api.post(
        "/api/v1/filters",
        alice,
        json={"phrase": "spoiler", "context": ["home"], "irreversible": True, "whole_word": False},
    )
    assert r.status_code == 200, r.text
    v1 = r.json()
    check("V1Filter", v1)
    assert (v1["phrase"], v1["irreversible"], v1["whole_word"]) == ("spoiler", True, False)
    assert (await api.get("/api/v1/filters", alice)).json() == [v1]
    v2 = (await api.get("/api/v2/filters", alice)).json()
    assert v2[0]["title"] == "spoiler" and v2[0]["filter_action"] == "hide"
    assert v2[0]["keywords"][0]["id"] == v1["id"]
    path = f"/api/v1/filters/{v1['id']}"
    r = await api.request("PUT", path, alice, json={"phrase": "spoilers", "context": ["public"]})
    assert r.json()["phrase"] == "spoilers" and r.json()["context"] == ["public"]
    assert (await api.get(path, alice)).json() == r.json()
    # A v2 filter with two keywords cannot be changed through v1.
    await api.post(f"/api/v2/filters/{v2[0]['id']}/keywords", alice, json={"keyword": "leak"})
    r = await api.request("PUT", path, alice, json={"irreversible": False})
    assert r.status_code == 422 and "more than one filter keyword" in r.json()["error"]
    r = await api.post("/api/v1/filters", alice, json={"context": ["home"]})
    assert (r.status_code, r.json()["error"]) == (422, "Validation failed: Phrase can't be blank")
    assert (await api.get(path, bob)).status_code == 404
    assert (await api.request("DELETE", path, alice)).json() == {}
    assert [f["phrase"] for f in (await api.get("/api/v1/filters", alice)).json()] == ["leak"]


async def test_filters_cost_a_fixed_number_of_queries(
    api: Api, app: Any, alice: str, bob: str
) -> None:
    db = app.state.gazouille.db
    await api.follow(alice, (await api.me(bob))["id"])
    created = await _filter(
        api, alice, title="f", context=["home"], keywords_attributes=[{"keyword": "word"}]
    )

    async def count() -> int:
        db.query_counter = []
        try:
            r = await api.get("/api/v1/timelines/home", alice, params={"limit": 40})
            assert r.status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    async def add_posts(n: int) -> None:
        for i in range(n):
            status = await api.post_status(bob, f"a word {i}")
            await api.post(
                f"/api/v2/filters/{created['id']}/statuses", alice, json={"status_id": status["id"]}
            )

    await add_posts(2)
    small = await count()
    await add_posts(10)
    assert await count() == small


async def test_keywords_match_poll_options(api: Api, alice: str, bob: str) -> None:
    poll = await api.post_status(
        bob, "Which fruit?", poll={"options": ["Pineapple", "Kiwi"], "expires_in": 3600}
    )
    await _filter(
        api, alice, title="fruit", context=["public"], keywords_attributes=[{"keyword": "kiwi"}]
    )
    statuses = {s["id"]: s for s in await _timeline(api, "/api/v1/timelines/public", alice)}
    assert statuses[poll["id"]]["filtered"][0]["keyword_matches"] == ["Kiwi"]
