"""HTTP signatures: what we sign verifies, and what others send (Mastodon, hs2019, odd
header spellings) is accepted or refused for the right reason."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from gazouille.activitypub.keys import KeyPair, load_private_key
from gazouille.activitypub.signatures import (
    SignatureError,
    Signer,
    digest_header,
    http_date,
    parse_signature,
    sign_request,
    verify_request,
)

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
KEY_ID = "https://remote.example/users/alice#main-key"
BODY = b'{"type":"Follow","actor":"https://remote.example/users/alice"}'


def signer(pair: KeyPair) -> Signer:
    return Signer(KEY_ID, pair.private_pem)


def raw_sign(pair: KeyPair, lines: list[str]) -> str:
    data = "\n".join(lines).encode()
    signature = load_private_key(pair.private_pem).sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def check(
    headers: dict[str, str],
    public_pem: str,
    *,
    method: str = "POST",
    path: str = "/users/bob/inbox",
    body: bytes | None = BODY,
    now: datetime = T0,
) -> None:
    value = next(v for k, v in headers.items() if k.lower() == "signature")
    params = parse_signature(value)
    verify_request(params, method, path, headers, body, public_pem, now=now)


def test_post_round_trip(key_pair: KeyPair) -> None:
    headers = sign_request(
        signer(key_pair), "POST", "https://local.example/users/bob/inbox", BODY, now=T0
    )
    assert headers["Host"] == "local.example"
    assert headers["Date"] == "Fri, 27 Nov 2026 12:00:00 GMT" == http_date(T0)
    assert headers["Digest"] == digest_header(BODY) and headers["Digest"].startswith("SHA-256=")
    params = parse_signature(headers["Signature"])
    assert params.key_id == KEY_ID and params.algorithm == "rsa-sha256"
    assert params.headers == ["(request-target)", "host", "date", "digest"]
    check(headers, key_pair.public_pem)
    # header names arrive in whatever case the server gives them
    check({k.lower(): v for k, v in headers.items()}, key_pair.public_pem)


def test_get_round_trip_with_port_and_query(key_pair: KeyPair) -> None:
    url = "http://localhost:3101/users/bob/outbox?page=true"
    headers = sign_request(signer(key_pair), "GET", url, None, now=T0)
    assert headers["Host"] == "localhost:3101" and "Digest" not in headers
    assert parse_signature(headers["Signature"]).headers == ["(request-target)", "host", "date"]
    check(headers, key_pair.public_pem, method="GET", path="/users/bob/outbox?page=true", body=None)
    check(headers, key_pair.public_pem, method="GET", path="/users/bob/outbox?page=true", body=b"")
    with pytest.raises(SignatureError, match="does not match"):
        check(headers, key_pair.public_pem, method="GET", path="/users/eve/outbox", body=None)


def test_default_port_is_not_in_host(key_pair: KeyPair) -> None:
    headers = sign_request(signer(key_pair), "GET", "https://Local.Example:443/x", None, now=T0)
    assert headers["Host"] == "local.example"


def test_tampered_body_or_digest(key_pair: KeyPair) -> None:
    headers = sign_request(signer(key_pair), "POST", "https://local.example/inbox", BODY, now=T0)
    other = BODY.replace(b"Follow", b"Block")
    with pytest.raises(SignatureError, match="Digest SHA-256 does not match"):
        check(headers, key_pair.public_pem, path="/inbox", body=other)
    # a Digest recomputed for the new body no longer matches the signature
    forged = {**headers, "Digest": digest_header(other)}
    with pytest.raises(SignatureError, match="signature does not match"):
        check(forged, key_pair.public_pem, path="/inbox", body=other)
    no_digest = {k: v for k, v in headers.items() if k != "Digest"}
    with pytest.raises(SignatureError, match="'digest' is missing"):
        check(no_digest, key_pair.public_pem, path="/inbox")
    sha512_only = {**headers, "Digest": "SHA-512=abc"}
    with pytest.raises(SignatureError, match="does not match"):
        check(sha512_only, key_pair.public_pem, path="/inbox")
    unknown = {**headers, "Digest": "MD5=abc"}
    with pytest.raises(SignatureError, match="no supported algorithm"):
        check(unknown, key_pair.public_pem, path="/inbox")


def test_wrong_key_and_bad_key(key_pair: KeyPair, other_key_pair: KeyPair) -> None:
    headers = sign_request(signer(key_pair), "POST", "https://local.example/inbox", BODY, now=T0)
    with pytest.raises(SignatureError, match="signature does not match"):
        check(headers, other_key_pair.public_pem, path="/inbox")
    with pytest.raises(SignatureError, match="public key"):
        check(headers, "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----", path="/inbox")


def test_method_is_bound(key_pair: KeyPair) -> None:
    headers = sign_request(signer(key_pair), "GET", "https://local.example/inbox", None, now=T0)
    with pytest.raises(SignatureError):
        check(headers, key_pair.public_pem, method="DELETE", path="/inbox", body=None)


@pytest.mark.parametrize(
    ("signed_at", "accepted"),
    [
        (T0 - timedelta(minutes=64), True),
        (T0 - timedelta(minutes=66), False),
        (T0 - timedelta(hours=13), False),
        (T0 + timedelta(minutes=59), True),
        (T0 + timedelta(minutes=61), False),
        (T0 + timedelta(days=3), False),
    ],
)
def test_date_window(key_pair: KeyPair, signed_at: datetime, accepted: bool) -> None:
    headers = sign_request(
        signer(key_pair), "POST", "https://local.example/inbox", BODY, now=signed_at
    )
    if accepted:
        check(headers, key_pair.public_pem, path="/inbox")
    else:
        with pytest.raises(SignatureError, match="date"):
            check(headers, key_pair.public_pem, path="/inbox")


def test_unparseable_date(key_pair: KeyPair) -> None:
    headers = sign_request(signer(key_pair), "POST", "https://local.example/inbox", BODY, now=T0)
    with pytest.raises(SignatureError, match="invalid Date"):
        check({**headers, "Date": "yesterday"}, key_pair.public_pem, path="/inbox")


def _custom(pair: KeyPair, names: list[str], values: dict[str, str], params: str = "") -> str:
    lines = [f"{n}: {values[n]}" for n in names]
    sig = raw_sign(pair, lines)
    return f'keyId="{KEY_ID}",{params}headers="{" ".join(names)}",signature="{sig}"'


BASE_VALUES = {
    "(request-target)": "post /inbox",
    "host": "local.example",
    "date": http_date(T0),
    "digest": digest_header(BODY),
    "content-type": "application/activity+json",
}


def _request(signature: str) -> dict[str, str]:
    return {
        "Host": "local.example",
        "Date": http_date(T0),
        "Digest": digest_header(BODY),
        "Content-Type": "application/activity+json",
        "Signature": signature,
    }


@pytest.mark.parametrize(
    ("names", "reason"),
    [
        (["(request-target)", "date", "digest"], "Host header must be signed"),
        (["host", "date", "digest"], r"\(request-target\) must be signed"),
        (["(request-target)", "host", "digest"], "Date header must be signed"),
        (["(request-target)", "host", "date"], "Digest header must be signed"),
    ],
)
def test_required_signed_headers(key_pair: KeyPair, names: list[str], reason: str) -> None:
    headers = _request(_custom(key_pair, names, BASE_VALUES, 'algorithm="rsa-sha256",'))
    with pytest.raises(SignatureError, match=reason):
        check(headers, key_pair.public_pem, path="/inbox")


def test_signed_header_absent_from_request(key_pair: KeyPair) -> None:
    names = ["(request-target)", "host", "date", "digest", "content-type"]
    headers = _request(_custom(key_pair, names, BASE_VALUES, 'algorithm="rsa-sha256",'))
    del headers["Content-Type"]
    with pytest.raises(SignatureError, match="'content-type' is missing"):
        check(headers, key_pair.public_pem, path="/inbox")


def test_mastodon_shaped_request(key_pair: KeyPair) -> None:
    """Mastodon signs content-type too, uses an actor#main-key keyId, and signs Host
    without the port even on a non-default port."""
    names = ["(request-target)", "host", "date", "digest", "content-type"]
    values = {
        **BASE_VALUES,
        "(request-target)": "post /users/bob/inbox",
        "host": "localhost",
        "date": http_date(T0 - timedelta(seconds=3)),
    }
    headers = {
        "host": "localhost:3101",
        "user-agent": "http.rb/5.2.0 (Mastodon/4.3.0; +https://remote.example/)",
        "date": values["date"],
        "digest": digest_header(BODY),
        "content-type": "application/activity+json",
        "signature": _custom(key_pair, names, values, 'algorithm="rsa-sha256",'),
    }
    check(headers, key_pair.public_pem, path="/users/bob/inbox")


def test_query_string_left_out_of_target(key_pair: KeyPair) -> None:
    names = ["(request-target)", "host", "date"]
    values = {**BASE_VALUES, "(request-target)": "get /users/bob/outbox"}
    headers = _request(_custom(key_pair, names, values, 'algorithm="rsa-sha256",'))
    check(headers, key_pair.public_pem, method="GET", path="/users/bob/outbox?page=1", body=None)


def test_hs2019(key_pair: KeyPair) -> None:
    names = ["(request-target)", "host", "date", "digest"]
    headers = _request(_custom(key_pair, names, BASE_VALUES, 'algorithm="hs2019",'))
    assert parse_signature(headers["Signature"]).algorithm == "hs2019"
    check(headers, key_pair.public_pem, path="/inbox")


def test_hs2019_with_created_and_expires(key_pair: KeyPair) -> None:
    created, expires = int(T0.timestamp()) - 30, int(T0.timestamp()) + 300
    names = ["(request-target)", "(created)", "(expires)", "host", "digest"]
    values = {**BASE_VALUES, "(created)": str(created), "(expires)": str(expires)}
    params = f'algorithm="hs2019",created={created},expires={expires},'
    headers = _request(_custom(key_pair, names, values, params))
    check(headers, key_pair.public_pem, path="/inbox")
    with pytest.raises(SignatureError, match="window"):
        check(headers, key_pair.public_pem, path="/inbox", now=T0 + timedelta(hours=2))
    # (created) stands in for Date only with hs2019
    rsa = _request(_custom(key_pair, names, values, params.replace("hs2019", "rsa-sha256")))
    with pytest.raises(SignatureError, match="Date header must be signed"):
        check(rsa, key_pair.public_pem, path="/inbox")


def test_unsupported_algorithm(key_pair: KeyPair) -> None:
    names = ["(request-target)", "host", "date", "digest"]
    headers = _request(_custom(key_pair, names, BASE_VALUES, 'algorithm="hmac-sha256",'))
    with pytest.raises(SignatureError, match="unsupported"):
        check(headers, key_pair.public_pem, path="/inbox")


@pytest.mark.parametrize(
    "template",
    [
        'keyId="{k}",algorithm="rsa-sha256",headers="{h}",signature="{s}"',
        'keyId="{k}", algorithm="rsa-sha256", headers="{h}", signature="{s}"',
        'keyId = "{k}" ,algorithm=rsa-sha256 , headers="{h}",\tsignature="{s}"',
        'signature = "{s}", headers="{h}", keyId="{k}"',
        'signature="{s}",headers="{h}",keyId="{k}"',
        'Signature keyId="{k}",algorithm="rsa-sha256",headers="{h}",signature="{s}"',
        'keyid="{k}",algorithm="RSA-SHA256",headers="{h}",signature="{s}",',
        'keyId="{k}",algorithm="rsa-sha256",headers="{h}",signature="{s}",foo="a \\"b\\""',
    ],
)
def test_signature_header_variants(key_pair: KeyPair, template: str) -> None:
    names = ["(request-target)", "host", "date", "digest"]
    lines = [f"{n}: {BASE_VALUES[n]}" for n in names]
    value = template.format(k=KEY_ID, h=" ".join(names), s=raw_sign(key_pair, lines))
    params = parse_signature(value)
    assert params.key_id == KEY_ID and params.headers == names
    check(_request(value), key_pair.public_pem, path="/inbox")


def test_escaped_quotes_in_key_id() -> None:
    params = parse_signature(r'keyId="a\"b\\c",signature="AAAA"')
    assert params.key_id == 'a"b\\c' and params.signature == b"\x00\x00\x00"
    assert params.algorithm == "hs2019" and params.headers == ["(created)"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "required"),
        ('keyId="x"', "required"),
        ('signature="AAAA"', "required"),
        ('keyId="x",signature="not base64!"', "base64"),
        ('keyId="x,signature=AAAA', "unterminated"),
        ('keyId="x" signature="AAAA"', "malformed"),
        ('keyId="x",keyId="y",signature="AAAA"', "duplicate"),
        ("garbage", "malformed"),
        ('keyId="x",signature="AAAA",created=soon', "created"),
        ("keyId=" + "x" * 9000 + ',signature="AAAA"', "too long"),
    ],
)
def test_parse_errors(value: str, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason) as info:
        parse_signature(value)
    assert info.value.reason == str(info.value)
