"""/api/v1/instance, /api/v2/instance, NodeInfo and /health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text

from gazouille import UPSTREAM_API_VERSION, __version__
from gazouille.api.auth import state
from gazouille.api.responses import JSON
from gazouille.api.serializers import account_json
from gazouille.config import Registrations
from gazouille.core import clock, urls
from gazouille.core import media_processing as media_limits
from gazouille.core.clock import iso
from gazouille.core.text import render_inline
from gazouille.domains import instance
from gazouille.domains.federation import known_instances
from gazouille.domains.instance import activity

router = APIRouter()
VERSION = f"{UPSTREAM_API_VERSION} (compatible; Gazouille {__version__})"
SOURCE_URL = "https://github.com/gazouille/gazouille"


def _streaming_url() -> str:
    return urls.base().replace("https://", "wss://").replace("http://", "ws://")


def _configuration(settings: instance.InstanceSettings) -> dict[str, Any]:
    return {
        "urls": {"streaming": _streaming_url(), "status": None},
        "vapid": {"public_key": ""},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": settings.max_characters,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": list(media_limits.SUPPORTED_TYPES),
            "description_limit": media_limits.DESCRIPTION_LIMIT,
            "image_size_limit": media_limits.IMAGE_SIZE_LIMIT,
            "image_matrix_limit": media_limits.IMAGE_MATRIX_LIMIT,
            "video_size_limit": media_limits.VIDEO_SIZE_LIMIT,
            "video_frame_rate_limit": media_limits.VIDEO_FRAME_RATE_LIMIT,
            "video_matrix_limit": media_limits.VIDEO_MATRIX_LIMIT,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2629746,
        },
        "translation": {"enabled": False},
    }


def _rules(settings: instance.InstanceSettings) -> list[dict[str, str]]:
    return [{"id": str(i + 1), "text": rule, "hint": ""} for i, rule in enumerate(settings.rules)]


@router.get("/api/v2/instance")
async def instance_v2(request: Request) -> JSON:
    app_state = state(request)
    async with app_state.db.read() as session:
        settings = await instance.load_settings(session)
        stats = await instance.stats(session)
        contact = await instance.contact_account(session)
    mode = settings.registration_mode(app_state.settings.registrations)
    return JSON(
        {
            "domain": urls.local_domain(),
            "title": settings.title,
            "version": VERSION,
            "source_url": SOURCE_URL,
            "description": settings.short_description,
            "usage": {"users": {"active_month": stats.user_count}},
            "thumbnail": {"url": urls.default_header(), "blurhash": None, "versions": {}},
            "icon": [],
            "languages": settings.languages,
            "configuration": _configuration(settings),
            "registrations": {
                "enabled": mode is not Registrations.CLOSED,
                "approval_required": mode is Registrations.APPROVAL,
                "message": None,
                "url": None,
                "min_age": None,
                "reason_required": mode is Registrations.APPROVAL,
            },
            # 2: grouped notifications (/api/v2/notifications), which Phanpy switches to.
            "api_versions": {"mastodon": 2},
            "contact": {
                "email": settings.contact_email,
                "account": account_json(contact) if contact else None,
            },
            "rules": _rules(settings),
        }
    )


@router.get("/api/v1/instance")
async def instance_v1(request: Request) -> JSON:
    app_state = state(request)
    async with app_state.db.read() as session:
        settings = await instance.load_settings(session)
        stats = await instance.stats(session)
        contact = await instance.contact_account(session)
    mode = settings.registration_mode(app_state.settings.registrations)
    configuration = _configuration(settings)
    configuration.pop("urls")
    configuration.pop("vapid")
    configuration.pop("translation")
    return JSON(
        {
            "uri": urls.local_domain(),
            "title": settings.title,
            "short_description": settings.short_description,
            "description": settings.description or settings.short_description,
            "email": settings.contact_email,
            "version": VERSION,
            "urls": {"streaming_api": _streaming_url()},
            "stats": {
                "user_count": stats.user_count,
                "status_count": stats.status_count,
                "domain_count": stats.domain_count,
            },
            "thumbnail": urls.default_header(),
            "languages": settings.languages,
            "registrations": mode is not Registrations.CLOSED,
            "approval_required": mode is Registrations.APPROVAL,
            "invites_enabled": False,
            "configuration": configuration,
            "contact_account": account_json(contact) if contact else None,
            "rules": _rules(settings),
        }
    )


@router.get("/api/v1/instance/peers")
async def instance_peers(request: Request) -> JSON:
    async with state(request).db.read() as session:
        return JSON(await known_instances.peers(session))


@router.get("/api/v1/instance/activity")
async def instance_activity(request: Request) -> JSON:
    async with state(request).db.read() as session:
        weeks = await activity.weekly_activity(session)
    return JSON(
        [
            {
                "week": str(int(w.start.timestamp())),
                "statuses": str(w.statuses),
                "logins": str(w.logins),
                "registrations": str(w.registrations),
            }
            for w in weeks
        ]
    )


@router.get("/api/v1/instance/extended_description")
async def extended_description(request: Request) -> JSON:
    async with state(request).db.read() as session:
        settings = await instance.load_settings(session)
    text = settings.description or settings.short_description
    updated = settings.description_updated_at or iso(clock.now())
    return JSON({"updated_at": updated, "content": render_inline(text) if text else ""})


@router.get("/api/v1/instance/translation_languages")
async def translation_languages() -> JSON:
    return JSON({})  # no translation service is configured


@router.get("/api/v1/instance/rules")
async def rules(request: Request) -> JSON:
    async with state(request).db.read() as session:
        settings = await instance.load_settings(session)
    return JSON(_rules(settings))


@router.get("/api/v1/custom_emojis")
async def custom_emojis() -> JSON:
    return JSON([])  # this instance defines no custom emoji


@router.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> JSON:
    return JSON(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                    "href": f"{urls.base()}/nodeinfo/2.0",
                }
            ]
        }
    )


@router.get("/nodeinfo/2.0")
async def nodeinfo(request: Request) -> JSON:
    app_state = state(request)
    async with app_state.db.read() as session:
        settings = await instance.load_settings(session)
        stats = await instance.stats(session)
    return JSON(
        {
            "version": "2.0",
            "software": {"name": "gazouille", "version": __version__},
            "protocols": ["activitypub"] if app_state.settings.federation else [],
            "services": {"outbound": [], "inbound": []},
            "usage": {
                "users": {
                    "total": stats.user_count,
                    "activeMonth": stats.user_count,
                    "activeHalfyear": stats.user_count,
                },
                "localPosts": stats.status_count,
            },
            "openRegistrations": settings.registration_mode(app_state.settings.registrations)
            is not Registrations.CLOSED,
            "metadata": {
                "nodeName": settings.title,
                "nodeDescription": settings.short_description,
                "upstream": {"name": "mastodon", "version": UPSTREAM_API_VERSION},
            },
        }
    )


@router.get("/health/live")
async def liveness() -> JSON:
    """Alive, without touching the database: the framework's own cost (the benchmarks' floor)."""
    return JSON({"status": "ok"})


@router.get("/health")
async def health(request: Request) -> JSON:
    async with state(request).db.read() as session:
        await session.execute(text("SELECT 1"))
    return JSON({"status": "ok"})
