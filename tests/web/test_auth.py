"""Signing up, in and out, several accounts in one browser, forgotten passwords, e-mail
confirmation, CSRF, cookies and the rate limits of the log-in and sign-up forms."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from gazouille.models import Account, MailMessage, WebSession
from tests.web.conftest import Browser


async def count(db: Any, model: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_sign_up_signs_in_and_sends_a_confirmation(
    browser: Browser, db: Any, run_jobs: Any
) -> None:
    r = await browser.sign_up("alice")
    assert r.status_code == 303 and r.headers["location"] == "/home?welcome=1"
    cookie = r.headers["set-cookie"]
    assert "gz_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the public URL is http in tests
    home = await browser.get("/home")
    assert home.status_code == 200 and "@alice" in home.text
    assert "Please confirm your e-mail address" in home.text
    await run_jobs()
    async with db.read() as session:
        message = (await session.execute(select(MailMessage))).scalar_one()
    assert message.recipient == "alice@example.com" and message.state == "logged"
    link = re.search(r"http://localhost:3000(/auth/confirmation\?token=\S+)", message.body)
    assert link
    confirmed = await browser.get(link.group(1))
    assert confirmed.status_code == 200 and "Your e-mail address is confirmed" in confirmed.text
    assert "Please confirm" not in (await browser.get("/home")).text
    bad = await browser.get("/auth/confirmation?token=forged.token")
    assert bad.status_code == 422 and "invalid or has expired" in bad.text


async def test_sign_up_errors_are_shown_next_to_the_fields(browser: Browser, db: Any) -> None:
    await browser.get("/auth/sign_up")
    r = await browser.post(
        "/auth/sign_up",
        {
            "username": "no way!",
            "email": "x@example.com",
            "password": "correct horse",
            "password_confirmation": "correct horse",
            "agreement": "1",
        },
    )
    assert r.status_code == 422
    assert 'id="username-error"' in r.text and "only letters, numbers and underscores" in r.text
    assert 'value="x@example.com"' in r.text  # what was typed stays
    mismatch = await browser.post(
        "/auth/sign_up",
        {
            "username": "bob",
            "email": "bob@example.com",
            "password": "correct horse",
            "password_confirmation": "other horse",
            "agreement": "1",
        },
    )
    assert mismatch.status_code == 422 and "does not match" in mismatch.text
    no_agreement = await browser.post(
        "/auth/sign_up",
        {
            "username": "bob",
            "email": "bob@example.com",
            "password": "correct horse",
            "password_confirmation": "correct horse",
        },
    )
    assert no_agreement.status_code == 422 and "must be accepted" in no_agreement.text
    assert await count(db, Account) == 0 and await count(db, WebSession) == 0


async def test_approval_mode_collects_a_reason_and_holds_the_account(
    browser: Browser, db: Any, api: Any
) -> None:
    from gazouille.domains import instance

    async with db.write() as session:
        await instance.update_settings(session, registrations="approval")
    page = await browser.get("/auth/sign_up")
    assert 'name="reason"' in page.text
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password": "correct horse",
        "password_confirmation": "correct horse",
        "agreement": "1",
    }
    missing = await browser.post("/auth/sign_up", data)
    assert missing.status_code == 422 and "can&#39;t be blank" in missing.text
    r = await browser.post("/auth/sign_up", {**data, "reason": "I love birds"})
    assert r.status_code == 200 and "waiting for review" in r.text
    assert "gz_session" not in r.headers.get("set-cookie", "")
    refused = await browser.sign_in("carol")
    assert refused.status_code == 401
    # The admin's choice also rules the API's sign-ups and instance description.
    described = (await api.get("/api/v2/instance")).json()["registrations"]
    assert described["approval_required"] is True
    async with db.write() as session:
        await instance.update_settings(session, registrations="closed")
    closed = await browser.get("/auth/sign_up")
    assert "Sign-ups are closed" in closed.text and 'name="username"' not in closed.text


async def test_log_in_out_and_switch_accounts(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    await browser.sign_up("bob")  # a second account in the same browser
    home = await browser.get("/home")
    assert "Logged in as <strong>@bob</strong>" in home.text
    alice_id = re.search(r'name="account_id" value="(\d+)"', home.text).group(1)  # type: ignore[union-attr]
    switched = await browser.post("/auth/switch", {"account_id": alice_id, "next": "/home"})
    assert switched.status_code == 303
    assert "Logged in as <strong>@alice</strong>" in (await browser.get("/home")).text
    out = await browser.post("/auth/sign_out", {})
    assert out.headers["location"] == "/home"  # bob is still signed in
    assert "Logged in as <strong>@bob</strong>" in (await browser.get("/home")).text
    assert await count(db, WebSession) == 1
    out = await browser.post("/auth/sign_out", {})
    assert out.headers["location"].startswith("/auth/sign_in")
    assert (await browser.get("/home")).headers["location"] == "/auth/sign_in?next=/home"
    wrong = await browser.sign_in("alice", "wrong password")
    assert wrong.status_code == 401 and "Invalid e-mail address or password." in wrong.text
    again = await browser.sign_in("alice@example.com")
    assert again.status_code == 303 and again.headers["location"] == "/home"


async def test_sign_in_goes_back_only_to_local_pages(browser: Browser) -> None:
    await browser.sign_up("alice")
    await browser.post("/auth/sign_out", {})
    await browser.get("/auth/sign_in")
    r = await browser.post(
        "/auth/sign_in",
        {"login": "alice", "password": "correct horse", "next": "https://evil.example/"},
    )
    assert r.headers["location"] == "/home"


async def test_forms_need_the_csrf_token(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    r = await browser.post("/compose", {"status": "no token", "csrf": "forged"})
    assert r.status_code == 403 and "Your session expired" in r.text
    r = await browser.client.post("/compose", data={"status": "no token"})
    assert r.status_code == 403
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 1
    from gazouille.models import Status

    assert await count(db, Status) == 0


async def test_forgotten_password(browser: Browser, db: Any, run_jobs: Any) -> None:
    await browser.sign_up("alice")
    await browser.post("/auth/sign_out", {})
    await browser.get("/auth/password/new")
    unknown = await browser.post("/auth/password/new", {"email": "nobody@example.com"})
    known = await browser.post("/auth/password/new", {"email": "alice@example.com"})
    assert unknown.status_code == known.status_code == 200
    assert "If an account uses this address" in unknown.text  # same answer: nothing to probe
    await run_jobs()
    async with db.read() as session:
        bodies = [m.body for m in (await session.execute(select(MailMessage))).scalars()]
    token = next(re.search(r"token=(\S+)", b).group(1) for b in bodies if "reset" in b)  # type: ignore[union-attr]
    page = await browser.get(f"/auth/password/edit?token={token}")
    assert 'name="password"' in page.text
    short = await browser.post(
        "/auth/password/edit",
        {"token": token, "password": "short", "password_confirmation": "short"},
    )
    assert short.status_code == 422 and "between 8 and 72" in short.text
    done = await browser.post(
        "/auth/password/edit",
        {"token": token, "password": "new password!", "password_confirmation": "new password!"},
    )
    assert done.headers["location"] == "/auth/sign_in?notice=password_changed"
    reused = await browser.get(f"/auth/password/edit?token={token}")
    assert "invalid or has expired" in reused.text  # the token dies with the old password
    assert (await browser.sign_in("alice", "correct horse")).status_code == 401
    assert (await browser.sign_in("alice", "new password!")).status_code == 303


async def test_sign_in_is_rate_limited(browser: Browser) -> None:
    await browser.get("/auth/sign_in")
    statuses = []
    for _ in range(26):
        r = await browser.post("/auth/sign_in", {"login": "ghost", "password": "whatever1"})
        statuses.append(r.status_code)
    assert statuses[:25] == [401] * 25 and statuses[25] == 429
    assert "Too many attempts" in r.text


async def test_security_headers(anonymous: Browser) -> None:
    r = await anonymous.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert "gz_csrf=" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    assert "<script>" not in r.text and " on" + "click=" not in r.text


async def test_language_follows_the_account_then_accept_language(
    browser: Browser, anonymous: Browser
) -> None:
    french = await anonymous.get(
        "/auth/sign_in", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    )
    assert '<html lang="fr">' in french.text and "Se connecter" in french.text
    english = await anonymous.get("/auth/sign_in", headers={"Accept-Language": "de, en;q=0.8"})
    assert '<html lang="en">' in english.text
    await browser.sign_up("alice")
    await browser.post(
        "/settings/preferences",
        {"locale": "fr", "default_privacy": "public", "expand_media": "default"},
    )
    home = await browser.get("/home", headers={"Accept-Language": "en"})
    assert "Accueil" in home.text and "Publier" in home.text and "Quoi de neuf ?" in home.text
