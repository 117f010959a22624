"""Home and public timelines.

The home timeline is computed at read time from the follow graph (one indexed query); see
docs/architecture.md for why, and docs/performance.md once the benchmarks choose otherwise.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.lists.timeline import in_exclusive_list
from gazouille.domains.relationships.exclusions import (
    status_author_hidden,
    status_hidden_from_feeds,
)
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Follow, Status, StatusTag, TagFollow


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
    # Public statuses carrying a hashtag the viewer follows, from anyone.
    followed_tag = exists().where(
        StatusTag.status_id == Status.id,
        StatusTag.tag_id == TagFollow.tag_id,
        TagFollow.account_id == viewer_id,
    )
    stmt = select(Status).where(
        or_(
            Status.account_id == viewer_id,
            Status.account_id.in_(followed),
            and_(Status.visibility == "public", followed_tag),
        ),
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
        # Blocks, mutes and blocked domains; members of exclusive lists go to their list only.
        ~status_hidden_from_feeds(viewer_id),
        or_(Status.account_id == viewer_id, ~in_exclusive_list(viewer_id)),
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
    viewer_id: int | None = None,
) -> list[Status]:
    stmt = select(Status).where(Status.visibility == "public", Status.reblog_of_id.is_(None))
    if only_media:
        stmt = stmt.where(Status.has_media.is_(True))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    elif remote:
        stmt = stmt.where(Status.local.is_(False))
    if viewer_id is not None:
        stmt = stmt.where(~status_author_hidden(viewer_id))
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)
