"""Whom a viewer does not want to see, as SQL clauses that read paths add to their own query:
blocks (either way), mutes while they last, and blocked domains. Adding a clause costs no
extra round trip, so timelines keep their fixed number of queries.

Expired mutes are judged at read time (``expires_at`` against the clock), so nothing has to
delete them for them to stop applying."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    false,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gazouille.core import clock
from gazouille.core.db import UTCDateTime, core_rows
from gazouille.models import (
    Account,
    Block,
    Follow,
    List,
    ListAccount,
    Mention,
    Mute,
    Status,
    UserDomainBlock,
)


@dataclass(frozen=True)
class Kinds:
    """Which kinds of exclusion a viewer has at all. A clause about a kind the viewer has
    none of can only be false, so a statement built for these kinds leaves it out: most
    viewers block, mute and list no one, and their home page then skips a dozen correlated
    subqueries per candidate. ``ALL`` (the default) keeps every clause."""

    blocking: bool = True
    blocked_by: bool = True
    muting: bool = True
    domain_blocking: bool = True
    exclusive_lists: bool = True

    @classmethod
    def from_mask(cls, mask: int) -> Kinds:
        """The kinds from the bits of ``kinds_mask`` (in the order of the fields)."""
        return cls(*(bool(mask >> bit & 1) for bit in range(len(fields(cls)))))


ALL = Kinds()


async def kinds_of(session: AsyncSession, viewer_id: int) -> Kinds:
    """The viewer's ``Kinds``, read in the caller's transaction (one query of five index
    probes) so that the statement built for them sees the same state."""
    (row,) = await core_rows(session, _kinds_statement(), {"viewer": viewer_id})
    return Kinds.from_mask(int(row[0]))


def kinds_mask(viewer: Any) -> Any:
    """The viewer's ``Kinds`` as an SQL integer (one bit a kind), for read paths that fold
    it into a query they run anyway (the home feed's)."""
    probes = [
        exists().where(Block.account_id == viewer),
        exists().where(Block.target_account_id == viewer),
        exists().where(Mute.account_id == viewer),
        exists().where(UserDomainBlock.account_id == viewer),
        exists()
        .where(List.account_id == viewer, List.exclusive.is_(True))
        .where(exists().where(ListAccount.list_id == List.id)),
    ]
    return sum(
        (case((probe, 1 << bit), else_=0) for bit, probe in enumerate(probes)),
        start=literal(0, Integer()),
    )


@cache
def _kinds_statement() -> Any:
    return select(kinds_mask(bindparam("viewer", type_=BigInteger())))


def _any(clauses: list[Any]) -> Any:
    return or_(*clauses) if clauses else false()


def blocks_either_way(viewer_id: int, account: Any, kinds: Kinds = ALL) -> ColumnElement[bool]:
    clauses = []
    if kinds.blocking:
        clauses.append(
            exists().where(Block.account_id == viewer_id, Block.target_account_id == account)
        )
    if kinds.blocked_by:
        clauses.append(
            exists().where(Block.account_id == account, Block.target_account_id == viewer_id)
        )
    return _any(clauses)


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


def account_hidden(viewer_id: int, account: Any, kinds: Kinds = ALL) -> ColumnElement[bool]:
    """``account`` (a column or an id) is blocked either way, muted, or on a blocked domain."""
    clauses = []
    if kinds.blocking or kinds.blocked_by:
        clauses.append(blocks_either_way(viewer_id, account, kinds))
    if kinds.muting:
        clauses.append(mute_in_force(viewer_id, account))
    if kinds.domain_blocking:
        clauses.append(domain_blocked(viewer_id, account))
    return _any(clauses)


def status_hidden_from_feeds(viewer_id: int, kinds: Kinds = ALL) -> ColumnElement[bool]:
    """Home and list feeds, as Mastodon's feed filter: hidden when the author, the reblogged
    author, the account replied to or any mentioned account is hidden from the viewer.
    The viewer's own statuses are never hidden. Clauses of kinds the viewer has none of are
    left out (see ``Kinds``)."""
    if not (kinds.blocking or kinds.blocked_by or kinds.muting or kinds.domain_blocking):
        return false()
    original = aliased(Status)
    mention = aliased(Mention)
    clauses: list[Any] = [
        account_hidden(viewer_id, Status.account_id, kinds),
        and_(
            Status.reblog_of_id.is_not(None),
            exists()
            .where(original.id == Status.reblog_of_id)
            .where(account_hidden(viewer_id, original.account_id, kinds)),
        ),
    ]
    replied: list[Any] = []
    if kinds.blocking or kinds.blocked_by:
        replied.append(blocks_either_way(viewer_id, Status.in_reply_to_account_id, kinds))
    if kinds.muting:
        replied.append(mute_in_force(viewer_id, Status.in_reply_to_account_id))
    if replied:
        clauses.append(
            and_(
                Status.in_reply_to_account_id.is_not(None),
                Status.in_reply_to_account_id != viewer_id,
                or_(*replied),
            )
        )
    mentioned: list[Any] = []
    if kinds.blocking:
        mentioned.append(
            exists().where(
                Block.account_id == viewer_id, Block.target_account_id == mention.account_id
            )
        )
    if kinds.muting:
        mentioned.append(mute_in_force(viewer_id, mention.account_id))
    if mentioned:
        clauses.append(
            exists()
            .where(mention.status_id == Status.id, mention.account_id != viewer_id)
            .where(or_(*mentioned))
        )
    return and_(Status.account_id != viewer_id, or_(*clauses))


def status_author_hidden(viewer_id: Any, table: Any = Status) -> ColumnElement[bool]:
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
