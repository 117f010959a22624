"""Helpers shared by the API routes: paging parameters, loading and rendering pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.params import Params
from gazouille.api.serializers import credential_account_json, status_json
from gazouille.core.errors import NotFound
from gazouille.core.pagination import PageParams
from gazouille.domains.accounts import repository as accounts_repo
from gazouille.domains.relationships import service as relationships
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.models import Account, Status, User


def page_params(params: Params, *, default: int = 20, maximum: int = 40) -> PageParams:
    return PageParams(
        limit=params.get_int("limit", default, low=1, high=maximum) or default,
        max_id=params.get_id("max_id"),
        since_id=params.get_id("since_id"),
        min_id=params.get_id("min_id"),
    )


async def access_account(session: AsyncSession, account_id: int | None) -> Account:
    account = await accounts_repo.get_account(session, account_id) if account_id else None
    if account is None or account.suspended_at is not None:
        raise NotFound()
    return account


async def render_statuses(
    session: AsyncSession,
    viewer_id: int | None,
    statuses: Sequence[Status],
    *,
    context: str | None = None,
) -> list[dict[str, Any]]:
    """``context``: where the statuses are shown, for the viewer's filters (see
    domains/filters/matching.py); a status a ``hide`` filter matches there is left out."""
    views = await present_statuses(session, viewer_id, statuses, context=context)
    return [status_json(v) for v in views]


async def render_status(
    session: AsyncSession, viewer_id: int | None, status: Status
) -> dict[str, Any]:
    rendered = await render_statuses(session, viewer_id, [status])
    if not rendered:
        raise NotFound()
    return rendered[0]


async def render_credential_account(
    session: AsyncSession, account: Account, user: User
) -> dict[str, Any]:
    requests = await relationships.count_follow_requests(session, account.id)
    return credential_account_json(account, user, requests)
