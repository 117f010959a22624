"""Home and public timelines.

The home timeline is computed at read time from the follow graph (one indexed query); see
docs/architecture.md for why, and docs/performance.md once the benchmarks choose otherwise.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Follow, Status


async def home(session: AsyncSession, viewer_id: int, page: PageParams) -> list[Status]:
    """Own statuses and those of followed accounts, with Mastodon's filters: replies only
    when addressed to someone the viewer follows (or to the viewer, or self-replies);
    reblogs only from follows that show them; private/direct only when visible."""
    followed = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    reblogs_shown = exists().where(
        Follow.account_id == viewer_id,
        Follow.target_account_id == Status.account_id,
        Follow.show_reblogs.is_(True),
    )
    stmt = select(Status).where(
        or_(Status.account_id == viewer_id, Status.account_id.in_(followed)),
        visible_to(viewer_id),
        or_(
            Status.in_reply_to_account_id.is_(None),
            Status.in_reply_to_account_id == Status.account_id,
            Status.in_reply_to_account_id == viewer_id,
            Status.account_id == viewer_id,
            Status.in_reply_to_account_id.in_(followed),
        ),
        or_(
            Status.reblog_of_id.is_(None),
            Status.account_id == viewer_id,
            and_(reblogs_shown),
        ),
    )
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)


async def public(
    session: AsyncSession,
    page: PageParams,
    *,
    local: bool = False,
    remote: bool = False,
    only_media: bool = False,
) -> list[Status]:
    if only_media:
        return []  # no media attachments exist yet
    stmt = select(Status).where(Status.visibility == "public", Status.reblog_of_id.is_(None))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    elif remote:
        stmt = stmt.where(Status.local.is_(False))
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)
