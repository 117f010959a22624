"""The site in a real browser: Debian's Chromium driven by Playwright against a live
``gazouille serve`` on a free loopback port. The journey of the issue: sign up, log in,
post an image with alt text, see it on the home timeline, a second account follows and
likes it, the first receives the notification live, switches to French, logs out. Then
screenshots of the main pages at desktop and phone widths go to docs/screenshots/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.live.conftest import free_port, fresh_database, server_env, start, stop, wait_healthy

pytestmark = pytest.mark.live
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "correct horse battery"
LIVE_TIMEOUT_MS = 15_000  # the notification comes through server-sent events within seconds

playwright_api = pytest.importorskip("playwright.sync_api")
# CI machines are small and busy: give each expectation time rather than flake.
playwright_api.expect.set_options(timeout=20_000)
if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database() as database:
        port = free_port()
        base_url = f"http://localhost:{port}"
        data_dir = tmp_path_factory.mktemp("web-live")
        log_path = data_dir / "server.log"
        proc = start(
            ["serve", "--migrate", "--port", str(port)],
            server_env(base_url, data_dir, database),
            log_path,
        )
        try:
            wait_healthy(proc, base_url, log_path)
            yield base_url
        finally:
            stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "sunset.png"
    image = Image.new("RGB", (640, 400), (230, 120, 40))
    for x in range(640):
        for y in range(260, 400):
            image.putpixel((x, y), (40, 60, 140))
    image.save(path)
    return path


def sign_up(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/auth/sign_up")
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirmation", PASSWORD)
    page.check("#agreement")
    page.click("form[action='/auth/sign_up'] button[type=submit]")
    page.wait_for_url(re.compile(r"/home"))


def log_out(page: Any) -> None:
    page.click(".switcher summary")
    page.click(".switcher form[action='/auth/sign_out'] button")
    page.wait_for_url(re.compile(r"/auth/sign_in"))


def test_journey(site: str, browser: Any, picture: Path) -> None:
    expect = playwright_api.expect
    alice_context = browser.new_context(viewport={"width": 1280, "height": 900})
    alice = alice_context.new_page()
    errors: list[str] = []
    alice.on("pageerror", lambda exc: errors.append(str(exc)))

    # Sign up, log out, log in again.
    sign_up(alice, site, "alice")
    expect(alice.locator(".switcher-name")).to_have_text("alice")
    log_out(alice)
    alice.fill("#login", "alice@example.com")
    alice.fill("#password", PASSWORD)
    alice.click("form[action='/auth/sign_in'] button[type=submit]")
    alice.wait_for_url(re.compile(r"/home$"))

    # Post a picture with its description from the home timeline's compose box.
    alice.click("#compose-box summary:has-text('Photos and video')")
    alice.set_input_files("#compose-media", str(picture))
    alice.fill("#description_0", "An orange sunset over a blue sea")
    alice.fill("#compose-status", "Coucher de soleil ce soir #photo")
    expect(alice.locator("#compose-counter")).to_have_text(
        str(500 - len("Coucher de soleil ce soir #photo"))
    )
    alice.click("#compose-box button[type=submit]")
    posted = alice.locator("#feed article.status", has_text="Coucher de soleil ce soir")
    expect(posted).to_have_count(1)
    expect(posted.locator("img[alt='An orange sunset over a blue sea']")).to_be_visible()
    expect(alice.locator("#compose-status")).to_have_value("")  # the box is ready again
    alice.reload()
    expect(
        alice.locator("#feed article.status", has_text="Coucher de soleil ce soir")
    ).to_have_count(1)

    # A second person, in another browser, follows Alice and likes the post.
    bob_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    bob = bob_context.new_page()
    sign_up(bob, site, "bob")
    bob.goto(f"{site}/@alice")
    bob.click(".profile-actions form[action$='/follow'] button")
    expect(bob.locator(".profile-actions form[action$='/unfollow'] button")).to_be_visible()
    bob.goto(f"{site}/home")
    post = bob.locator("#feed article.status", has_text="Coucher de soleil ce soir")
    expect(post).to_have_count(1)
    post.locator("button.like").click()
    expect(post.locator("button.like")).to_have_attribute("aria-pressed", "true")
    expect(post.locator("button.like .count")).to_have_text("1")

    # Alice did not reload: the badge of her notifications lights up on its own.
    expect(alice.locator("#notification-badge")).to_contain_text("2", timeout=LIVE_TIMEOUT_MS)
    alice.click("nav.nav a[href='/notifications']")
    expect(alice.locator(".notification", has_text="bob liked your post")).to_be_visible()
    expect(alice.locator(".notification", has_text="bob followed you")).to_be_visible()

    # French, as people know it from Mastodon and Twitter.
    alice.goto(f"{site}/settings/preferences")
    alice.select_option("#locale", "fr")
    alice.click("form[action='/settings/preferences'] button[type=submit]")
    expect(alice.locator("nav.nav")).to_contain_text("Accueil")
    expect(alice.locator("nav.nav .publish")).to_have_text("Publier")
    alice.goto(f"{site}/@alice")
    expect(alice.locator(".counts")).to_contain_text("Abonnés")
    expect(alice.locator(".counts")).to_contain_text("Abonnements")
    expect(alice.locator("article.status button.like .action-label")).to_have_text("J'aime")

    log_out(alice)
    expect(alice.locator("h1")).to_contain_text("Se connecter")
    assert errors == []
    bob_context.close()
    alice_context.close()


PAGES = [
    ("landing", "/", False),
    ("sign-in", "/auth/sign_in", False),
    ("home", "/home", True),
    ("thread", None, True),
    ("profile", "/@camille", True),
    ("notifications", "/notifications", True),
    ("compose", "/compose", True),
    ("explore", "/explore", True),
    ("settings", "/settings/preferences", True),
    ("home-fr", "/home", True),
]


def test_screenshots(
    site: str, browser: Any, picture: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The main pages at desktop and phone widths. ``make screenshots`` (which sets
    GAZOUILLE_SCREENSHOTS=docs) writes them to docs/screenshots/ for the README; a plain
    test run writes them to a temporary directory, so the work tree stays clean."""
    expect = playwright_api.expect
    if os.environ.get("GAZOUILLE_SCREENSHOTS") == "docs":
        shots = DOCS_SCREENSHOTS
    else:
        shots = tmp_path_factory.mktemp("screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    author_context = browser.new_context(viewport={"width": 1280, "height": 900})
    author = author_context.new_page()
    sign_up(author, site, "dominique")
    author.fill("#compose-status", "Le marché du samedi est de retour sur la place ! #marché")
    author.click("#compose-box button[type=submit]")
    expect(author.locator("#feed article.status")).to_have_count(1)
    author_context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_up(page, site, "camille")
    page.goto(f"{site}/settings/profile")
    page.fill("#display_name", "Camille")
    page.fill("#note", "Photos, birds and #Rugby on Sundays.")
    page.fill("#field_name_0", "Website")
    page.fill("#field_value_0", "https://camille.example")
    page.click("form[action='/settings/profile'] button[type=submit]")
    for name in ("dominique",):
        page.goto(f"{site}/@{name}")
        page.click(".profile-actions form[action$='/follow'] button")
    page.goto(f"{site}/home")
    page.click("#compose-box summary:has-text('Photos and video')")
    page.set_input_files("#compose-media", str(picture))
    page.fill("#description_0", "An orange sunset over a blue sea")
    page.fill("#compose-status", "Sunset from the harbour tonight #photo")
    page.click("#compose-box button[type=submit]")
    expect(page.locator("#feed article.status", has_text="Sunset from the harbour")).to_have_count(
        1
    )
    page.click("#compose-box summary:has-text('Poll')")
    page.fill("#compose-status", "Tea or coffee?")
    page.fill("#poll_option_0", "Tea")
    page.fill("#poll_option_1", "Coffee")
    page.click("#compose-box button[type=submit]")
    expect(page.locator("#feed article.status", has_text="Tea or coffee?")).to_have_count(1)
    thread_url = (
        page.locator("#feed article.status", has_text="Tea or coffee?")
        .locator("a.status-time")
        .get_attribute("href")
    )

    anonymous = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    for name, path, signed_in in PAGES:
        target = thread_url if name == "thread" else path
        if name == "home-fr":
            page.goto(f"{site}/settings/preferences")
            page.select_option("#locale", "fr")
            page.click("form[action='/settings/preferences'] button[type=submit]")
        tab = page if signed_in else anonymous.new_page()
        for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
            tab.set_viewport_size({"width": width, "height": height})
            tab.goto(f"{site}{target}")
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(shots / f"{name}-{label}.png"))
        if not signed_in:
            tab.close()
    anonymous.close()
    context.close()
    assert len(list(shots.glob("*.png"))) >= 2 * len(PAGES)
