"""The applications a user has authorised (those holding live tokens), and taking that
authorisation back: every token of the application for that user is revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound
from gazouille.models import OAuthAccessToken, OAuthApplication


@dataclass
class Authorization:
    application: OAuthApplication
    scopes: list[str]
    authorized_at: datetime


async def authorized_applications(session: AsyncSession, user_id: int) -> list[Authorization]:
    stmt = (
        select(OAuthApplication, OAuthAccessToken.scopes, OAuthAccessToken.created_at)
        .join(OAuthAccessToken, OAuthAccessToken.application_id == OAuthApplication.id)
        .where(OAuthAccessToken.user_id == user_id, OAuthAccessToken.revoked_at.is_(None))
        .order_by(OAuthAccessToken.id.desc())
    )
    found: dict[int, Authorization] = {}
    for app, scopes, created in (await session.execute(stmt)).all():
        entry = found.setdefault(app.id, Authorization(app, [], created))
        entry.scopes = sorted(set(entry.scopes) | set(scopes.split()))
    return list(found.values())


async def revoke_application(
    session: AsyncSession, user_id: int, application_id: int | None
) -> None:
    live = (
        select(func.count())
        .select_from(OAuthAccessToken)
        .where(
            OAuthAccessToken.user_id == user_id,
            OAuthAccessToken.application_id == application_id,
            OAuthAccessToken.revoked_at.is_(None),
        )
    )
    if application_id is None or not await session.scalar(live):
        raise NotFound()
    await session.execute(
        update(OAuthAccessToken)
        .where(
            OAuthAccessToken.user_id == user_id,
            OAuthAccessToken.application_id == application_id,
            OAuthAccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
    )
