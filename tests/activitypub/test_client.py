"""The ActivityPub client against a small server on 127.0.0.1: signed requests arrive
verifiable, answers are classified, and spoofed, oversized or non-AS2 documents are refused."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from gazouille.activitypub.client import ActivityPubClient, DeliveryError, FetchError
from gazouille.activitypub.keys import KeyPair
from gazouille.activitypub.signatures import Signer, parse_signature
from gazouille.core import http as http_module
from gazouille.core.http import HostNotFound, SafeHttpClient
from tests.activitypub.fake_remote import UA, Remote, self_signed_cert, start


@pytest.fixture
async def remote(key_pair: KeyPair) -> AsyncIterator[Remote]:
    remote = Remote("", key_pair.public_pem)
    runner = await start(remote)
    yield remote
    await runner.cleanup()


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under .invalid fail to resolve without asking any DNS server."""
    real = http_module.resolve_public

    async def resolve(host: str, port: int, *, allow_private: bool) -> list[str]:
        if host.endswith(".invalid"):
            raise HostNotFound(f"cannot resolve {host}")
        return await real(host, port, allow_private=allow_private)

    monkeypatch.setattr(http_module, "resolve_public", resolve)


@pytest.fixture
async def client() -> AsyncIterator[ActivityPubClient]:
    http = SafeHttpClient(allow_private=True)
    yield ActivityPubClient(http, user_agent=UA)
    await http.aclose()


@pytest.fixture
def signer(key_pair: KeyPair) -> Signer:
    return Signer("https://local.example/actor#main-key", key_pair.private_pem)


async def test_fetch_object_signed_and_unsigned(
    remote: Remote, client: ActivityPubClient, signer: Signer
) -> None:
    doc = await client.fetch_object(f"{remote.base}/users/alice", signer=signer)
    assert doc == {"id": f"{remote.base}/users/alice", "type": "Person"}
    request = remote.requests[-1]
    assert request["verified"] is True
    assert request["headers"]["User-Agent"] == UA
    assert "application/activity+json" in request["headers"]["Accept"]
    assert parse_signature(request["headers"]["Signature"]).headers == [
        "(request-target)", "host", "date",
    ]  # fmt: skip

    await client.fetch_object(f"{remote.base}/users/bob")
    assert "Signature" not in remote.requests[-1]["headers"]
    assert (await client.fetch_object(f"{remote.base}/ld"))["type"] == "Note"


async def test_redirect_is_signed_anew(
    remote: Remote, client: ActivityPubClient, signer: Signer
) -> None:
    doc = await client.fetch_object(f"{remote.base}/redirect", signer=signer)
    assert doc["id"] == f"{remote.base}/users/moved"
    assert [r["path"] for r in remote.requests] == ["/redirect", "/users/moved"]
    assert all(r["verified"] is True for r in remote.requests)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/spoof", "is not on"),
        ("/no-id", "no id"),
        ("/html", "not ActivityStreams"),
        ("/big", "larger than"),
        ("/deep", "deeper"),
    ],
)
async def test_fetch_object_refusals(
    remote: Remote, client: ActivityPubClient, path: str, reason: str
) -> None:
    with pytest.raises(FetchError, match=reason) as info:
        await client.fetch_object(f"{remote.base}{path}")
    assert info.value.permanent is True


@pytest.mark.parametrize(
    ("code", "permanent"), [(404, True), (410, True), (401, True), (429, False), (503, False)]
)
async def test_fetch_status_codes(
    remote: Remote, client: ActivityPubClient, code: int, permanent: bool
) -> None:
    with pytest.raises(FetchError) as info:
        await client.fetch_object(f"{remote.base}/status/{code}")
    assert info.value.status == code and info.value.permanent is permanent


async def test_fetch_network_failures(client: ActivityPubClient) -> None:
    with pytest.raises(FetchError) as info:
        await client.fetch_object("ftp://127.0.0.1/x")
    assert info.value.permanent is True and info.value.status is None
    with pytest.raises(FetchError) as info:
        await client.fetch_object("http://unresolvable.invalid/x")
    assert info.value.permanent is False


async def test_private_addresses_refused_without_allow_private(remote: Remote) -> None:
    http = SafeHttpClient(allow_private=False)
    try:
        with pytest.raises(FetchError) as info:
            await ActivityPubClient(http, user_agent=UA).fetch_object(f"{remote.base}/users/a")
        assert info.value.permanent is True and "non-public" in str(info.value)
    finally:
        await http.aclose()
    assert remote.requests == []


