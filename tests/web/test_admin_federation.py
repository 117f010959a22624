"""The admin's federation pages: domain blocks (list, form with readable errors, edit,
lift, who sees the list) and the known servers with their delivery health, in English and
French; then, in a real browser against a live server, an admin blocks a domain through
the form and sees it listed."""

from __future__ import annotations

import html
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from gazouille.core import clock
from gazouille.models import Account, Instance, User
from tests.federation.domain_block_helpers import reload, remote_account
from tests.live.conftest import (
    BIN_DIR,
    free_port,
    fresh_database,
    server_env,
    start,
    stop,
    wait_healthy,
)
from tests.web.conftest import Browser
from tests.web.test_settings import make_admin

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


async def _signed_in_admin(browser: Browser, db: Any, name: str = "amelie") -> None:
    await browser.sign_up(name)
    await make_admin(db, name)


async def test_federation_pages_are_for_admins(
    browser: Browser, browser2: Browser, db: Any
) -> None:
    await browser.sign_up("bob")
    for path in ("/admin/federation", "/admin/instances", "/admin/federation/blocks/new"):
        assert (await browser.get(path)).status_code == 403, path
    r = await browser.post("/admin/federation/blocks", {"domain": "x.example"})
    assert r.status_code == 403
    async with db.write() as session:
        bob = select(Account.id).where(Account.username == "bob").scalar_subquery()
        await session.execute(update(User).where(User.account_id == bob).values(role="moderator"))
    assert (await browser.get("/admin/federation")).status_code == 403
    assert "/admin/federation" not in (await browser.get("/admin/accounts")).text
    await _signed_in_admin(browser2, db)
    accounts = await browser2.get("/admin/accounts")
    assert (
        'href="/admin/federation"' in accounts.text and 'href="/admin/instances"' in accounts.text
    )


