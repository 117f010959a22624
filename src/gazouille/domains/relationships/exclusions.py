"""Whom a viewer does not want to see, as SQL clauses that read paths add to their own query:
blocks (either way), mutes while they last, and blocked domains. Adding a clause costs no
extra round trip, so timelines keep their fixed number of queries.

Expired mutes are judged at read time (``expires_at`` against the clock), so nothing has to
delete them for them to stop applying."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gazouille.core import clock
from gazouille.core.db import UTCDateTime
from gazouille.models import Account, Block, Follow, Mention, Mute, Status, UserDomainBlock


def blocks_either_way(viewer_id: int, account: Any) -> ColumnElement[bool]:
    return or_(
        exists().where(Block.account_id == viewer_id, Block.target_account_id == account),
        exists().where(Block.account_id == account, Block.target_account_id == viewer_id),
    )


def mute_in_force(viewer_id: int, account: Any, *, notifications: bool = False) -> Any:
    conditions = [
        Mute.account_id == viewer_id,
        Mute.target_account_id == account,
        # Evaluated when the statement runs, so a clause built once stays right.
        or_(
            Mute.expires_at.is_(None),
            Mute.expires_at > bindparam(None, callable_=clock.now, type_=UTCDateTime()),
        ),
    ]
    if notifications:
        conditions.append(Mute.hide_notifications.is_(True))
    return exists().where(*conditions)


def domain_blocked(viewer_id: int, account: Any) -> Any:
    # An alias, so that the clause never correlates with an Account of the outer query.
    target = aliased(Account)
    return exists().where(
        target.id == account,
        UserDomainBlock.account_id == viewer_id,
        UserDomainBlock.domain == target.domain,
    )


def account_hidden(viewer_id: int, account: Any) -> ColumnElement[bool]:
    """``account`` (a column or an id) is blocked either way, muted, or on a blocked domain."""
    return or_(
        blocks_either_way(viewer_id, account),
        mute_in_force(viewer_id, account),
        domain_blocked(viewer_id, account),
    )


def status_hidden_from_feeds(viewer_id: int) -> ColumnElement[bool]:
    """Home and list feeds, as Mastodon's feed filter: hidden when the author, the reblogged
    author, the account replied to or any mentioned account is hidden from the viewer.
    The viewer's own statuses are never hidden."""
    original = aliased(Status)
    mention = aliased(Mention)
    return and_(
        Status.account_id != viewer_id,
        or_(
            account_hidden(viewer_id, Status.account_id),
            and_(
                Status.reblog_of_id.is_not(None),
                exists()
                .where(original.id == Status.reblog_of_id)
                .where(account_hidden(viewer_id, original.account_id)),
            ),
            and_(
                Status.in_reply_to_account_id.is_not(None),
                Status.in_reply_to_account_id != viewer_id,
                or_(
                    blocks_either_way(viewer_id, Status.in_reply_to_account_id),
                    mute_in_force(viewer_id, Status.in_reply_to_account_id),
                ),
            ),
            exists()
            .where(mention.status_id == Status.id, mention.account_id != viewer_id)
            .where(
                or_(
                    exists().where(
                        Block.account_id == viewer_id, Block.target_account_id == mention.account_id
                    ),
                    mute_in_force(viewer_id, mention.account_id),
                )
            ),
        ),
    )


def status_author_hidden(viewer_id: int, table: Any = Status) -> ColumnElement[bool]:
    """Public and tag timelines, threads: hidden when the author is hidden from the viewer."""
    return and_(table.account_id != viewer_id, account_hidden(viewer_id, table.account_id))


async def notifications_suppressed(
    session: AsyncSession, recipient_id: int, sender_id: int
) -> bool:
    """Mastodon's rule: no notification from an account the recipient blocks or mutes with
    notifications, nor from a blocked domain unless the recipient follows the sender."""
    follows_sender = exists().where(
        Follow.account_id == recipient_id, Follow.target_account_id == sender_id
    )
    clause = or_(
        blocks_either_way(recipient_id, sender_id),
        mute_in_force(recipient_id, sender_id, notifications=True),
        and_(domain_blocked(recipient_id, sender_id), ~follows_sender),
    )
    return bool((await session.execute(select(clause))).scalar())
