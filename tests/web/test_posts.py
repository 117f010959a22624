"""Compose, timelines, actions on posts and threads through the pages: what each person may
see, errors next to the fields, "load more", the live poller, and a timeline page rendered
in a fixed number of queries."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from gazouille.domains import instance
from gazouille.models import MediaAttachment, Status
from tests.web.conftest import Browser


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def ids(html: str) -> list[str]:
    return re.findall(r'<article class="status[^"]*" id="status-(\d+)"', html)


async def post(browser: Browser, text: str, **extra: Any) -> str:
    r = await browser.post("/compose", {"status": text, **extra})
    assert r.status_code == 303, r.text
    found = ids((await browser.get("/home")).text)
    return found[0]


async def test_compose_with_an_image_and_its_description(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    await browser.get("/home")
    r = await browser.client.post(
        "/compose",
        data={
            "csrf": browser.csrf,
            "status": "Un carré rouge",
            "description_0": "A red square",
            "in_feed": "1",
        },
        files={"media": ("square.png", png(), "image/png")},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert 'alt="A red square"' in r.text and "Un carré rouge" in r.text
    assert 'hx-swap-oob="outerHTML:#compose-box"' in r.text  # a fresh compose box
    home = await browser.get("/home")
    assert 'alt="A red square"' in home.text


async def test_alt_text_required_by_the_admin(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    async with db.write() as session:
        await instance.update_settings(session, require_alt_text=True)
    await browser.get("/home")
    r = await browser.client.post(
        "/compose",
        data={"csrf": browser.csrf, "status": "No description"},
        files={"media": ("square.png", png(), "image/png")},
    )
    assert r.status_code == 422 and "needs a description (alt text)" in r.text
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(MediaAttachment)) == 0
        assert await session.scalar(select(func.count()).select_from(Status)) == 0


async def test_compose_errors_and_htmx_retarget(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    r = await browser.post("/compose", {"status": "x" * 501})
    assert r.status_code == 422 and "character limit of 500 exceeded" in r.text.lower()
    assert "x" * 501 in r.text  # the text is kept
    r = await browser.htmx_post("/compose", {"status": "", "in_feed": "1"})
    assert r.status_code == 422 and r.headers["HX-Retarget"] == "#compose-box"
    r = await browser.post("/compose", {"status": "poll", "poll_option_0": "only one"})
    assert r.status_code == 422 and "at least 2 options" in r.text
    r = await browser.post("/compose", {"status": "later", "scheduled_at": "not a date"})
    assert r.status_code == 422
    r = await browser.client.post(
        "/compose",
        data={"csrf": browser.csrf, "status": "not an image"},
        files={"media": ("notes.txt", b"hello", "text/plain")},
    )
    assert r.status_code == 422 and 'id="media-error"' in r.text
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Status)) == 0


async def test_poll_schedule_reply_quote_edit_delete(
    browser: Browser, browser2: Browser, db: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    poll_id = await post(
        browser, "Thé ou café ?", poll_option_0="Thé", poll_option_1="Café", poll_expires_in="3600"
    )
    r = await browser2.get(f"/@alice/{poll_id}")
    assert 'name="choices"' in r.text
    voted = await browser2.post(
        f"/statuses/{poll_id}/vote", {"choices": "1", "next": f"/@alice/{poll_id}"}
    )
    assert voted.status_code == 303
    assert "100 %" in (await browser2.get(f"/@alice/{poll_id}")).text
    scheduled = await browser.post(
        "/compose", {"status": "plus tard", "scheduled_at": "2999-01-01T10:00", "tz_offset": "-60"}
    )
    assert scheduled.headers["location"] == "/scheduled"
    page = await browser.get("/scheduled")
    assert "plus tard" in page.text
    reply_form = await browser2.get(f"/compose?in_reply_to_id={poll_id}")
    assert "@alice " in reply_form.text
    r = await browser2.post("/compose", {"status": "@alice Thé !", "in_reply_to_id": poll_id})
    assert r.headers["location"].startswith("/@bob/")
    thread = await browser.get(f"/@alice/{poll_id}")
    assert "Thé !" in thread.text and 'class="status focused"' in thread.text
    quote = await browser2.post("/compose", {"status": "Bonne question", "quote_id": poll_id})
    assert quote.status_code == 303
    edit_page = await browser.get(f"/statuses/{poll_id}/edit")
    assert "Thé ou café ?" in edit_page.text
    assert (await browser2.get(f"/statuses/{poll_id}/edit")).status_code == 404
    edited = await browser.post(f"/statuses/{poll_id}/edit", {"status": "Thé ou café, vraiment ?"})
    assert edited.status_code == 303
    assert "vraiment" in (await browser.get(f"/@alice/{poll_id}")).text
    own = await post(browser, "à supprimer")
    assert (await browser2.post(f"/statuses/{own}/delete", {})).status_code == 404
    gone = await browser.post(f"/statuses/{own}/delete", {"next": f"/@alice/{own}"})
    assert gone.headers["location"] == "/home"
    assert (await browser.get(f"/@alice/{own}")).status_code == 404


async def test_actions_with_and_without_htmx(
    browser: Browser, browser2: Browser, run_jobs: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    status_id = await post(browser, "Bonjour")
    r = await browser2.htmx_post(f"/statuses/{status_id}/favourite", {"item": status_id})
    assert r.status_code == 200 and r.text.lstrip().startswith("<article")
    assert 'aria-pressed="true"' in r.text and "unfavourite" in r.text
    r = await browser2.post(
        f"/statuses/{status_id}/reblog", {"item": status_id, "next": "/public/local"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/public/local"
    r = await browser2.post(f"/statuses/{status_id}/bookmark", {"item": status_id})
    assert status_id in ids((await browser2.get("/bookmarks")).text)
    await run_jobs()
    r = await browser2.htmx_post(f"/statuses/{status_id}/unreblog", {"item": status_id})
    assert r.status_code == 200 and "/reblog" in r.text
    assert (await browser2.post("/statuses/123/favourite", {})).status_code == 404
    assert (await browser2.post(f"/statuses/{status_id}/explode", {})).status_code == 404
    await run_jobs()
    notifications = await browser.get("/notifications")
    notifications_text = plain(notifications.text)
    assert (
        "bob liked your post" in notifications_text
        and "bob reposted your post" in notifications_text
    )
    only_likes = plain((await browser.get("/notifications?filter=favourites")).text)
    assert "bob liked your post" in only_likes and "reposted your post" not in only_likes
    # Opening the page marked them read.
    assert "unread" not in (await browser.get("/web/badge")).text


async def test_private_posts_stay_private(
    browser: Browser, browser2: Browser, anonymous: Browser
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    secret = await post(browser, "réservé aux abonnés", visibility="private")
    public = await post(browser, "pour tout le monde")
    for reader in (browser2, anonymous):
        assert (await reader.get(f"/@alice/{secret}")).status_code == 404
        profile = await reader.get("/@alice")
        assert secret not in ids(profile.text) and public in ids(profile.text)
        assert secret not in ids((await reader.get("/public/local")).text)
        assert (await reader.post(f"/statuses/{secret}/favourite", {})).status_code in (303, 404)
    assert (await browser2.post(f"/statuses/{secret}/favourite", {})).status_code == 404
    assert (await browser.get(f"/@bob/{public}")).status_code == 404  # wrong author in the URL
    page = await anonymous.get(f"/@alice/{public}")
    assert page.status_code == 200
    assert '<meta property="og:title" content="alice (@alice)">' in page.text
    assert '<meta property="og:description" content="pour tout le monde">' in page.text
    profile = await anonymous.get("/@alice")
    assert '<meta property="og:type" content="profile">' in profile.text


async def test_load_more_and_the_live_poller(browser: Browser) -> None:
    await browser.sign_up("alice")
    posted = [await post(browser, f"message {n}") for n in range(23)]
    newest_first = list(reversed(posted))
    first = await browser.get("/home")
    assert ids(first.text) == newest_first[:20]
    more = re.search(r'href="(/home\?max_id=\d+)"', first.text).group(1)  # type: ignore[union-attr]
    page2 = await browser.get(more, headers={"HX-Request": "true"})
    assert ids(page2.text) == newest_first[20:] and "<html" not in page2.text
    assert ids((await browser.get(more)).text) == newest_first[20:]  # without JavaScript too
    poll_url = re.search(r'hx-get="(/home\?since_id=\d+)"', first.text).group(1)  # type: ignore[union-attr]
    nothing = await browser.get(poll_url, headers={"HX-Request": "true"})
    assert ids(nothing.text) == []
    latest = await post(browser, "tout neuf")
    news = await browser.get(poll_url, headers={"HX-Request": "true"})
    assert ids(news.text) == [latest] and f"since_id={latest}" in news.text


async def test_home_page_takes_a_fixed_number_of_queries(
    browser: Browser, browser2: Browser, db: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    bob_page = await browser.get("/@bob")
    bob_id = re.search(r'action="/accounts/(\d+)/follow"', bob_page.text).group(1)  # type: ignore[union-attr]
    await browser.post(f"/accounts/{bob_id}/follow", {})

    async def add(n: int) -> None:
        for i in range(n):
            status_id = await post(browser2, f"post {i} @alice #tag{i % 3}")
            await browser.post(f"/statuses/{status_id}/favourite", {})
            await browser.post(f"/statuses/{status_id}/bookmark", {})

    async def queries() -> int:
        db.query_counter = []
        try:
            assert (await browser.get("/home")).status_code == 200
            return len(db.query_counter)
        finally:
            db.query_counter = None

    await add(2)
    small = await queries()
    await add(10)
    assert await queries() == small
    assert small <= 25
