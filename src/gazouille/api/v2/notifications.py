"""/api/v2/notifications: grouped notifications (Mastodon 4.3) and the notification policy."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON, link_header, paged
from gazouille.api.serializers import account_json, status_json
from gazouille.api.v1.notifications import notification_filter
from gazouille.core.clock import iso
from gazouille.core.errors import GazouilleError, NotFound, ValidationFailed
from gazouille.domains.notifications import groups as grouping
from gazouille.domains.notifications import service as notifications
from gazouille.domains.notifications.groups import NotificationGroup
from gazouille.models import Account

router = APIRouter()
STATUS_TYPES = {"favourite", "reblog", "status", "mention", "poll", "update", "quote"}
POLICY_KEYS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
POLICY_VALUES = ("accept", "filter", "drop")


def _group_json(group: NotificationGroup, *, paginating: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "group_key": group.group_key,
        "notifications_count": group.notifications_count,
        "type": group.type,
        "most_recent_notification_id": group.most_recent_notification_id,
        "sample_account_ids": [str(i) for i in group.sample_account_ids],
    }
    if paginating:
        data["page_min_id"] = str(group.page_min_id)
        data["page_max_id"] = str(group.page_max_id)
        data["latest_page_notification_at"] = iso(group.latest_page_notification_at)
    if group.type in STATUS_TYPES and group.status_id:
        data["status_id"] = str(group.status_id)
    return data


def _partial_account_json(account: Account) -> dict[str, Any]:
    full = account_json(account)
    keys = ("id", "acct", "url", "avatar", "avatar_static", "avatar_description", "locked", "bot")
    return {k: full[k] for k in keys}


async def _results(
    session: AsyncSession,
    viewer_id: int,
    groups: list[NotificationGroup],
    *,
    paginating: bool,
    partial_avatars: bool = False,
) -> dict[str, Any]:
    """GroupedNotificationsResults: the groups, and each account and status they refer to
    once. Groups whose status is gone or hidden from the viewer are left out."""
    refs = await notifications.load_references(
        session,
        viewer_id,
        {i for g in groups for i in g.sample_account_ids},
        {g.status_id for g in groups if g.status_id},
    )
    kept = [
        g
        for g in groups
        if (not g.status_id or g.status_id in refs.statuses)
        and any(i in refs.accounts for i in g.sample_account_ids)
    ]
    for group in kept:
        group.sample_account_ids = [i for i in group.sample_account_ids if i in refs.accounts]
    full_ids = (
        [g.sample_account_ids[0] for g in kept]
        if partial_avatars
        else [i for g in kept for i in g.sample_account_ids]
    )
    full_ids = list(dict.fromkeys(full_ids))
    result: dict[str, Any] = {
        "accounts": [account_json(refs.accounts[i]) for i in full_ids],
        "statuses": [
            status_json(refs.statuses[i])
            for i in dict.fromkeys(g.status_id for g in kept if g.status_id)
        ],
        "notification_groups": [_group_json(g, paginating=paginating) for g in kept],
    }
    result["partial_accounts"] = None  # only with expand_accounts=partial_avatars
    if partial_avatars:
        rest = dict.fromkeys(i for g in kept for i in g.sample_account_ids if i not in full_ids)
        result["partial_accounts"] = [_partial_account_json(refs.accounts[i]) for i in rest]
    return result


def _grouped(params: Params) -> tuple[str, ...]:
    return grouping.grouped_types_of(params.get_strs("grouped_types"))


@router.get("/api/v2/notifications")
async def list_groups(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:notifications")
    params = await read_params(request)
    expand = params.get_str("expand_accounts", "full")
    if expand not in ("full", "partial_avatars"):
        raise GazouilleError(
            f"Invalid value for 'expand_accounts': '{expand}', "
            "allowed values are 'full' and 'partial_avatars'"
        )
    async with state(request).db.read() as session:
        page = await grouping.list_groups(
            session,
            viewer.account_id,
            page_params(params, default=40, maximum=80),
            notification_filter(params),
            _grouped(params),
        )
        body = await _results(
            session,
            viewer.account_id,
            page.groups,
            paginating=True,
            partial_avatars=expand == "partial_avatars",
        )
    response = JSON(body)
    if page.cursors:
        header = link_header(request, min(page.cursors), max(page.cursors))
        if header:
            response.headers["Link"] = header
    return response


@router.get("/api/v2/notifications/unread_count")
async def unread_count(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:notifications")
    params = await read_params(request)
    limit = params.get_int("limit", 100, low=1, high=1000) or 100
    async with state(request).db.read() as session:
        count = await grouping.unread_group_count(
            session, viewer.account_id, limit, notification_filter(params), _grouped(params)
        )
    return JSON({"count": count})


def _policy_json() -> dict[str, Any]:
    return {
        **dict.fromkeys(POLICY_KEYS, "accept"),
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }


@router.get("/api/v2/notifications/policy")
async def get_policy(request: Request) -> JSON:
    """Gazouille filters no notification: every category is accepted."""
    await require_viewer(request, "read:notifications")
    return JSON(_policy_json())


@router.patch("/api/v2/notifications/policy")
async def update_policy(request: Request) -> JSON:
    """Only ``accept`` can be set: filtering and dropping are not implemented, and saying
    otherwise would hide nothing while claiming to."""
    await require_viewer(request, "write:notifications")
    params = await read_params(request)
    for key in POLICY_KEYS:
        value = params.get_str(key)
        if value is None:
            continue
        if value not in POLICY_VALUES:
            raise ValidationFailed(f"Validation failed: {key} is not included in the list")
        if value != "accept":
            raise ValidationFailed(
                f"Validation failed: {key} can only be accept: "
                "this server does not filter notifications"
            )
    return JSON(_policy_json())


@router.get("/api/v2/notifications/{group_key}")
async def get_group(request: Request, group_key: str) -> JSON:
    viewer = await require_viewer(request, "read:notifications")
    async with state(request).db.read() as session:
        group = await grouping.get_group(session, viewer.account_id, group_key)
        body = await _results(session, viewer.account_id, [group], paginating=False)
    if not body["notification_groups"]:
        raise NotFound()
    return JSON(body)


@router.post("/api/v2/notifications/{group_key}/dismiss")
async def dismiss_group(request: Request, group_key: str) -> JSON:
    viewer = await require_viewer(request, "write:notifications")
    async with state(request).db.write() as session:
        await grouping.dismiss_group(session, viewer.account_id, group_key)
    return JSON({})


@router.get("/api/v2/notifications/{group_key}/accounts")
async def group_accounts(request: Request, group_key: str) -> JSON:
    viewer = await require_viewer(request, "read:notifications")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await grouping.group_accounts(
            session, viewer.account_id, group_key, page_params(params, default=40, maximum=80)
        )
    return paged(request, [account_json(a) for _, a in rows], [i for i, _ in rows])
