"""Admin domain blocks: which block applies to a domain, the Mastodon admin API with its
permissions and validation, the public list of moderated servers and the peers list."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from gazouille.domains import instance
from gazouille.domains.federation import domain_blocks as blocks
from gazouille.domains.federation.domain_rules import candidates, covers, normalize_domain
from gazouille.models import Instance
from tests.api.test_contract import check
from tests.conftest import Api
from tests.federation.domain_block_helpers import (
    admin_token,
    make_admin,
    remote_account,
    scoped_token,
)

PATH = "/api/v1/admin/domain_blocks"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Example.COM", "example.com"),
        ("  https://Sub.Example.com/about ", "sub.example.com"),
        ("user@example.com", "example.com"),
        ("example.com.", "example.com"),
        ("localhost:3101", "localhost:3101"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("", None),
        ("a..b", None),
        ("not a domain", None),
        ("under_score.example", None),
        ("example.com:99999", None),
        ("-bad.example", None),
    ],
)
def test_normalize_domain(typed: str, expected: str | None) -> None:
    assert normalize_domain(typed) == expected


def test_coverage_of_subdomains_and_ports() -> None:
    assert covers("example.com", "example.com")
    assert covers("example.com", "deep.sub.example.com")
    assert covers("example.com", "example.com:8443")
    assert not covers("example.com", "notexample.com")
    assert not covers("sub.example.com", "example.com")
    assert covers("localhost:3101", "localhost:3101")
    assert not covers("localhost:3101", "localhost:3102")
    assert not covers("localhost:3101", "localhost")
    assert covers("localhost", "localhost:3102")
    assert candidates("A.Example.com:80") == [
        "a.example.com",
        "example.com",
        "com",
        "a.example.com:80",
        "example.com:80",
        "com:80",
    ]


async def test_blocked_severity_picks_the_most_specific_block(db: Any, settings: Any) -> None:
    async with db.write() as session:
        await blocks.create_block(session, blocks.BlockChanges("example.com", "silence"))
        await blocks.create_block(
            session, blocks.BlockChanges("bad.example.com", "suspend", reject_media=True)
        )
        await blocks.create_block(
            session, blocks.BlockChanges("media.example", "noop", reject_media=True)
        )
        await blocks.create_block(session, blocks.BlockChanges("localhost:3102", "suspend"))
    async with db.read() as session:
        severity = blocks.blocked_severity
        assert await severity(session, "example.com") == "silence"
        assert await severity(session, "Sub.EXAMPLE.com") == "silence"
        assert await severity(session, "example.com:8443") == "silence"
        assert await severity(session, "bad.example.com") == "suspend"
        assert await severity(session, "x.bad.example.com") == "suspend"
        assert await severity(session, "media.example") == "noop"
        assert await severity(session, "localhost:3102") == "suspend"
        assert await severity(session, "localhost:3101") is None
        assert await severity(session, "other.example") is None
        assert await severity(session, None) is None
        assert await blocks.rejects_media(session, "media.example")
        assert await blocks.rejects_media(session, "x.bad.example.com")  # suspended
        assert not await blocks.rejects_media(session, "example.com")
        assert not await blocks.rejects_media(session, "other.example")
        assert await blocks.rejects_reports(session, "bad.example.com")
        assert not await blocks.rejects_reports(session, "example.com")


async def test_admin_api_create_list_show_update_delete(api: Api, db: Any) -> None:
    root = await admin_token(api, db)
    r = await api.post(
        PATH,
        root,
        json={
            "domain": "Spam.Example",
            "severity": "suspend",
            "reject_media": True,
            "private_comment": "seen in reports",
            "public_comment": "spam",
            "obfuscate": True,
        },
    )
    assert r.status_code == 200, r.text
    created = r.json()
    check("AdminDomainBlock", created)
    assert created["domain"] == "spam.example"
    assert created["digest"] == hashlib.sha256(b"spam.example").hexdigest()
    assert (created["severity"], created["reject_media"], created["reject_reports"]) == (
        "suspend",
        True,
        False,
    )
    assert created["private_comment"] == "seen in reports" and created["obfuscate"] is True

    # Form parameters as Mastodon's documentation shows them; severity defaults to silence.
    r = await api.post(PATH, root, data={"domain": "quiet.example", "reject_reports": "true"})
    assert r.status_code == 200, r.text
    quiet = r.json()
    assert quiet["severity"] == "silence" and quiet["reject_reports"] is True
    assert quiet["private_comment"] is None and quiet["public_comment"] is None

    r = await api.get(PATH, root, params={"limit": 1})
    assert r.status_code == 200
    assert [b["id"] for b in r.json()] == [quiet["id"]]
    assert 'rel="next"' in r.headers["link"]
    for entity in (await api.get(PATH, root)).json():
        check("AdminDomainBlock", entity)
    r = await api.get(f"{PATH}/{created['id']}", root)
    assert r.status_code == 200 and r.json() == created

    r = await api.request(
        "PUT", f"{PATH}/{quiet['id']}", root, json={"severity": "noop", "domain": "ignored.example"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["severity"] == "noop" and r.json()["domain"] == "quiet.example"
    assert r.json()["reject_reports"] is True  # left as it was

    r = await api.request("DELETE", f"{PATH}/{quiet['id']}", root)
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get(f"{PATH}/{quiet['id']}", root)).status_code == 404
    assert (await api.request("DELETE", f"{PATH}/{quiet['id']}", root)).status_code == 404
    assert (await api.get(f"{PATH}/nope", root)).status_code == 404
    assert [b["domain"] for b in (await api.get(PATH, root)).json()] == ["spam.example"]


async def test_admin_api_needs_an_admin_with_the_admin_scopes(
    api: Api, db: Any, alice: str
) -> None:
    assert (await api.get(PATH)).status_code == 401
    # A user's token with the admin scopes, but no admin role.
    r = await api.get(PATH, await scoped_token(api, "alice"))
    assert r.status_code == 403 and r.json() == {"error": "This action is not allowed"}
    r = await api.post(PATH, await scoped_token(api, "alice"), json={"domain": "x.example"})
    assert r.status_code == 403
    # An admin whose token lacks the scope.
    await make_admin(db, "alice")
    assert (await api.get(PATH, alice)).status_code == 403
    read_only = await scoped_token(api, "alice", "admin:read:domain_blocks")
    assert (await api.get(PATH, read_only)).status_code == 200
    assert (await api.post(PATH, read_only, json={"domain": "x.example"})).status_code == 403
    writer = await scoped_token(api, "alice", "admin:write:domain_blocks")
    assert (await api.post(PATH, writer, json={"domain": "x.example"})).status_code == 200
    assert (await api.get(PATH, writer)).status_code == 403


async def test_admin_api_validation_errors(api: Api, db: Any) -> None:
    root = await admin_token(api, db)

    async def refused(payload: dict[str, Any]) -> dict[str, Any]:
        r = await api.post(PATH, root, json=payload)
        assert r.status_code == 422, r.text
        return dict(r.json())

    blank = await refused({})
    assert blank["error"] == "Validation failed: Domain can't be blank"
    assert blank["details"]["domain"][0]["error"] == "ERR_BLANK"
    assert (await refused({"domain": "not a domain"}))["error"] == (
        "Validation failed: Domain is invalid"
    )
    assert (await refused({"domain": "localhost:3000"}))["error"].startswith(
        "Validation failed: Domain"
    )  # this server
    assert (await refused({"domain": "x.example", "severity": "ban"}))["error"] == (
        "Validation failed: Severity is not included in the list"
    )
    assert (await refused({"domain": "x.example", "public_comment": "x" * 1001}))[
        "error"
    ].startswith("Validation failed: Public comment is too long")
    assert (await refused({"domain": "x.example", "obfuscate": "maybe"}))["error"]

    r = await api.post(PATH, root, json={"domain": "example.com", "severity": "suspend"})
    parent = r.json()
    # Covered by a block at least as strict: Mastodon's answer, with the existing block.
    body = await refused({"domain": "sub.example.com", "severity": "silence"})
    assert body["error"] == "You have already imposed stricter limits on example.com."
    assert body["existing_domain_block"]["id"] == parent["id"]
    check("AdminDomainBlock", body["existing_domain_block"])
    body = await refused({"domain": "EXAMPLE.com", "severity": "suspend"})
    assert "existing_domain_block" in body
    # Stricter than the existing one on the same domain: edit it instead.
    r = await api.post(PATH, root, json={"domain": "other.example", "severity": "noop"})
    assert r.status_code == 200
    body = await refused({"domain": "other.example", "severity": "silence"})
    assert body["error"] == "Validation failed: Domain has already been taken"
    # A stricter block under a milder one is fine.
    r = await api.post(PATH, root, json={"domain": "sub.other.example", "severity": "suspend"})
    assert r.status_code == 200

    r = await api.request("PUT", f"{PATH}/{parent['id']}", root, json={"severity": "ban"})
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Severity is not included in the list"


async def _set_disclosure(db: Any, blocks_to: str, rationale_to: str) -> None:
    async with db.write() as session:
        await instance.update_settings(
            session, show_domain_blocks=blocks_to, show_domain_blocks_rationale=rationale_to
        )


async def test_public_domain_blocks_follow_the_disclosure_setting(
    api: Api, db: Any, alice: str
) -> None:
    root = await admin_token(api, db)
    for payload in (
        {"domain": "quiet.example", "severity": "silence", "public_comment": "spam wave"},
        {"domain": "hidden-block.example", "severity": "suspend", "obfuscate": True},
        {"domain": "media.example", "severity": "noop", "reject_media": True},
        {"domain": "abuse.example", "severity": "suspend"},
    ):
        assert (await api.post(PATH, root, json=payload)).status_code == 200
    url = "/api/v1/instance/domain_blocks"
    # Mastodon's default: shown to no one.
    assert (await api.get(url)).status_code == 404
    assert (await api.get(url, alice)).status_code == 404

    await _set_disclosure(db, "users", "disabled")
    assert (await api.get(url)).status_code == 404
    r = await api.get(url, alice)
    assert r.status_code == 200
    listed = r.json()
    for entity in listed:
        check("DomainBlock", entity)
        assert entity["comment"] is None
    # Suspensions first, then silences; noop blocks are not shown.
    assert [(b["domain"], b["severity"]) for b in listed] == [
        ("abuse.example", "suspend"),
        ("hidde*******.**ample", "suspend"),
        ("quiet.example", "silence"),
    ]
    assert listed[1]["digest"] == hashlib.sha256(b"hidden-block.example").hexdigest()

    await _set_disclosure(db, "all", "all")
    r = await api.get(url)
    assert r.status_code == 200
    assert [b["comment"] for b in r.json()] == [None, None, "spam wave"]
    with pytest.raises(Exception, match="disabled, users or all"):
        await _set_disclosure(db, "everyone", "all")


async def test_peers_lists_known_domains_except_blocked_ones(api: Api, db: Any) -> None:
    await remote_account(db, "ann", "friendly.example")
    await remote_account(db, "bob", "friendly.example")
    await remote_account(db, "eve", "sub.spam.example")
    await remote_account(db, "dev", "localhost:3102")
    async with db.write() as session:
        session.add(Instance(domain="delivered.example", failures=0))
    assert (await api.get("/api/v1/instance/peers")).json() == [
        "delivered.example",
        "friendly.example",
        "localhost:3102",
        "sub.spam.example",
    ]
    root = await admin_token(api, db)
    await api.post(PATH, root, json={"domain": "spam.example", "severity": "silence"})
    assert (await api.get("/api/v1/instance/peers")).json() == [
        "delivered.example",
        "friendly.example",
        "localhost:3102",
    ]
