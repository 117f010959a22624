"""A small ActivityPub-ish server on 127.0.0.1 for the client tests: it records each request
and checks the signatures it receives with our own verifier."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from gazouille.activitypub.signatures import parse_signature, verify_request

UA = "Gazouille/test (+http://127.0.0.1)"
AS2 = "application/activity+json"


@dataclass
class Remote:
    base: str
    public_pem: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return self.base.split("://", 1)[1]


def build_app(remote: Remote) -> web.Application:
    async def record(request: web.Request) -> bytes:
        body = await request.read()
        entry: dict[str, Any] = {
            "method": request.method,
            "path": request.path_qs,
            "headers": dict(request.headers),
            "body": body,
            "verified": None,
        }
        if "Signature" in request.headers:
            try:
                verify_request(
                    parse_signature(request.headers["Signature"]),
                    request.method,
                    request.path_qs,
                    request.headers,
                    body,
                    remote.public_pem,
                )
                entry["verified"] = True
            except Exception as exc:
                entry["verified"] = str(exc)
        remote.requests.append(entry)
        return body

    def as2(document: dict[str, Any], content_type: str = AS2) -> web.Response:
        return web.Response(body=orjson.dumps(document), content_type=content_type)

    async def actor(request: web.Request) -> web.Response:
        await record(request)
        name = request.match_info["name"]
        return as2({"id": f"{remote.base}/users/{name}", "type": "Person"})

    async def spoof(request: web.Request) -> web.Response:
        await record(request)
        return as2({"id": "https://elsewhere.example/users/alice", "type": "Person"})

    async def no_id(request: web.Request) -> web.Response:
        return as2({"type": "Person"})

    async def ld_json(request: web.Request) -> web.Response:
        return web.Response(
            body=orjson.dumps({"id": f"{remote.base}/ld", "type": "Note"}),
            headers={
                "Content-Type": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
            },
        )

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>hi</html>", content_type="text/html")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": AS2})
        await response.prepare(request)
        await response.write(b'{"id": "' + remote.base.encode() + b'/big", "x": "')
        for _ in range(40):
            await response.write(b"x" * 65536)
        await response.write(b'"}')
        return response

    async def deep(request: web.Request) -> web.Response:
        body = b'{"id": "' + remote.base.encode() + b'/deep", "a": ' + b"[" * 50 + b"]" * 50
        return web.Response(body=body + b"}", content_type=AS2)

    async def status(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=int(request.match_info["code"]), text="")

    async def redirect(request: web.Request) -> web.Response:
        await record(request)
        raise web.HTTPFound(f"{remote.base}/users/moved")

    async def inbox(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=int(request.match_info["code"]))

    async def webfinger(request: web.Request) -> web.Response:
        await record(request)
        resource = request.query.get("resource", "")
        if resource != f"acct:alice@{remote.domain}":
            return web.Response(status=404)
        jrd = {
            "subject": resource,
            "aliases": [f"{remote.base}/@alice"],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
                 "href": f"{remote.base}/@alice"},
                {"rel": "self", "type": "text/html", "href": f"{remote.base}/wrong"},
                {"rel": "self", "type": AS2, "href": f"{remote.base}/users/alice"},
            ],
        }  # fmt: skip
        return web.Response(body=orjson.dumps(jrd), content_type="application/jrd+json")

    async def nodeinfo_index(request: web.Request) -> web.Response:
        links = [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "/nope"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
             "href": f"{remote.base}/nodeinfo/2.1"},
        ]  # fmt: skip
        return web.json_response({"links": links})

    async def nodeinfo(request: web.Request) -> web.Response:
        return web.json_response(
            {"version": "2.1", "software": {"name": "mastodon", "version": "4.3.0"}}
        )

    app = web.Application()
    app.router.add_get("/users/{name}", actor)
    app.router.add_get("/spoof", spoof)
    app.router.add_get("/no-id", no_id)
    app.router.add_get("/ld", ld_json)
    app.router.add_get("/html", html)
    app.router.add_get("/big", big)
    app.router.add_get("/deep", deep)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/redirect", redirect)
    app.router.add_post("/inbox/{code}", inbox)
    app.router.add_get("/.well-known/webfinger", webfinger)
    app.router.add_get("/.well-known/nodeinfo", nodeinfo_index)
    app.router.add_get("/nodeinfo/2.1", nodeinfo)
    return app


async def start(remote: Remote, ssl_context: ssl.SSLContext | None = None) -> web.AppRunner:
    runner = web.AppRunner(build_app(remote))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = runner.addresses[0][1]
    remote.base = f"{'https' if ssl_context else 'http'}://127.0.0.1:{port}"
    return runner


def self_signed_cert(tmp_path: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 50))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
