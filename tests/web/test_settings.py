"""Settings and the admin area through the pages: profile with avatar, preferences, e-mail
and password changes, deleting an account with its data, authorised apps, export and import,
instance settings, approving sign-ups and the undelivered e-mail."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from sqlalchemy import func, select, update

from gazouille.models import Account, Favourite, MailMessage, Status, User, WebSession
from tests.web.conftest import Browser
from tests.web.test_posts import plain, png, post


async def make_admin(db: Any, username: str) -> None:
    async with db.write() as session:
        account_id = select(Account.id).where(Account.username == username).scalar_subquery()
        await session.execute(
            update(User).where(User.account_id == account_id).values(role="admin")
        )


async def test_profile_with_avatar(browser: Browser, anonymous: Browser) -> None:
    await browser.sign_up("alice")
    await browser.get("/settings/profile")
    r = await browser.client.post(
        "/settings/profile",
        data={"csrf": browser.csrf, "display_name": "Alice Liddell", "note": "Curiouser"},
        files={"avatar": ("me.png", png(), "image/png")},
    )
    assert r.status_code == 303
    profile = await anonymous.get("/@alice")
    assert "Alice Liddell" in profile.text and "Curiouser" in profile.text
    avatar = re.search(r'<img class="avatar large" src="([^"]+)"', profile.text).group(1)  # type: ignore[union-attr]
    assert "/system/accounts/avatars/" in avatar
    too_long = await browser.post("/settings/profile", {"display_name": "x" * 31})
    assert too_long.status_code == 422 and 'id="display_name-error"' in too_long.text
    bad_file = await browser.client.post(
        "/settings/profile",
        data={"csrf": browser.csrf, "display_name": "A"},
        files={"header": ("h.txt", b"not an image", "text/plain")},
    )
    assert bad_file.status_code == 422
    assert "Alice Liddell" in (await anonymous.get("/@alice")).text  # nothing half-saved


async def test_preferences(browser: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    r = await browser.post(
        "/settings/preferences",
        {
            "locale": "fr",
            "default_privacy": "private",
            "default_language": "fr",
            "expand_media": "show_all",
            "expand_spoilers": "1",
        },
    )
    assert r.status_code == 303 and "gz_lang=fr" in r.headers["set-cookie"]
    async with db.read() as session:
        user = (await session.execute(select(User))).scalar_one()
    assert (user.locale, user.default_privacy, user.default_language) == ("fr", "private", "fr")
    assert user.expand_spoilers and user.expand_media == "show_all"
    compose = await browser.get("/compose")
    assert '<option value="private" selected>' in compose.text
    bad = await browser.post("/settings/preferences", {"locale": "xx", "default_privacy": "public"})
    assert bad.status_code == 422


async def test_email_and_password_changes(
    browser: Browser, browser2: Browser, db: Any, run_jobs: Any
) -> None:
    await browser.sign_up("alice")
    await browser2.sign_in("alice")  # a second browser
    wrong = await browser.post(
        "/settings/account/email", {"email": "new@example.com", "current_password": "nope"}
    )
    assert wrong.status_code == 422 and "is invalid" in wrong.text
    r = await browser.post(
        "/settings/account/email", {"email": "new@example.com", "current_password": "correct horse"}
    )
    assert r.headers["location"] == "/settings/account?done=email"
    await run_jobs()
    async with db.read() as session:
        mail = (
            await session.execute(
                select(MailMessage).where(MailMessage.recipient == "new@example.com")
            )
        ).scalar_one()
    link = re.search(r"http://localhost:3000(\S+)", mail.body).group(1)  # type: ignore[union-attr]
    assert (await browser.get(link)).status_code == 200
    async with db.read() as session:
        assert (await session.execute(select(User.email))).scalar_one() == "new@example.com"
    mismatch = await browser.post(
        "/settings/account/password",
        {
            "current_password": "correct horse",
            "password": "brand new pw",
            "password_confirmation": "other",
        },
    )
    assert mismatch.status_code == 422
    changed = await browser.post(
        "/settings/account/password",
        {
            "current_password": "correct horse",
            "password": "brand new pw",
            "password_confirmation": "brand new pw",
        },
    )
    assert changed.headers["location"] == "/settings/account?done=password"
    assert (await browser.get("/home")).status_code == 200  # this browser stays in
    assert (await browser2.get("/home")).status_code == 303  # the other one is out


async def test_delete_account_with_its_data(browser: Browser, browser2: Browser, db: Any) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    bob_post = await post(browser2, "Salut")
    bob_id = re.search(r'action="/accounts/(\d+)/follow"', (await browser.get("/@bob")).text).group(
        1
    )  # type: ignore[union-attr]
    await browser.post(f"/accounts/{bob_id}/follow", {})
    await browser.post(f"/statuses/{bob_post}/favourite", {})
    await browser.post(f"/statuses/{bob_post}/reblog", {})
    await post(browser, "@bob bye", in_reply_to_id=bob_post)
    refused = await browser.post(
        "/settings/account/delete", {"confirm_username": "alice", "current_password": "wrong"}
    )
    assert refused.status_code == 422
    refused = await browser.post(
        "/settings/account/delete", {"confirm_username": "bob", "current_password": "correct horse"}
    )
    assert refused.status_code == 422
    r = await browser.post(
        "/settings/account/delete",
        {"confirm_username": "alice", "current_password": "correct horse"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    async with db.read() as session:
        bob = (await session.execute(select(Account).where(Account.username == "bob"))).scalar_one()
        status = await session.get(Status, int(bob_post))
        assert status is not None
        assert (status.favourites_count, status.reblogs_count, status.replies_count) == (0, 0, 0)
        assert bob.followers_count == 0
        assert await session.scalar(select(func.count()).select_from(Favourite)) == 0
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 1
        assert (await session.execute(select(Account.username))).scalars().all() == ["bob"]
    assert (await browser.get("/@alice")).status_code == 404


async def test_authorised_apps_can_be_revoked(browser: Browser, api: Any) -> None:
    await browser.sign_up("alice")
    client_id, secret = await api.client_app()
    token = (
        await api.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": client_id,
                "client_secret": secret,
                "username": "alice",
                "password": "correct horse",
                "scope": "read write",
            },
        )
    ).json()["access_token"]
    assert (await api.get("/api/v1/accounts/verify_credentials", token)).status_code == 200
    page = await browser.get("/settings/applications")
    assert "tests" in page.text
    app_id = re.search(r'name="application_id" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    await browser.post("/settings/applications/revoke", {"application_id": app_id})
    assert (await api.get("/api/v1/accounts/verify_credentials", token)).status_code == 401
    assert (
        await browser.post("/settings/applications/revoke", {"application_id": app_id})
    ).status_code == 404


async def test_export_and_import(browser: Browser, browser2: Browser) -> None:
    await browser.sign_up("alice")
    await browser2.sign_up("bob")
    await post(browser, "Mon premier message")
    await browser.get("/settings/export")
    csv = (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "bob@localhost:3000,false,true,\nghost@far.example,true,false,\n"
    )
    r = await browser.client.post(
        "/settings/import",
        data={"csrf": browser.csrf},
        files={"data": ("following_accounts.csv", csv.encode(), "text/csv")},
    )
    assert r.status_code == 200
    text = plain(r.text)
    assert "1 accounts followed." in text or "1 account followed." in text
    assert "ghost@far.example" in text
    archive = await browser.post("/settings/export", {})
    assert archive.headers["content-type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(archive.content))
    assert "Mon premier message" in files.read("posts.json").decode()
    assert (
        files.read("following_accounts.csv").decode().splitlines()[1]
        == "bob@localhost:3000,false,true,"
    )
    bad = await browser.client.post(
        "/settings/import",
        data={"csrf": browser.csrf},
        files={"data": ("x.csv", b"\xff\xfe\x00", "text/csv")},
    )
    assert bad.status_code == 422


async def test_admin_area(browser: Browser, browser2: Browser, db: Any, run_jobs: Any) -> None:
    await browser.sign_up("admin_alice")
    await browser2.sign_up("bob")
    assert (await browser.get("/admin/settings")).status_code == 403
    await make_admin(db, "admin_alice")
    page = await browser.get("/admin/settings")
    assert page.status_code == 200 and "GAZOUILLE_REGISTRATIONS" in page.text
    bad = await browser.post(
        "/admin/settings", {"title": "Ma ville", "max_characters": "10", "registrations": ""}
    )
    assert bad.status_code == 422
    r = await browser.post(
        "/admin/settings",
        {
            "title": "Ma ville",
            "short_description": "Le réseau de la ville",
            "rules": "Soyez gentils\nPas de spam",
            "registrations": "approval",
            "max_characters": "1000",
            "require_alt_text": "1",
        },
    )
    assert r.status_code == 303
    about = await browser2.get("/about")
    assert "Ma ville" in about.text and "Pas de spam" in about.text
    assert "Reviewed by the moderators" in about.text
    await browser2.post("/auth/sign_out", {})
    await browser2.get("/auth/sign_up")
    await browser2.post(
        "/auth/sign_up",
        {
            "username": "carol",
            "email": "carol@example.com",
            "password": "correct horse",
            "password_confirmation": "correct horse",
            "agreement": "1",
            "reason": "Je suis voisine",
        },
    )
    pending = await browser.get("/admin/accounts?pending=1")
    assert "Je suis voisine" in pending.text
    carol = re.search(r'name="account_id" value="(\d+)"', pending.text).group(1)  # type: ignore[union-attr]
    assert (await browser2.sign_in("carol")).status_code == 401
    await browser.post("/admin/accounts/approve", {"account_id": carol})
    assert (await browser2.sign_in("carol")).status_code == 303
    await run_jobs()
    mails = await browser.get("/admin/mails")
    assert "carol@example.com" in mails.text and "/auth/confirmation?token=" in mails.text
    assert (await browser2.get("/admin/mails")).status_code == 403
