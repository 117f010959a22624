"""GET /api/v2/search: accounts, hashtags and language-aware full-text search of statuses,
with Mastodon's rules on who may search what, and nothing leaking that must not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from gazouille.domains.search.tasks import sweep_index
from gazouille.models import StatusSearch
from gazouille.worker.runtime import JobContext
from tests.api.test_contract import check
from tests.conftest import Api

SEARCH = "/api/v2/search"


async def find(api: Api, token: str | None, q: str, **params: Any) -> dict[str, Any]:
    r = await api.get(SEARCH, token, params={"q": q, **params})
    assert r.status_code == 200, r.text
    return dict(r.json())


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


async def test_french_post_found_by_stem_and_by_hashtag(api: Api, alice: str, bob: str) -> None:
    post = await api.post_status(alice, "Nous mangeons au restaurant #cuisine", language="fr")
    found = await find(api, bob, "manger")
    assert ids(found["statuses"]) == [post["id"]]
    for entity in found["statuses"]:
        check("Status", entity)
    check("Search", found)
    tagged = await find(api, bob, "#cuisine")
    assert [t["name"] for t in tagged["hashtags"]] == ["cuisine"]
    assert ids(tagged["statuses"]) == [post["id"]]
    assert tagged["accounts"] == []
    check("Tag", tagged["hashtags"][0])
    timeline = await api.get("/api/v1/timelines/tag/cuisine")
    assert ids(timeline.json()) == [post["id"]]


@pytest.mark.parametrize(
    ("text", "language", "query"),
    [
        ("Un événement inoubliable", "fr", "evenement"),
        ("Un evenement inoubliable", "fr", "événements"),
        ("ÉVÉNEMENT majeur", None, "événement"),
        ("We were running all day", "en", "runs"),
        ("Les chanteurs chantaient", "fr", "chanter"),
        ("Nous chantons ensemble", None, "chanter"),
    ],
)
async def test_stemming_and_accent_folding(
    api: Api, alice: str, text: str, language: str | None, query: str
) -> None:
    extra = {"language": language} if language else {}
    post = await api.post_status(alice, text, **extra)
    await api.post_status(alice, "something else entirely")
    assert ids((await find(api, alice, query, type="statuses"))["statuses"]) == [post["id"]]


async def test_every_word_must_match(api: Api, alice: str) -> None:
    both = await api.post_status(alice, "le chat dort sur le canapé")
    await api.post_status(alice, "le chat mange")
    assert ids((await find(api, alice, "chat canape"))["statuses"]) == [both["id"]]
    assert (await find(api, alice, "chat licorne"))["statuses"] == []


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "chat*",
        "chat OR NOT",
        "NEAR(chat dort)",
        "chat AND",
        "-chat",
        "col:chat",
        "chat & | ! ( ) ' :*",
        "^chat",
        "x" * 5000,
        "chat " * 300,
        "%_\\",
        "'; DROP TABLE statuses; --",
        "🐱",
        "   ",
    ],
)
async def test_malformed_queries_never_fail(api: Api, alice: str, query: str) -> None:
    await api.post_status(alice, "le chat dort")
    r = await api.get(SEARCH, alice, params={"q": query})
    if query.strip():
        assert r.status_code == 200, r.text
        assert set(r.json()) >= {"accounts", "statuses", "hashtags"}
    else:
        assert r.status_code == 400


async def test_status_search_respects_visibility(
    api: Api, alice: str, bob: str, carol: str
) -> None:
    a = await api.me(alice)
    b = await api.me(bob)
    public = await api.post_status(alice, "secret recipe public", visibility="public")
    unlisted = await api.post_status(alice, "secret recipe unlisted", visibility="unlisted")
    private = await api.post_status(alice, "secret recipe private", visibility="private")
    direct = await api.post_status(alice, "@bob secret recipe direct", visibility="direct")
    # Carol follows nobody and is mentioned nowhere: only public and unlisted.
    assert ids((await find(api, carol, "recipe"))["statuses"]) == [unlisted["id"], public["id"]]
    # Bob is mentioned in the direct message; once he follows Alice he sees the private one.
    assert ids((await find(api, bob, "recipe"))["statuses"]) == [
        direct["id"],
        unlisted["id"],
        public["id"],
    ]
    await api.follow(bob, a["id"])
    assert len((await find(api, bob, "recipe"))["statuses"]) == 4
    # The author finds all of hers; account_id narrows to one author.
    assert len((await find(api, alice, "recipe"))["statuses"]) == 4
    assert (await find(api, alice, "recipe", account_id=b["id"]))["statuses"] == []
    # Anonymous: Mastodon searches no statuses without a token.
    assert (await find(api, None, "recipe"))["statuses"] == []
    assert private["id"] not in ids((await find(api, carol, "private"))["statuses"])


async def test_authors_who_opted_out_of_search(api: Api, alice: str, bob: str) -> None:
    post = await api.post_status(alice, "hidden gem")
    r = await api.request(
        "PATCH", "/api/v1/accounts/update_credentials", alice, json={"indexable": False}
    )
    assert r.status_code == 200, r.text
    assert (await find(api, bob, "gem"))["statuses"] == []
    assert ids((await find(api, alice, "gem"))["statuses"]) == [post["id"]]
    await api.post(f"/api/v1/statuses/{post['id']}/favourite", bob)
    assert ids((await find(api, bob, "gem"))["statuses"]) == [post["id"]]


async def test_newest_first_limit_and_pagination(api: Api, alice: str) -> None:
    posted = [(await api.post_status(alice, f"soupe numéro {n}"))["id"] for n in range(5)]
    newest = list(reversed(posted))
    page = await find(api, alice, "soupe", type="statuses", limit=2)
    assert ids(page["statuses"]) == newest[:2]
    nxt = await find(api, alice, "soupe", type="statuses", limit=2, offset=2)
    assert ids(nxt["statuses"]) == newest[2:4]
    older = await find(api, alice, "soupe", type="statuses", max_id=newest[1])
    assert ids(older["statuses"]) == newest[2:]
    newer = await find(api, alice, "soupe", type="statuses", min_id=newest[3], limit=2)
    assert ids(newer["statuses"]) == newest[1:3]
    default = await find(api, alice, "soupe", limit=1000)
    assert len(default["statuses"]) == 5  # limit capped at 40, five exist
    # Without a type, the offset is ignored, as on Mastodon.
    assert ids((await find(api, alice, "soupe", offset=2))["statuses"]) == newest


async def test_deleted_and_edited_statuses(api: Api, db: Any, alice: str) -> None:
    post = await api.post_status(alice, "ephemeral thought")
    assert ids((await find(api, alice, "ephemeral"))["statuses"]) == [post["id"]]
    r = await api.request("DELETE", f"/api/v1/statuses/{post['id']}", alice)
    assert r.status_code == 200
    assert (await find(api, alice, "ephemeral"))["statuses"] == []
    async with db.read() as session:
        left = (await session.execute(select(func.count()).select_from(StatusSearch))).scalar()
    assert left == 0


async def test_sweep_indexes_what_was_missed(api: Api, app: Any, db: Any, alice: str) -> None:
    post = await api.post_status(alice, "forgotten lighthouse")
    async with db.write() as session:
        await session.execute(StatusSearch.__table__.delete())
    assert (await find(api, alice, "lighthouse"))["statuses"] == []
    state = app.state.gazouille
    await sweep_index(JobContext(state.db, state.pubsub), {})
    assert ids((await find(api, alice, "lighthouse"))["statuses"]) == [post["id"]]
    await sweep_index(JobContext(state.db, state.pubsub), {})  # idempotent
    assert ids((await find(api, alice, "lighthouse"))["statuses"]) == [post["id"]]


async def test_accounts_search(api: Api, alice: str, bob: str, carol: str) -> None:
    a = await api.me(alice)
    b = await api.me(bob)
    r = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        bob,
        json={"display_name": "Éloïse Bobinette"},
    )
    assert r.status_code == 200
    for query in ("eloise", "ÉLO", "bobin", "bo"):
        found = await find(api, carol, query, type="accounts")
        assert b["id"] in ids(found["accounts"]), query
    for entity in (await find(api, carol, "eloise"))["accounts"]:
        check("Account", entity)
    # Exact acct matches come first, with or without @ and the local domain.
    await api.register("alicette")
    for query in ("@alice", "alice", "alice@localhost:3000", "@alice@localhost:3000"):
        found = await find(api, carol, query)
        assert ids(found["accounts"])[0] == a["id"], query
    # following=true keeps only followed accounts.
    assert (await find(api, carol, "ali", following="true"))["accounts"] == []
    await api.follow(carol, a["id"])
    assert ids((await find(api, carol, "ali", following="true"))["accounts"]) == [a["id"]]
    # Anonymous short queries only get the exact match.
    assert ids((await find(api, None, "al"))["accounts"]) == []
    assert ids((await find(api, None, "bob"))["accounts"]) == [b["id"]]
    # A remote acct is not fetched (federation is not built): nothing.
    assert (await find(api, carol, "@someone@example.org", resolve="true"))["accounts"] == []


async def test_hashtag_search(api: Api, alice: str, bob: str) -> None:
    await api.post_status(alice, "#Cuisiner #cuisine #cuisine2")
    await api.post_status(bob, "#cuisine2 encore")
    found = await find(api, alice, "cuis", type="hashtags")
    assert [t["name"] for t in found["hashtags"]] == ["cuisine2", "cuisine", "Cuisiner"]
    exact = await find(api, alice, "#cuisine", type="hashtags")
    assert exact["hashtags"][0]["name"] == "cuisine"
    assert (await find(api, alice, "CUÏS", type="hashtags"))["hashtags"] != []
    assert (await find(api, alice, "cuis@x", type="hashtags"))["hashtags"] == []
    for tag in found["hashtags"]:
        check("Tag", tag)


async def test_search_errors(api: Api, alice: str) -> None:
    missing = await api.get(SEARCH, alice)
    assert missing.status_code == 400
    assert missing.json() == {"error": "param is missing or the value is empty: q"}
    offset = await api.get(SEARCH, params={"q": "x", "offset": "5", "type": "accounts"})
    assert offset.status_code == 401
    assert offset.json()["error"] == (
        "Search queries pagination is not supported without authentication"
    )
    resolve = await api.get(SEARCH, params={"q": "x", "resolve": "true"})
    assert resolve.status_code == 401
    negative = await api.get(SEARCH, alice, params={"q": "x", "limit": "-1"})
    assert negative.status_code == 400
    bad = await api.get(SEARCH, alice, params={"q": "x", "limit": "many"})
    assert bad.status_code == 422
    unknown = await find(api, alice, "alice", type="people")
    assert unknown == {"accounts": [], "statuses": [], "hashtags": [], "collections": []}
    url = await find(api, alice, "https://example.org/@bob", resolve="true")
    assert url == {"accounts": [], "statuses": [], "hashtags": [], "collections": []}


async def test_new_post_is_searchable_at_once(api: Api, alice: str, bob: str) -> None:
    post = await api.post_status(alice, "instantané")
    assert ids((await find(api, bob, "instantane"))["statuses"]) == [post["id"]]


def test_link_free_terms() -> None:
    from gazouille.domains.search.analysis import document_terms

    terms = document_terms(["voir https://example.com/path?q=secret"], "fr")
    assert "secret" not in terms.split() and "example" not in terms.split()
    assert re.fullmatch(r"[a-z0-9 ]+", terms)