async def test_admin_blocks_edits_and_lifts_a_domain(browser: Browser, db: Any) -> None:
    await _signed_in_admin(browser, db)
    spammer = await remote_account(db, "spammer", "www.spam.example")
    page = await browser.get("/admin/federation")
    assert page.status_code == 200 and "No domain is blocked." in page.text
    form = await browser.get("/admin/federation/blocks/new?domain=spam.example")
    assert 'value="spam.example"' in form.text

    bad = await browser.post("/admin/federation/blocks", {"domain": "not a domain"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "is invalid" in bad.text
    assert 'value="not a domain"' in bad.text  # what was typed stays
    blank = await browser.post("/admin/federation/blocks", {"domain": " ", "severity": "suspend"})
    assert blank.status_code == 422 and "can&#39;t be blank" in blank.text
    assert '<option value="suspend" selected>' in blank.text

    r = await browser.post(
        "/admin/federation/blocks",
        {
            "domain": "Spam.Example",
            "severity": "suspend",
            "reject_media": "1",
            "public_comment": "Spam à la chaîne",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/federation?done=created"
    listed = _text((await browser.get("/admin/federation?done=created")).text)
    assert "The domain is blocked." in listed
    assert "spam.example" in listed and "Suspend" in listed and "Media rejected" in listed
    assert "Spam à la chaîne" in listed
    assert (await reload(db, spammer)).suspended_at is not None

    stricter = await browser.post(
        "/admin/federation/blocks", {"domain": "sub.spam.example", "severity": "silence"}
    )
    assert stricter.status_code == 422
    assert "You have already imposed stricter limits on spam.example." in _text(stricter.text)

    block_id = re.search(r'/admin/federation/blocks/(\d+)/edit"', listed).group(1)  # type: ignore[union-attr]
    edit = await browser.get(f"/admin/federation/blocks/{block_id}/edit")
    assert edit.status_code == 200 and 'name="reject_media" type="checkbox" value="1" checked' in (
        edit.text
    )
    wrong = await browser.post(f"/admin/federation/blocks/{block_id}", {"severity": "ban"})
    assert wrong.status_code == 422 and "is not included in the list" in wrong.text
    r = await browser.post(f"/admin/federation/blocks/{block_id}", {"severity": "silence"})
    assert r.status_code == 303
    listed = _text((await browser.get("/admin/federation")).text)
    assert "Limit" in listed and "Media rejected" not in listed
    spammer = await reload(db, spammer)
    assert spammer.suspended_at is None and spammer.silenced_at is not None

    r = await browser.post(f"/admin/federation/blocks/{block_id}/delete", {})
    assert r.status_code == 303
    assert "No domain is blocked." in (await browser.get("/admin/federation")).text
    assert (await reload(db, spammer)).silenced_at is None
    assert (await browser.get(f"/admin/federation/blocks/{block_id}/edit")).status_code == 404


async def test_the_pages_in_french(browser: Browser, db: Any) -> None:
    await _signed_in_admin(browser, db)
    await browser.post("/lang", {"locale": "fr", "next": "/admin/federation"})
    page = _text((await browser.get("/admin/federation")).text)
    assert "Domaines bloqués" in page and "Qui voit la liste" in page
    bad = await browser.post("/admin/federation/blocks", {"domain": "pas un domaine"})
    assert bad.status_code == 422 and "est invalide" in bad.text
    await browser.post("/admin/federation/blocks", {"domain": "spam.example"})
    again = await browser.post("/admin/federation/blocks", {"domain": "spam.example"})
    assert "Vous avez déjà imposé des limites plus strictes à spam.example." in _text(again.text)
    servers = _text((await browser.get("/admin/instances")).text)
    assert "Serveurs connus" in servers and "Aucun serveur n'est encore connu." in servers
    async with db.write() as session:
        session.add(Instance(domain="dead.example", failures=5, unavailable_since=clock.now()))
    servers = _text((await browser.get("/admin/instances")).text)
    assert "5 échecs consécutifs" in servers and "Indisponible depuis le" in servers


async def test_who_sees_the_list(browser: Browser, anonymous: Browser, db: Any) -> None:
    await _signed_in_admin(browser, db)
    await browser.post(
        "/admin/federation/blocks",
        {"domain": "spam.example", "severity": "suspend", "public_comment": "spam"},
    )
    assert (await anonymous.get("/api/v1/instance/domain_blocks")).status_code == 404
    page = await browser.get("/admin/federation")
    assert '<option value="disabled" selected>' in page.text
    bad = await browser.post("/admin/federation/disclosure", {"show_domain_blocks": "everyone"})
    assert bad.status_code == 422
    r = await browser.post(
        "/admin/federation/disclosure",
        {"show_domain_blocks": "all", "show_domain_blocks_rationale": "all"},
    )
    assert r.status_code == 303
    listed = await anonymous.get("/api/v1/instance/domain_blocks")
    assert [(b["domain"], b["comment"]) for b in listed.json()] == [("spam.example", "spam")]


async def test_known_servers_with_their_delivery_health(browser: Browser, db: Any) -> None:
    await _signed_in_admin(browser, db)
    now = clock.now()
    async with db.write() as session:
        session.add_all(
            [
                Instance(
                    domain="fine.example",
                    last_success_at=now,
                    failures=0,
                    software="mastodon",
                    software_version="4.3.0",
                ),
                Instance(
                    domain="flaky.example",
                    last_success_at=now - timedelta(hours=3),
                    last_failure_at=now,
                    failures=3,
                    last_error="HTTP 502",
                ),
                Instance(
                    domain="dead.example",
                    last_failure_at=now,
                    failures=42,
                    unavailable_since=now - timedelta(days=1),
                    last_error="connection refused",
                ),
            ]
        )
    await remote_account(db, "ann", "fine.example")
    await remote_account(db, "ben", "fine.example")
    await remote_account(db, "cat", "quiet.example")
    await browser.post("/admin/federation/blocks", {"domain": "dead.example"})

    page = await browser.get("/admin/instances")
    assert page.status_code == 200
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"<tr>\s*<td>([a-z.]+)\b.*?</tr>", page.text, re.S)
    }
    assert list(rows) == ["dead.example", "fine.example", "flaky.example", "quiet.example"]
    assert 'class="health unavailable"' in rows["dead.example"]
    assert "connection refused" in rows["dead.example"]
    assert "42 consecutive failures" in rows["dead.example"]
    assert "Unavailable since" in rows["dead.example"]
    assert "Limit" in rows["dead.example"]  # the block in force, linked
    assert 'class="health ok"' in rows["fine.example"] and "mastodon 4.3.0" in rows["fine.example"]
    assert ">2<" in rows["fine.example"]  # accounts
    assert 'class="health failing"' in rows["flaky.example"] and "HTTP 502" in rows["flaky.example"]
    assert "3 consecutive failures" in rows["flaky.example"]
    assert 'class="health unknown"' in rows["quiet.example"]
    assert "/admin/federation/blocks/new?domain=quiet.example" in rows["quiet.example"]

    unavailable = await browser.get("/admin/instances?health=unavailable")
    assert "dead.example" in unavailable.text and "fine.example" not in unavailable.text
    found = await browser.get("/admin/instances?q=FLAKY")
    assert "flaky.example" in found.text and "dead.example" not in found.text


# In a real browser, against a live server.


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with fresh_database() as database:
        port = free_port()
        base_url = f"http://localhost:{port}"
        data_dir = tmp_path_factory.mktemp("admin-federation-live")
        env = server_env(base_url, data_dir, database)
        log_path = data_dir / "server.log"
        proc = start(["serve", "--migrate", "--port", str(port)], env, log_path)
        try:
            wait_healthy(proc, base_url, log_path)
            yield base_url, env
        finally:
            stop(proc)


@pytest.mark.live
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing")
def test_an_admin_blocks_a_domain_in_a_browser(live_site: tuple[str, dict[str, str]]) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    from tests.web.test_browser import ARGS, sign_up

    site, env = live_site
    expect = playwright_api.expect
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            sign_up(page, site, "amelie")
            subprocess.run(
                [str(Path(BIN_DIR) / "gazouille"), "account", "make-admin", "amelie"],
                env=env,
                check=True,
                capture_output=True,
            )
            page.goto(f"{site}/admin/accounts")
            page.click(".settings-nav a[href='/admin/federation']")
            expect(page.locator("h2#blocks-title")).to_have_text("Domain blocks")
            page.click("a[href='/admin/federation/blocks/new']")

            page.fill("#domain", "not a domain")
            page.click("form[action='/admin/federation/blocks'] button[type=submit]")
            expect(page.locator("#domain-error")).to_have_text("is invalid")

            page.fill("#domain", "spam.example")
            page.select_option("#severity", "suspend")
            page.check("#reject_media")
            page.fill("#public_comment", "Spam waves")
            page.click("form[action='/admin/federation/blocks'] button[type=submit]")
            page.wait_for_url(re.compile(r"/admin/federation\?done=created$"))
            expect(page.locator(".notice[role=status]")).to_have_text("The domain is blocked.")
            row = page.locator("table.data tbody tr", has_text="spam.example")
            expect(row).to_contain_text("Suspend")
            expect(row).to_contain_text("Media rejected")
            expect(row).to_contain_text("Spam waves")
            assert errors == []
        finally:
            chromium.close()
