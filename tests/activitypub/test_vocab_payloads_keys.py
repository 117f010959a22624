"""Vocabulary helpers, capped JSON parsing and key pairs."""

from __future__ import annotations

import orjson
import pytest
from cryptography.hazmat.primitives import serialization

from gazouille.activitypub.keys import (
    InvalidKey,
    KeyPair,
    load_private_key,
    load_public_key,
    public_pem_of,
)
from gazouille.activitypub.payloads import InvalidPayload, parse_json_capped
from gazouille.activitypub.vocab import (
    AS_PUBLIC,
    CONTEXT,
    as_list,
    host_of,
    id_of,
    is_as2_content_type,
    is_public_address,
    same_origin,
    wants_as2,
)


def test_public_address_spellings() -> None:
    assert all(is_public_address(v) for v in (AS_PUBLIC, "as:Public", "Public"))
    assert not any(is_public_address(v) for v in ("https://x.example/followers", None, 1, ""))


def test_context_carries_mastodon_extensions() -> None:
    assert CONTEXT[:2] == ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
    extensions = CONTEXT[2]
    for term in ("manuallyApprovesFollowers", "sensitive", "Hashtag", "discoverable", "indexable"):
        assert term in extensions
    assert extensions["featured"]["@id"] == "toot:featured"
    assert extensions["PropertyValue"] == "schema:PropertyValue"
    orjson.dumps(CONTEXT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("application/activity+json", True),
        ("application/activity+json; charset=utf-8", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("Application/LD+JSON", True),
        ("application/json", False),
        ("text/html; charset=utf-8", False),
        ("", False),
        (None, False),
        (["application/activity+json"], False),
    ],
)
def test_as2_content_type(value: object, expected: bool) -> None:
    assert is_as2_content_type(value) is expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/activity+json", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("application/activity+json, application/ld+json", True),
        ("text/html, application/activity+json;q=0", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_wants_as2(accept: str | None, expected: bool) -> None:
    assert wants_as2(accept) is expected


def test_as_list_and_id_of() -> None:
    assert as_list(None) == [] and as_list("a") == ["a"] and as_list(["a", "b"]) == ["a", "b"]
    assert as_list({"id": "x"}) == [{"id": "x"}]
    assert id_of("https://a.example/1") == "https://a.example/1"
    assert id_of({"id": "https://a.example/1", "type": "Note"}) == "https://a.example/1"
    assert id_of({"type": "Link", "href": "https://a.example/2"}) == "https://a.example/2"
    assert id_of({"type": "Note"}) is None and id_of(None) is None and id_of("") is None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Mastodon.Social/users/x", "mastodon.social"),
        ("https://mastodon.social:443/users/x", "mastodon.social"),
        ("http://localhost:3101/users/x", "localhost:3101"),
        ("https://example.com:8443/", "example.com:8443"),
        ("http://[::1]:3000/x", "[::1]:3000"),
        ("not a url", ""),
        ("https://bad:port/", ""),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


def test_same_origin() -> None:
    assert same_origin("https://a.example/x", "https://A.example:443/y")
    assert not same_origin("https://a.example/x", "http://a.example/x")
    assert not same_origin("https://a.example/x", "https://a.example:8443/x")
    assert not same_origin("https://a.example/x", "https://b.a.example/x")
    assert not same_origin("garbage", "garbage")
    assert not same_origin(None, None)  # type: ignore[arg-type]


def test_parse_json_capped() -> None:
    assert parse_json_capped(b'{"type": "Note", "tag": [{"a": [1]}]}')["type"] == "Note"
    with pytest.raises(InvalidPayload, match="larger"):
        parse_json_capped(b'{"a": "' + b"x" * 2000 + b'"}', max_bytes=1000)
    with pytest.raises(InvalidPayload, match="invalid JSON"):
        parse_json_capped(b'{"a": ')
    with pytest.raises(InvalidPayload, match="not an object"):
        parse_json_capped(b"[1, 2]")
    with pytest.raises(InvalidPayload, match="invalid JSON"):
        parse_json_capped(b'{"a": NaN}')
    nested = b'{"a": ' * 30 + b"1" + b"}" * 30
    with pytest.raises(InvalidPayload, match="deeper"):
        parse_json_capped(nested)
    assert parse_json_capped(nested, max_depth=30)
    lists = b'{"a": ' + b"[" * 23 + b"]" * 23 + b"}"
    assert parse_json_capped(lists)
    with pytest.raises(InvalidPayload, match="deeper"):
        parse_json_capped(b'{"a": ' + b"[" * 24 + b"]" * 24 + b"}")
    # far beyond any parser's recursion limit: refused, not a crash
    with pytest.raises(InvalidPayload):
        parse_json_capped(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", max_bytes=300_000)


def test_key_pair(key_pair: KeyPair) -> None:
    assert key_pair.private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert key_pair.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert public_pem_of(key_pair.private_pem) == key_pair.public_pem
    assert load_private_key(key_pair.private_pem).key_size == 2048
    # PKCS#1 public keys, as some servers publish them, load too
    pkcs1 = (
        load_public_key(key_pair.public_pem)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        .decode()
    )
    assert "BEGIN RSA PUBLIC KEY" in pkcs1
    assert (
        load_public_key(pkcs1).public_numbers()
        == load_public_key(key_pair.public_pem).public_numbers()
    )
    for bad in ("", "nope", key_pair.private_pem):
        with pytest.raises(InvalidKey):
            load_public_key(bad)
    with pytest.raises(InvalidKey):
        load_private_key(key_pair.public_pem)
