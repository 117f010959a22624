"""Entity JSON against the Mastodon OpenAPI description (shared/mastodon-openapi), with a
stricter rule than the description itself: nullable keys must be present (null when
empty), because strictly typed clients crash on a missing key."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import Api

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "mastodon-openapi" / "schema.json"
# Nullable keys that Mastodon itself leaves out in some cases (viewer flags without a
# token, features newer than the 4.3 API we claim, "only when moved/suspended" flags).
MAY_BE_ABSENT = {
    "Account": {
        "limited",
        "memorial",
        "moved",
        "suspended",
        "feature_approval",
        "show_featured",
        "show_media",
        "show_media_replies",
    },
    "CredentialAccount": {
        "limited",
        "memorial",
        "moved",
        "suspended",
        "feature_approval",
        "show_featured",
        "show_media",
        "show_media_replies",
    },
    "Status": {
        "bookmarked",
        "favourited",
        "filtered",
        "muted",
        "pinned",
        "reblogged",
        "text",
        "quote_approval",
        "tagged_collections",
    },
    "Notification": {"collection", "event", "fallback", "moderation_warning", "report", "status"},
    "Relationship": {"muting_expires_at"},
    "Instance": {"wrapstodon"},
    "Error": {"error_description"},
}
pytestmark = pytest.mark.skipif(
    not SCHEMA.exists(), reason="shared/mastodon-openapi is not beside the checkout"
)


@cache
def _document() -> dict[str, Any]:
    return dict(json.loads(SCHEMA.read_text()))


@cache
def _validator(name: str) -> Draft202012Validator:
    resource = Resource.from_contents(_document(), default_specification=DRAFT202012)
    registry: Registry = Registry().with_resource("urn:mastodon", resource)
    return Draft202012Validator(
        {"$ref": f"urn:mastodon#/components/schemas/{name}"}, registry=registry
    )


def _must_have(name: str) -> set[str]:
    schema = _document()["components"]["schemas"][name]
    keys = set(schema.get("required", []))
    for key, prop in schema.get("properties", {}).items():
        types = prop.get("type")
        nullable = (isinstance(types, list) and "null" in types) or any(
            o.get("type") == "null" for o in prop.get("anyOf", []) + prop.get("oneOf", [])
        )
        if nullable:
            keys.add(key)
    return keys - MAY_BE_ABSENT.get(name, set())


def check(name: str, entity: dict[str, Any]) -> None:
    errors = sorted(_validator(name).iter_errors(entity), key=str)
    assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"
    missing = _must_have(name) - set(entity)
    assert not missing, f"{name} lacks {sorted(missing)}"
    if name == "Status":
        check("Account", entity["account"])
        if entity.get("reblog"):
            check("Status", entity["reblog"])
    if name == "Notification":
        check("Account", entity["account"])
        if "status" in entity:
            check("Status", entity["status"])


async def test_entities_match_the_mastodon_description(
    api: Api, alice: str, bob: str, run_jobs: Any
) -> None:
    b = await api.me(bob)
    check("CredentialAccount", await api.me(alice))
    check("Account", (await api.get(f"/api/v1/accounts/{b['id']}")).json())
    status = await api.post_status(alice, "hello @bob #tag", spoiler_text="cw", language="en")
    check("Status", status)
    reply = await api.post_status(bob, "re", in_reply_to_id=status["id"])
    check("Status", reply)
    check("Status", (await api.get(f"/api/v1/statuses/{status['id']}")).json())  # anonymous
    check("Status", (await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)).json())
    check("Relationship", await api.follow(alice, b["id"]))
    await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
    await run_jobs()
    for note in (await api.get("/api/v1/notifications", alice)).json():
        check("Notification", note)
    for entity in (await api.get("/api/v1/timelines/home", alice)).json():
        check("Status", entity)
    check("Context", (await api.get(f"/api/v1/statuses/{status['id']}/context")).json())
    check("Instance", (await api.get("/api/v2/instance")).json())
    check("V1Instance", (await api.get("/api/v1/instance")).json())
    app = (
        await api.post(
            "/api/v1/apps", json={"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
        )
    ).json()
    check("CredentialApplication", app)
    token = (
        await api.post(
            "/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
    ).json()
    check("Token", token)
    check(
        "Application",
        (await api.get("/api/v1/apps/verify_credentials", token["access_token"])).json(),
    )
    check("Error", (await api.get("/api/v1/statuses/1")).json())
