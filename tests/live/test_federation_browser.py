"""Federation as a person sees it in B's web UI, in Debian's Chromium driven by Playwright.

Two ``gazouille serve`` processes on loopback (A and B). Alice, on A, is made through A's
Mastodon API; Bruno, on B, is made through B's API too and then logs in with B's login form.
In the browser he looks alice up by her address on B's search page, opens her profile,
follows her, finds her post on his home timeline and on her profile, then unfollows her;
A's API confirms she lost the follower."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.live.conftest import PASSWORD
from tests.live.federation import Instance, User, eventually, logs, two_instances

pytestmark = pytest.mark.live
CHROMIUM = "/usr/bin/chromium"
PATIENCE = 90.0  # seconds: deliveries are background jobs on a busy machine
EXPECT_MS = 30_000

playwright_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)",
        allow_module_level=True,
    )

# After the skips (it skips likewise); its module-scoped Chromium serves here too.
from tests.web.test_browser import browser  # noqa: E402, F401

playwright_api.expect.set_options(timeout=EXPECT_MS)


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, Instance]]:
    with two_instances(tmp_path_factory, "fed-web") as pair:
        yield pair


def reload_until(page: Any, found: Callable[[], bool], what: str) -> None:
    """Reload ``page`` until ``found()`` holds: federated effects come from background jobs."""
    deadline = time.monotonic() + PATIENCE
    while not found():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what} (on {page.url})")
        time.sleep(1.0)
        page.reload()


def test_following_a_remote_account_in_the_browser(
    instances: tuple[Instance, Instance],
    browser: Any,  # noqa: F811
) -> None:
    a, b = instances
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_navigation_timeout(EXPECT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _journey(a, b, page)
        assert errors == [], errors
    except BaseException:
        print(logs(a, b))
        raise
    finally:
        context.close()


def _journey(a: Instance, b: Instance, page: Any) -> None:
    expect = playwright_api.expect
    alice = User(a, "alice")
    alice.call(
        "PATCH", "/api/v1/accounts/update_credentials", data={"display_name": "Alice Martin"}
    )
    bruno = User(b, "bruno")

    # Bruno logs in on B's web site with the account he made through an app.
    page.goto(f"{b.base}/auth/sign_in")
    page.fill("#login", "bruno")
    page.fill("#password", PASSWORD)
    page.click("form[action='/auth/sign_in'] button[type=submit]")
    page.wait_for_url(re.compile(r"/home$"))
    expect(page.locator(".switcher-name")).to_have_text("bruno")

    # He types alice's address in B's search page: B asks A and lists her.
    page.goto(f"{b.base}/search")
    page.fill("#search-q", alice.acct)
    page.click("form.search-box button[type=submit]")
    page.wait_for_url(re.compile(r"/search\?q="))
    row = page.locator(".account-row", has_text=f"@{alice.acct}")
    expect(row).to_have_count(1)
    expect(row.locator("a.display-name")).to_have_text("Alice Martin")

    # Her profile, then Follow; A accepts in the background.
    row.locator("a.display-name").click()
    page.wait_for_url(re.compile(re.escape(f"/@{alice.acct}") + "$"))
    expect(page.locator(".profile-names h1")).to_have_text("Alice Martin")
    expect(page.locator(".profile-names")).to_contain_text(f"@{alice.acct}")
    page.click(".profile-actions form[action$='/follow'] button")
    unfollow = page.locator(".profile-actions form[action$='/unfollow'] button")
    expect(unfollow).to_be_visible()  # "Cancel the request" until A's Accept arrives
    reload_until(
        page,
        lambda: (
            page.locator(".profile-actions form[action$='/unfollow'] button").inner_text()
            == "Unfollow"
        ),
        "A's Accept of bruno's follow, as an Unfollow button on B",
    )
    bruno_on_a = alice.find(bruno.acct)
    eventually(
        lambda: alice.relationship(bruno_on_a["id"])["followed_by"], "bruno follows alice on A"
    )

    # Alice posts on A; the post reaches Bruno's home timeline on B.
    alice.post("/api/v1/statuses", status="Bonjour depuis A")
    page.goto(f"{b.base}/home")
    post = page.locator("#feed article.status", has_text="Bonjour depuis A")
    reload_until(page, lambda: post.count() == 1, "alice's post on B's home timeline")
    expect(post.locator(".status-names")).to_contain_text("Alice Martin")
    expect(post.locator(".status-names")).to_contain_text(f"@{alice.acct}")

    # Her profile on B shows her name and the post.
    post.locator(".status-names a.display-name").click()
    page.wait_for_url(re.compile(re.escape(f"/@{alice.acct}") + "$"))
    expect(page.locator(".profile-names h1")).to_have_text("Alice Martin")
    expect(page.locator("#feed article.status", has_text="Bonjour depuis A")).to_have_count(1)

    # Unfollow: B shows Follow again, and A hears of it.
    page.click(".profile-actions form[action$='/unfollow'] button")
    expect(page.locator(".profile-actions form[action$='/follow'] button")).to_have_text("Follow")
    eventually(
        lambda: not alice.relationship(bruno_on_a["id"])["followed_by"],
        "bruno's Undo of the follow seen on A",
        PATIENCE,
    )
    assert bruno.relationship(bruno.find(alice.acct)["id"])["following"] is False
