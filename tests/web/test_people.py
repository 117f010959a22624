"""Profiles, follows, blocks and mutes, hidden collections, lists, hashtags, search,
explore and direct messages, through the pages; the 404 page; French labels."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update

from gazouille.models import Account
from tests.web.conftest import Browser
from tests.web.test_posts import ids, plain, post


def account_id(html: str, action: str = "follow") -> str:
    return re.search(rf'action="/accounts/(\d+)/{action}"', html).group(1)  # type: ignore[union-attr]


async def test_profile_follow_block_mute(browser: Browser, browser2: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    hello = await post(browser, "Bonjour")
    bobs = await post(browser2, "Une question ?")
    reply = await post(browser, "@bob une réponse", in_reply_to_id=bobs)
    page = await browser2.get("/@alice")
    text = plain(page.text)
    assert "2 Posts" in text and "0 Following" in text and "0 Followers" in text
    assert ids(page.text) == [hello]  # replies only under "Posts and replies"
    assert ids((await browser2.get("/@alice/with_replies")).text) == [reply, hello]
    alice = account_id(page.text)
    await browser2.post(f"/accounts/{alice}/follow", {"next": "/@alice"})
    page = await browser2.get("/@alice")
    assert f'action="/accounts/{alice}/unfollow"' in page.text and "1 Followers" in plain(page.text)
    assert "@bob" in plain((await browser2.get("/@alice/followers")).text)
    bob_page = await browser.get("/@bob")
    assert "Follows you" in bob_page.text and "Follow back" in bob_page.text
    assert "follower ratio" in plain((await browser2.get("/@bob")).text)  # follows 1
    await browser2.post(f"/accounts/{alice}/mute", {})
    assert "Unmute @alice" in (await browser2.get("/@alice")).text
    assert "@alice" in plain((await browser2.get("/settings/relationships")).text)
    await browser2.post(f"/accounts/{alice}/unmute", {})
    await browser2.post(f"/accounts/{alice}/block", {})
    assert f'action="/accounts/{alice}/unblock"' in (await browser2.get("/@alice")).text
    blocked_view = await browser.get("/@bob")
    assert "not available to you" in blocked_view.text  # Alice is blocked by Bob
    assert (await browser2.post("/accounts/999/follow", {})).status_code == 404
    assert (await browser2.post(f"/accounts/{alice}/befriend", {})).status_code == 404


async def test_hidden_collections_and_locked_accounts(
    browser: Browser, browser2: Browser, db: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    await browser.post(
        "/settings/profile",
        {
            "display_name": "Alice",
            "note": "Hi #birds",
            "hide_collections": "1",
            "locked": "1",
            "field_name_0": "Site",
            "field_value_0": "https://alice.example",
        },
    )
    hidden = await browser2.get("/@alice/followers")
    assert "chosen to hide this list" in hidden.text
    own = await browser.get("/@alice/followers")
    assert "chosen to hide" not in own.text
    profile = await browser2.get("/@alice")
    assert 'href="https://alice.example"' in profile.text and "Alice" in profile.text
    alice = account_id(profile.text)
    await browser2.post(f"/accounts/{alice}/follow", {})
    assert "Cancel the request" in (await browser2.get("/@alice")).text
    requests = await browser.get("/follow_requests")
    assert "@bob" in plain(requests.text)
    bob = re.search(r'name="account_id" value="(\d+)"', requests.text).group(1)  # type: ignore[union-attr]
    await browser.post("/follow_requests/authorize", {"account_id": bob})
    assert f'action="/accounts/{alice}/unfollow"' in (await browser2.get("/@alice")).text
    assert (
        await browser.post("/follow_requests/authorize", {"account_id": bob})
    ).status_code == 404


async def test_lists_hashtags_search_explore_and_direct(
    browser: Browser, browser2: Browser, run_jobs: Any, db: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    bob_post = await post(browser2, "Vive les #oiseaux")
    bob = account_id((await browser.get("/@bob")).text)
    await browser.post(f"/accounts/{bob}/follow", {})
    created = await browser.post("/lists", {"title": "Amis"})
    list_path = created.headers["location"]
    not_followed = await browser.post(f"{list_path}/add", {"acct": "nobody"})
    assert not_followed.status_code == 422
    await browser.post(f"{list_path}/add", {"acct": "bob"})
    assert ids((await browser.get(list_path)).text) == [bob_post]
    assert (await browser2.get(list_path)).status_code == 404  # not Bob's list
    assert (await browser.post("/lists", {"title": ""})).status_code == 422
    tag = await browser.get("/tags/oiseaux")
    assert ids(tag.text) == [bob_post] and "Follow the hashtag" in tag.text
    await browser.post("/tags/oiseaux/follow", {})
    assert "Unfollow the hashtag" in (await browser.get("/tags/oiseaux")).text
    found = await browser.get("/search?q=bob")
    assert "@bob" in plain(found.text)
    assert (await browser.get("/search?q=" + "x" * 5000)).status_code == 200
    assert (await browser.get("/explore")).status_code == 200
    await browser.post("/compose", {"status": "@bob un secret", "visibility": "direct"})
    await run_jobs()
    dms = await browser2.get("/conversations")
    assert "un secret" in dms.text
    assert "un secret" not in (await browser2.get("/public/local")).text


async def test_error_pages_look_like_the_site(anonymous: Browser, api: Any) -> None:
    r = await anonymous.get("/@nobody")
    assert r.status_code == 404 and "This page does not exist" in r.text and "<nav" in r.text
    r = await anonymous.get("/no/such/page")
    assert r.status_code == 404 and "This page does not exist" in r.text
    r = await anonymous.get("/@alice/notanumber")
    assert r.status_code == 404
    r = await anonymous.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    r = await anonymous.get("/home")
    assert r.status_code == 303 and r.headers["location"] == "/auth/sign_in?next=/home"
    r = await anonymous.get("/home", headers={"HX-Request": "true"})
    assert r.status_code == 204 and r.headers["HX-Redirect"] == "/auth/sign_in?next=/home"
    french = await anonymous.get("/nope", headers={"Accept-Language": "fr"})
    assert "Cette page n'existe pas" in french.text


async def test_server_error_page(anonymous: Browser, app: Any, monkeypatch: Any) -> None:
    from gazouille.web.views import timelines

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(timelines.timelines, "public", broken)
    r = await anonymous.get("/public/local")
    assert r.status_code == 500 and "Something went wrong" in r.text
    assert "boom" not in r.text and "Traceback" not in r.text


async def test_french_labels(browser: Browser, browser2: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    await post(browser2, "Salut")
    await browser.post("/lang", {"locale": "fr", "next": "/@bob"})
    page = plain((await browser.get("/@bob")).text)
    for label in (
        "Accueil",
        "Publier",
        "Abonnés",
        "Abonnements",
        "J'aime",
        "Repartager",
        "Répondre",
        "Suivre",
    ):
        assert label in page, label
    async with db.write() as session:
        await session.execute(update(Account).values(display_name="Bob"))
    assert "Se déconnecter" in (await browser.get("/home")).text
