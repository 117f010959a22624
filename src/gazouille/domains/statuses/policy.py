"""The one visibility rule for statuses, used by every read path (API, web, federation).

public / unlisted: anyone but the accounts the author blocks. private: the author, their
followers and the mentioned. direct: the author and the mentioned. Nobody sees the statuses
of suspended accounts (nor reblogs of them). A hidden status is reported as not found,
never as forbidden, so its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.domains.accounts.limits import author_suspended
from gazouille.models import Block, Follow, Mention, Status


def visible_to(viewer_id: Any, table: Any = Status) -> Any:
    """A WHERE clause: the statuses of ``table`` that ``viewer_id`` may see."""
    # Constants written into the SQL: an expanding parameter would make the statement's
    # text be rebuilt on every execution (see ``core.fast_rows``).
    open_ = table.visibility.in_([literal_column("'public'"), literal_column("'unlisted'")])
    if viewer_id is None:
        return and_(open_, ~author_suspended(table))
    # As Mastodon: an author who blocks the viewer hides their public statuses from them.
    blocked = exists().where(
        Block.account_id == table.account_id, Block.target_account_id == viewer_id
    )
    allowed = or_(
        and_(open_, ~blocked),
        table.account_id == viewer_id,
        and_(
            table.visibility == "private",
            exists().where(
                Follow.account_id == viewer_id, Follow.target_account_id == table.account_id
            ),
        ),
        and_(
            ~open_,
            exists().where(Mention.status_id == table.id, Mention.account_id == viewer_id),
        ),
    )
    return and_(allowed, ~author_suspended(table))


async def access_status(
    session: AsyncSession, viewer_id: int | None, status_id: int | None
) -> Status:
    """The status if the viewer may see it; NotFound otherwise."""
    if status_id is None:
        raise NotFound()
    stmt = select(Status).where(Status.id == status_id, visible_to(viewer_id))
    status = (await session.execute(stmt)).scalar_one_or_none()
    if status is None:
        raise NotFound()
    return status