async def test_deliver_signs_with_digest(
    remote: Remote, client: ActivityPubClient, signer: Signer
) -> None:
    body = orjson.dumps({"type": "Create", "actor": "https://local.example/users/a"})
    await client.deliver(f"{remote.base}/inbox/202", body, signer)
    request = remote.requests[-1]
    assert request["verified"] is True and request["body"] == body
    headers = request["headers"]
    assert headers["Content-Type"] == "application/activity+json"
    assert headers["Digest"].startswith("SHA-256=")
    assert parse_signature(headers["Signature"]).headers == [
        "(request-target)", "host", "date", "digest",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        (200, None),
        (204, None),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (410, False),
        (422, False),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
    ],
)
async def test_deliver_status_mapping(
    remote: Remote, client: ActivityPubClient, signer: Signer, code: int, retryable: bool | None
) -> None:
    url = f"{remote.base}/inbox/{code}"
    if retryable is None:
        await client.deliver(url, b"{}", signer)
        return
    with pytest.raises(DeliveryError) as info:
        await client.deliver(url, b"{}", signer)
    assert info.value.status == code and info.value.retryable is retryable


async def test_deliver_network_failures(client: ActivityPubClient, signer: Signer) -> None:
    with pytest.raises(DeliveryError) as info:
        await client.deliver("http://unresolvable.invalid/inbox", b"{}", signer)
    assert info.value.retryable is True
    with pytest.raises(DeliveryError) as info:
        await client.deliver("javascript:alert(1)", b"{}", signer)
    assert info.value.retryable is False
    http = SafeHttpClient(allow_private=False)
    try:
        with pytest.raises(DeliveryError) as info:
            await ActivityPubClient(http, user_agent=UA).deliver(
                "http://127.0.0.1:9/inbox", b"{}", signer
            )
        assert info.value.retryable is False
    finally:
        await http.aclose()


async def test_webfinger(remote: Remote, client: ActivityPubClient) -> None:
    expected = f"{remote.base}/users/alice"
    assert await client.webfinger(f"alice@{remote.domain}") == expected
    assert await client.webfinger(f"@alice@{remote.domain}") == expected
    assert await client.webfinger(f"acct:alice@{remote.domain}") == expected
    assert remote.requests[0]["path"] == (
        f"/.well-known/webfinger?resource=acct:alice@{remote.domain}"
    )
    with pytest.raises(FetchError) as info:
        await client.webfinger(f"nobody@{remote.domain}")
    assert info.value.status == 404 and info.value.permanent
    for bad in ("alice", "@alice", "alice@", "a@b@c", "alice@host/path"):
        with pytest.raises(FetchError, match="not an account address"):
            await client.webfinger(bad)


async def test_webfinger_uses_https_unless_loopback_and_allowed(remote: Remote) -> None:
    http = SafeHttpClient(allow_private=False)
    try:
        with pytest.raises(FetchError):
            await ActivityPubClient(http, user_agent=UA).webfinger(f"alice@{remote.domain}")
    finally:
        await http.aclose()
    assert remote.requests == []


async def test_nodeinfo(remote: Remote, client: ActivityPubClient) -> None:
    assert await client.nodeinfo(remote.domain) == ("mastodon", "4.3.0")
    assert await client.nodeinfo("unresolvable.invalid") == (None, None)


async def test_ssl_cert_file_is_honoured(
    tmp_path: Path, key_pair: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_path, key_path = self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    remote = Remote("", key_pair.public_pem)
    runner = await start(remote, context)
    try:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        untrusting = SafeHttpClient(allow_private=True)
        with pytest.raises(FetchError, match="ConnectError"):
            await ActivityPubClient(untrusting, user_agent=UA).fetch_object(
                f"{remote.base}/users/alice"
            )
        await untrusting.aclose()

        monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
        trusting = SafeHttpClient(allow_private=True)
        doc = await ActivityPubClient(trusting, user_agent=UA).fetch_object(
            f"{remote.base}/users/alice"
        )
        assert doc["id"] == f"{remote.base}/users/alice"
        await trusting.aclose()
    finally:
        await runner.cleanup()
