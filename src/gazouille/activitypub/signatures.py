"""HTTP Signatures in the draft-cavage form the fediverse uses (Mastodon, Pleroma, Misskey,
GoToSocial): ``rsa-sha256`` (``hs2019`` accepted as its alias) over
``(request-target) host date [digest]``, with ``Digest: SHA-256=…`` binding the body.

Time window (Mastodon's rules): the creation time is the signed Date header (or the
``created`` parameter when ``(created)`` is signed). It may be at most 1 h in the future. The
signature expires at ``expires`` when ``(expires)`` is signed, otherwise 5 minutes after
creation, and never later than 12 h after it; it is accepted until 1 h past expiry. A plain
Date signature is thus good from 1 h ahead to 65 minutes behind the verifier's clock.

Leniency, also Mastodon's: the request target is tried with and then without the query
string, and the received Host with and then without its port (proxies often drop it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from gazouille.activitypub.keys import InvalidKey, load_private_key, load_public_key
from gazouille.core import clock

CLOCK_SKEW = timedelta(hours=1)
DEFAULT_VALIDITY = timedelta(minutes=5)
MAX_VALIDITY = timedelta(hours=12)
ALGORITHMS = ("rsa-sha256", "hs2019")
MAX_HEADER_LENGTH = 8192


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_key_pem: str


class SignatureError(Exception):
    """A signature that cannot be accepted; str(exc) is the human reason."""

    @property
    def reason(self) -> str:
        return str(self)


@dataclass
class SignatureParams:
    key_id: str
    algorithm: str
    headers: list[str]
    signature: bytes
    created: int | None = None
    expires: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate: ``Sun, 06 Nov 1994 08:49:37 GMT``."""
    return format_datetime(clock.as_utc(moment), usegmt=True)


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sign_request(
    signer: Signer,
    method: str,
    url: str,
    body: bytes | None,
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to add to a request so that it is signed by ``signer``: Host, Date,
    Digest (when there is a body) and Signature. Host and the request target are computed
    exactly as httpx will send them (IDNA host, default port dropped, path percent-encoded)."""
    target = httpx.URL(url)
    headers = {
        "Host": target.netloc.decode("ascii"),
        "Date": http_date(now or clock.now()),
    }
    if body is not None:
        headers["Digest"] = digest_header(body)
    lines = [f"(request-target): {method.lower()} {target.raw_path.decode('ascii')}"]
    lines += [f"{name.lower()}: {value}" for name, value in headers.items()]
    names = ["(request-target)", *(name.lower() for name in headers)]
    key = load_private_key(signer.private_key_pem)
    signature = key.sign("\n".join(lines).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = ",".join(
        [
            f"keyId={_quote(signer.key_id)}",
            'algorithm="rsa-sha256"',
            f"headers={_quote(' '.join(names))}",
            f"signature={_quote(base64.b64encode(signature).decode('ascii'))}",
        ]
    )
    return headers


# -- parsing ---------------------------------------------------------------------------------

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)


def _parse_pairs(value: str) -> dict[str, str]:
    """``name=value`` pairs separated by commas; values are tokens or quoted strings with
    backslash escapes; optional whitespace around names, ``=`` and commas."""
    pairs: dict[str, str] = {}
    i, n = 0, len(value)
    while True:
        while i < n and value[i] in " \t,":
            i += 1
        if i >= n:
            return pairs
        start = i
        while i < n and value[i] in _TOKEN_CHARS:
            i += 1
        name = value[start:i].lower()
        while i < n and value[i] in " \t":
            i += 1
        if not name or i >= n or value[i] != "=":
            raise SignatureError("malformed Signature header")
        i += 1
        while i < n and value[i] in " \t":
            i += 1
        if i < n and value[i] == '"':
            i += 1
            chars = []
            while i < n and value[i] != '"':
                if value[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(value[i])
                i += 1
            if i >= n:
                raise SignatureError("unterminated quoted value in Signature header")
            i += 1
            item = "".join(chars)
        else:
            start = i
            while i < n and value[i] not in ", \t":
                i += 1
            item = value[start:i]
        if name in pairs:
            raise SignatureError(f"duplicate {name!r} in Signature header")
        pairs[name] = item
        while i < n and value[i] in " \t":
            i += 1
        if i < n and value[i] != ",":
            raise SignatureError("malformed Signature header")


def _int_param(pairs: dict[str, str], name: str) -> int | None:
    raw = pairs.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(float(raw))  # draft-cavage allows sub-second decimals
    except ValueError:
        raise SignatureError(f"invalid {name} parameter") from None


def parse_signature(value: str) -> SignatureParams:
    """Parse a Signature header (or an ``Authorization: Signature …`` value)."""
    value = value.strip()
    if len(value) > MAX_HEADER_LENGTH:
        raise SignatureError("Signature header too long")
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "signature" and not rest.lstrip().startswith("="):
        value = rest
    pairs = _parse_pairs(value)
    key_id = pairs.pop("keyid", "")
    raw_signature = pairs.pop("signature", "")
    if not key_id or not raw_signature:
        raise SignatureError("keyId and signature are required in the Signature header")
    try:
        signature = base64.b64decode("".join(raw_signature.split()), validate=True)
    except ValueError:
        raise SignatureError("signature is not valid base64") from None
    algorithm = pairs.pop("algorithm", "hs2019").lower()
    default_headers = "(created)" if algorithm == "hs2019" else "date"
    headers = pairs.pop("headers", default_headers).lower().split()
    created = _int_param(pairs, "created")
    expires = _int_param(pairs, "expires")
    pairs.pop("created", None)
    pairs.pop("expires", None)
    return SignatureParams(key_id, algorithm, headers, signature, created, expires, pairs)


# -- verification ----------------------------------------------------------------------------


def _parse_http_date(value: str) -> datetime:
    try:
        return clock.as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        raise SignatureError(f"invalid Date header: {value!r}") from None


def _from_timestamp(value: int) -> datetime:
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise SignatureError("timestamp out of range") from None


def _check_window(params: SignatureParams, headers: Mapping[str, str], now: datetime) -> None:
    created_times: list[datetime] = []
    if "date" in params.headers:
        if "date" not in headers:
            raise SignatureError("signed header 'date' is missing")
        created_times.append(_parse_http_date(headers["date"]))
    if "(created)" in params.headers:
        if params.created is None:
            raise SignatureError("(created) is signed but the created parameter is missing")
        created_times.append(_from_timestamp(params.created))
    for created in created_times:
        if created > now + CLOCK_SKEW:
            raise SignatureError("signed request date is too far in the future")
        expires = created + DEFAULT_VALIDITY
        if "(expires)" in params.headers and params.expires is not None:
            expires = _from_timestamp(params.expires)
        expires = min(expires, created + MAX_VALIDITY)
        if now > expires + CLOCK_SKEW:
            raise SignatureError("signed request date is outside the accepted window")


def _check_digest(headers: Mapping[str, str], body: bytes) -> None:
    header = headers.get("digest")
    if header is None:
        raise SignatureError("signed header 'digest' is missing")
    offered: dict[str, str] = {}
    for item in header.split(","):
        algorithm, _, value = item.strip().partition("=")
        offered[algorithm.strip().lower()] = value.strip()
    for name, function in (("sha-256", hashlib.sha256), ("sha-512", hashlib.sha512)):
        if name in offered:
            expected = base64.b64encode(function(body).digest()).decode("ascii")
            if not hmac.compare_digest(expected, offered[name]):
                raise SignatureError(f"Digest {name.upper()} does not match the body")
            return
    raise SignatureError(f"no supported algorithm in Digest (offered: {', '.join(offered)})")


def _signing_string(
    params: SignatureParams, target: str, host: str, headers: Mapping[str, str]
) -> bytes:
    lines = []
    for name in params.headers:
        if name == "(request-target)":
            lines.append(f"(request-target): {target}")
        elif name == "(created)":
            lines.append(f"(created): {params.created}")
        elif name == "(expires)":
            if params.expires is None:
                raise SignatureError("(expires) is signed but the expires parameter is missing")
            lines.append(f"(expires): {params.expires}")
        elif name == "host":
            lines.append(f"host: {host}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise SignatureError(f"signed header {name!r} is missing")
    return "\n".join(lines).encode("utf-8")


def verify_request(
    params: SignatureParams,
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
    public_key_pem: str,
    *,
    now: datetime | None = None,
) -> None:
    """Check a request's signature against the key owner's public key; SignatureError says
    why it is refused. ``headers`` are those the server received (names in any case; Host as
    seen by this server, after trusted-proxy rewriting)."""
    if params.algorithm not in ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {params.algorithm!r}")
    signed = params.headers
    if "(request-target)" not in signed:
        raise SignatureError("(request-target) must be signed")
    if "host" not in signed:
        raise SignatureError("the Host header must be signed")
    if "date" not in signed and not (params.algorithm == "hs2019" and "(created)" in signed):
        raise SignatureError("the Date header must be signed")
    has_body = bool(body) or method.upper() == "POST"
    if has_body and "digest" not in signed:
        raise SignatureError("the Digest header must be signed when there is a body")

    received = {name.lower(): value for name, value in headers.items()}
    _check_window(params, received, clock.as_utc(now or clock.now()))
    if "digest" in signed:
        _check_digest(received, body or b"")

    host = received.get("host")
    if not host:
        raise SignatureError("signed header 'host' is missing")
    hosts = [host]
    bare_host, colon, port = host.rpartition(":")
    if colon and port.isdigit() and not bare_host.endswith(":"):
        hosts.append(bare_host)
    targets = [f"{method.lower()} {path_and_query}"]
    if "?" in path_and_query:
        targets.append(f"{method.lower()} {path_and_query.split('?', 1)[0]}")

    try:
        key = load_public_key(public_key_pem)
    except InvalidKey as exc:
        raise SignatureError(str(exc)) from None
    for candidate_host in hosts:
        for target in targets:
            data = _signing_string(params, target, candidate_host, received)
            try:
                key.verify(params.signature, data, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                continue
            return
    raise SignatureError(f"signature does not match the key {params.key_id}")
