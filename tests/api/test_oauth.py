"""OAuth 2: apps, the authorization code flow with PKCE through the real log-in page,
client credentials, the password grant, scopes and revocation."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import Api


async def _app(
    api: Api, redirect: str = "https://client.example/cb", scopes: str = "read write"
) -> dict[str, Any]:
    r = await api.post(
        "/api/v1/apps",
        data={
            "client_name": "Phanpy",
            "redirect_uris": redirect,
            "scopes": scopes,
            "website": "https://client.example",
        },
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def _form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


async def test_create_app_shape(api: Api) -> None:
    app = await _app(api)
    assert app["name"] == "Phanpy"
    assert app["scopes"] == ["read", "write"]
    assert app["redirect_uris"] == ["https://client.example/cb"]
    assert app["client_id"] and app["client_secret"]
    assert app["client_secret_expires_at"] == 0


async def test_app_validation_errors(api: Api) -> None:
    r = await api.post(
        "/api/v1/apps", json={"client_name": "", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    )
    assert r.status_code == 422 and "name" in r.json()["error"]
    r = await api.post("/api/v1/apps", json={"client_name": "x", "redirect_uris": "not a uri"})
    assert r.status_code == 422
    r = await api.post(
        "/api/v1/apps",
        json={
            "client_name": "x",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read sudo",
        },
    )
    assert r.status_code == 422 and "sudo" in r.json()["error"]


async def test_authorization_code_flow_with_pkce(api: Api, alice: str) -> None:
    app = await _app(api)
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "https://client.example/cb",
        "scope": "read",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = await api.get("/oauth/authorize", params=query)
    assert page.status_code == 200
    assert "Phanpy" in page.text and "<form" in page.text
    fields = _form_fields(page.text)
    assert fields["client_id"] == app["client_id"]

    wrong = await api.post(
        "/oauth/authorize",
        data={**fields, "login": "alice", "password": "nope", "decision": "allow"},
    )
    assert wrong.status_code == 401 and "Invalid" in wrong.text
    fields = _form_fields(wrong.text)  # a fresh CSRF token comes with the new form

    r = await api.post(
        "/oauth/authorize",
        data={
            **fields,
            "login": "alice@example.com",
            "password": "correct horse",
            "decision": "allow",
        },
    )
    assert r.status_code == 302
    location = urlsplit(r.headers["location"])
    assert location.netloc == "client.example"
    got = parse_qs(location.query)
    assert got["state"] == ["xyz"]
    code = got["code"][0]

    # A public client proves itself with the verifier; a wrong verifier fails.
    bad = await api.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "code_verifier": "w" * 50,
            "redirect_uri": "https://client.example/cb",
        },
    )
    assert bad.status_code in (400, 401)
    token = await api.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code_verifier": verifier,
            "redirect_uri": "https://client.example/cb",
        },
    )
    assert token.status_code == 200, token.text
    body = token.json()
    assert (
        body["token_type"] == "Bearer"
        and body["scope"] == "read"
        and isinstance(body["created_at"], int)
    )
    me = await api.me(body["access_token"])
    assert me["username"] == "alice"
    # A code is single-use.
    again = await api.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code_verifier": verifier,
        },
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_oob_shows_the_code_and_csrf_is_checked(api: Api, alice: str) -> None:
    app = await _app(api, redirect="urn:ietf:wg:oauth:2.0:oob")
    page = await api.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        },
    )
    fields = _form_fields(page.text)
    forged = await api.post(
        "/oauth/authorize",
        data={
            **fields,
            "csrf": "forged",
            "login": "alice",
            "password": "correct horse",
            "decision": "allow",
        },
    )
    assert forged.status_code == 403
    fields = _form_fields(forged.text)
    r = await api.post(
        "/oauth/authorize",
        data={**fields, "login": "alice", "password": "correct horse", "decision": "allow"},
    )
    assert r.status_code == 200
    code = re.search(r'readonly value="([^"]+)"', r.text)
    assert code is not None
    token = await api.post(
        "/oauth/token",
        json={
            "grant_type": "authorization_code",
            "code": code.group(1),
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        },
    )
    assert token.status_code == 200


async def test_authorize_rejects_bad_requests(api: Api) -> None:
    app = await _app(api)
    r = await api.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "unknown",
            "redirect_uri": "https://client.example/cb",
        },
    )
    assert r.status_code == 400 and "unknown client" in r.text
    r = await api.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://evil.example/cb",
        },
    )
    assert r.status_code == 400 and "redirect uri" in r.text
    r = await api.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://client.example/cb",
            "scope": "admin:write",
        },
    )
    assert r.status_code == 400 and "scope" in r.text


async def test_password_grant_scopes_and_revocation(api: Api, alice: str, app: Any) -> None:
    client_id, secret = await api.client_app()
    r = await api.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": "alice@example.com",
            "password": "correct horse",
            "scope": "read",
        },
    )
    assert r.status_code == 200, r.text
    read_only = r.json()["access_token"]
    assert (await api.get("/api/v1/timelines/home", read_only)).status_code == 200
    denied = await api.post("/api/v1/statuses", read_only, json={"status": "hi"})
    assert denied.status_code == 403 and denied.json()["error"]

    wrong = await api.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": "alice",
            "password": "x",
        },
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    bad_secret = await api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "nope"},
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"

    revoked = await api.post(
        "/oauth/revoke", data={"token": read_only, "client_id": client_id, "client_secret": secret}
    )
    assert revoked.status_code == 200 and revoked.json() == {}
    after = await api.get("/api/v1/timelines/home", read_only)
    assert after.status_code == 401 and after.json() == {"error": "The access token is invalid"}

    app.state.gazouille.settings.password_grant = False
    off = await api.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": "alice",
            "password": "correct horse",
        },
    )
    assert off.status_code == 400 and off.json()["error"] == "unsupported_grant_type"


async def test_app_token_and_metadata(api: Api) -> None:
    token = await api.app_token()
    r = await api.get("/api/v1/apps/verify_credentials", token)
    assert r.status_code == 200 and r.json()["name"] == "tests" and "client_secret" not in r.json()
    assert (await api.get("/api/v1/timelines/home", token)).status_code == 422  # needs a user
    meta = (await api.get("/.well-known/oauth-authorization-server")).json()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint"] == "http://localhost:3000/oauth/token"
