"""A list's timeline, computed at read time like the home timeline (one query), and the
clause that keeps the members of exclusive lists out of the home timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.relationships.exclusions import status_hidden_from_feeds
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Follow, List, ListAccount, Status


def _replies_rule(row: List, member_ids: Any, followed: Any) -> Any:
    """Mastodon's replies policy: replies to oneself and to the list's owner always show;
    ``followed`` adds replies to anyone the owner follows, ``list`` replies to members."""
    kept = [
        Status.in_reply_to_account_id.is_(None),
        Status.in_reply_to_account_id == Status.account_id,
        Status.in_reply_to_account_id == row.account_id,
    ]
    if row.replies_policy == "followed":
        kept.append(Status.in_reply_to_account_id.in_(followed))
    elif row.replies_policy == "list":
        kept.append(
            and_(
                Status.in_reply_to_account_id.in_(member_ids),
                Status.in_reply_to_account_id.in_(followed),
            )
        )
    return or_(*kept)


async def list_statuses(session: AsyncSession, row: List, page: PageParams) -> list[Status]:
    """Statuses of the list's members that the owner follows (or the owner, if a member),
    with the home timeline's rules for visibility, reblogs, blocks and mutes."""
    owner = row.account_id
    member_ids = select(ListAccount.account_id).where(ListAccount.list_id == row.id)
    followed = select(Follow.target_account_id).where(Follow.account_id == owner)
    reblogs_shown = exists().where(
        Follow.account_id == owner,
        Follow.target_account_id == Status.account_id,
        Follow.show_reblogs.is_(True),
    )
    stmt = select(Status).where(
        Status.account_id.in_(member_ids),
        or_(Status.account_id == owner, Status.account_id.in_(followed)),
        visible_to(owner),
        _replies_rule(row, member_ids, followed),
        or_(Status.reblog_of_id.is_(None), Status.account_id == owner, reblogs_shown),
        ~status_hidden_from_feeds(owner),
    )
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)


def in_exclusive_list(owner_id: int) -> Any:
    """Statuses whose author is in one of the owner's exclusive lists (kept off home)."""
    return Status.account_id.in_(
        select(ListAccount.account_id)
        .join(List, List.id == ListAccount.list_id)
        .where(List.account_id == owner_id, List.exclusive.is_(True))
    )
