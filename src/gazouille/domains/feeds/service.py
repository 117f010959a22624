"""Home feeds, materialized for active users.

- When a status is created, its id goes into the feed of every active local account whose
  home timeline shows it: the very rule of ``timelines.rules.home_rule``, applied by one
  INSERT … SELECT. Few followers: within the posting transaction; many: in a job, after the
  answer. Authors above ``CELEBRITY_FOLLOWERS`` are not fanned out at all: their statuses
  are merged in when a feed is read, so one post never means 50,000 writes.
- A feed keeps about ``CAP`` entries (trimmed by a periodic job). Older pages, and the feeds
  of accounts inactive for ``ACTIVE_WINDOW`` (not fanned out to meanwhile), are computed at
  read time, and a returning account has its feed rebuilt by a job.
- Reading re-applies the live rule to the few candidate statuses, so a feed never shows what
  blocks, mutes or visibility would hide now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    bindparam,
    delete,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import (
    UTCDateTime,
    core_rows,
    insert_from_select_ignore,
    insert_from_select_ignore_statement,
    insert_ignore,
)
from gazouille.core.ids import id_floor
from gazouille.core.pagination import PageParams, paginate
from gazouille.core.sql import in_ids
from gazouille.domains.relationships import exclusions
from gazouille.domains.timelines.rules import home_rule
from gazouille.models import Account, Follow, Status, StatusTag, TagFollow
from gazouille.models.feeds import FeedState, HomeFeedEntry
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

CAP = 400
CELEBRITY_FOLLOWERS = 5_000
ACTIVE_WINDOW = timedelta(days=14)
INLINE_FOLLOWERS = 200
FAN_OUT_BATCH = 200  # feeds filled per write transaction by the fan-out job
ACTIVITY_RESOLUTION = timedelta(hours=1)
FOLLOW_BACKFILL = 40
FAN_OUT_JOB = "feeds.fan_out"
REBUILD_JOB = "feeds.rebuild"
TRIM_JOB = "feeds.trim"
TRIM_EVERY = timedelta(hours=1)
COLUMNS = ["account_id", "status_id"]
REBUILD_FIRST_SPAN = timedelta(hours=6)  # of the first id window a rebuild looks at


async def start_feed(session: AsyncSession, account_id: int) -> None:
    """A new local account: its empty feed is complete."""
    now = clock.now()
    await insert_ignore(
        session,
        FeedState,
        {"account_id": account_id, "active_at": now, "built_at": now},
        ["account_id"],
    )


async def mark_active(session: AsyncSession, account_id: int) -> None:
    """Record activity (once per ``ACTIVITY_RESOLUTION`` at most). An account back after
    ``ACTIVE_WINDOW`` missed the fan-outs meanwhile: its feed is rebuilt."""
    now = clock.now()
    state = await session.get(FeedState, account_id)
    if state is not None and state.active_at > now - ACTIVITY_RESOLUTION:
        return
    if state is None:
        state = FeedState(account_id=account_id, active_at=now, built_at=None)
        session.add(state)
    elif state.active_at < now - ACTIVE_WINDOW:
        state.built_at = None
    state.active_at = now
    await session.flush()
    if state.built_at is None:
        await enqueue(
            session,
            REBUILD_JOB,
            {"account_id": account_id},
            dedupe_key=f"feed-rebuild:{account_id}",
        )


def activity_is_stale(active_at: datetime | None) -> bool:
    """Should a request seen now record activity (see ``mark_active``)?"""
    return active_at is None or active_at <= clock.now() - ACTIVITY_RESOLUTION


async def _followers(session: AsyncSession, account_id: int) -> int:
    count = await session.execute(select(Account.followers_count).where(Account.id == account_id))
    return int(count.scalar_one_or_none() or 0)


async def _deliver(session: AsyncSession, status: Status, celebrity: bool) -> int:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    params = {
        "status_id": status.id,
        "author": status.account_id,
        "active_since": clock.now() - ACTIVE_WINDOW,
    }
    # On the Core connection: the ORM would take an INSERT with parameters for a bulk insert.
    connection = await session.connection()
    result = await connection.execute(_deliver_statement(dialect, celebrity), params)
    return int(getattr(result, "rowcount", 0) or 0)


def _candidates(celebrity: bool) -> Any:
    """The accounts whose feeds may take the status: the author and, unless the author is
    a celebrity, the author's followers and the followers of the status's hashtags."""
    author = bindparam("author", type_=BigInteger())
    candidates: Any = select(author)
    if not celebrity:
        candidates = candidates.union(
            select(Follow.account_id).where(Follow.target_account_id == author),
            select(TagFollow.account_id)
            .join(StatusTag, StatusTag.tag_id == TagFollow.tag_id)
            .where(StatusTag.status_id == bindparam("status_id", type_=BigInteger())),
        )
    return candidates


def _live_feed() -> Any:
    return and_(
        FeedState.built_at.is_not(None),
        FeedState.active_at >= bindparam("active_since", type_=UTCDateTime()),
    )


@cache
def _deliver_statement(dialect: str, celebrity: bool, listed: bool = False) -> Any:
    """Insert a status into the feeds that may take it and whose viewer the home rule lets
    see it, for all of them at once (the viewer is the column ``FeedState.account_id``).
    Built once per dialect: building the rule costs more than running it for a few
    hundred followers. ``listed``: only the feeds of the ``feeds`` parameter (a batch of
    ``_feeds_to_fill``), else every candidate's."""
    rows = (
        select(FeedState.account_id, Status.id)
        .where(Status.id == bindparam("status_id", type_=BigInteger()))
        .where(_live_feed())
        .where(
            in_ids(FeedState.account_id, "feeds")
            if listed
            else FeedState.account_id.in_(_candidates(celebrity))
        )
        .where(home_rule(FeedState.account_id))
    )
    return insert_from_select_ignore_statement(dialect, HomeFeedEntry, COLUMNS, rows)


@cache
def _feeds_to_fill() -> Any:
    """The live feeds among a (non-celebrity) status's candidates, in order."""
    return (
        select(FeedState.account_id)
        .where(_live_feed(), FeedState.account_id.in_(_candidates(celebrity=False)))
        .order_by(FeedState.account_id)
    )


async def fan_out(session: AsyncSession, status: Status) -> None:
    """Called in the transaction that created ``status``."""
    followers = await _followers(session, status.account_id)
    if followers <= INLINE_FOLLOWERS or followers > CELEBRITY_FOLLOWERS:
        await _deliver(session, status, celebrity=followers > CELEBRITY_FOLLOWERS)
        return
    await insert_ignore(
        session, HomeFeedEntry, {"account_id": status.account_id, "status_id": status.id}, COLUMNS
    )
    await enqueue(session, FAN_OUT_JOB, {"status_id": status.id}, dedupe_key=f"fan-out:{status.id}")


async def fan_out_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The fan-out of a status whose author has more followers than are served in the
    posting transaction: the feeds to fill are read first, then filled
    ``FAN_OUT_BATCH`` at a time, each batch in a transaction of its own, so that SQLite's
    one writer is never held long (a post arriving meanwhile waits for one batch, not for
    thousands of feeds). Inserts ignore what is there already: a retry is harmless."""
    status_id = int(payload["status_id"])
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id)
        if status is None or await _followers(session, status.account_id) > CELEBRITY_FOLLOWERS:
            return  # deleted, or a celebrity since: merged at read time
        params = {
            "status_id": status_id,
            "author": status.account_id,
            "active_since": clock.now() - ACTIVE_WINDOW,
        }
        feeds = [row[0] for row in await core_rows(session, _feeds_to_fill(), params)]
    for start in range(0, len(feeds), FAN_OUT_BATCH):
        async with ctx.db.write() as session:
            dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
            connection = await session.connection()
            await connection.execute(
                _deliver_statement(dialect, celebrity=False, listed=True),
                {**params, "feeds": feeds[start : start + FAN_OUT_BATCH]},
            )


async def followed(session: AsyncSession, follower_id: int, target_id: int) -> None:
    """A new follow: the followed account's recent statuses join the follower's feed, and
    so do the replies to it that the follow now makes visible."""
    state = await session.get(FeedState, follower_id)
    if state is None or state.built_at is None:
        return  # the feed is read at read time until it is rebuilt
    sources = [Status.in_reply_to_account_id == target_id]
    if await _followers(session, target_id) <= CELEBRITY_FOLLOWERS:
        sources.append(Status.account_id == target_id)  # else merged at read time anyway
    for source in sources:
        rows = (
            select(literal(follower_id), Status.id)
            .where(source, home_rule(follower_id))
            .order_by(Status.id.desc())
            .limit(FOLLOW_BACKFILL)
        )
        await insert_from_select_ignore(session, HomeFeedEntry, COLUMNS, rows)


async def tag_followed(session: AsyncSession, account_id: int, tag_id: int) -> None:
    """A newly followed hashtag: its recent statuses join the follower's feed."""
    state = await session.get(FeedState, account_id)
    if state is None or state.built_at is None:
        return
    rows = (
        select(literal(account_id), Status.id)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(StatusTag.tag_id == tag_id, home_rule(account_id))
        .order_by(Status.id.desc())
        .limit(FOLLOW_BACKFILL)
    )
    await insert_from_select_ignore(session, HomeFeedEntry, COLUMNS, rows)


async def unfollowed(session: AsyncSession, follower_id: int, target_id: int) -> None:
    await session.execute(
        delete(HomeFeedEntry).where(
            HomeFeedEntry.account_id == follower_id,
            HomeFeedEntry.status_id.in_(select(Status.id).where(Status.account_id == target_id)),
        )
    )


@dataclass
class Candidates:
    """What the feed offers a page: status ids newest first (a few more than the page: the
    live rule may still drop some), and the viewer's kinds of exclusion, read with them, to
    choose the rule's statement."""

    ids: list[int]
    kinds: exclusions.Kinds


async def candidate_ids(
    session: AsyncSession, viewer_id: int, page: PageParams
) -> Candidates | None:
    """The page's ``Candidates``, or None when the feed cannot answer this page. One query:
    the feed's state with the viewer's kinds of exclusion, its entries and the followed
    celebrities' statuses."""
    limit = page.limit * 2
    params = {
        "viewer": viewer_id,
        "limit": limit,
        "max_id": page.max_id,
        "since_id": page.since_id,
        "min_id": page.min_id,
        "celebrity": CELEBRITY_FOLLOWERS,
    }
    shape = (page.max_id is not None, page.since_id is not None, page.min_id is not None)
    rows = await core_rows(session, _candidates_statement(*shape), params)
    built = [value for value, source in rows if source == _BUILT]
    if not built:
        return None
    from_feed = sum(1 for _, source in rows if source == _FEED)
    if page.min_id is None and page.max_id is not None and from_feed < limit:
        # Past the end of a capped feed: older statuses may exist that the feed dropped.
        total = await session.scalar(
            select(func.count())
            .select_from(HomeFeedEntry)
            .where(HomeFeedEntry.account_id == viewer_id)
        )
        if (total or 0) >= CAP:
            return None
    ids = sorted({i for i, source in rows if source != _BUILT}, reverse=page.min_id is None)
    return Candidates(ids[:limit], exclusions.Kinds.from_mask(int(built[0])))


_BUILT, _FEED, _MERGED = 2, 1, 0


@cache
def _candidates_statement(max_id: bool, since_id: bool, min_id: bool) -> Any:
    """Built once per page shape (building it costs more than running it), then run with
    the viewer and the cursors as parameters."""
    viewer = bindparam("viewer", type_=BigInteger())
    cursors: dict[str, Any] = {
        "limit": bindparam("limit", type_=Integer()),
        "max_id": bindparam("max_id", type_=BigInteger()) if max_id else None,
        "since_id": bindparam("since_id", type_=BigInteger()) if since_id else None,
        "min_id": bindparam("min_id", type_=BigInteger()) if min_id else None,
    }
    shape = PageParams(**cursors)  # parameters in place of values: paginate() only compares
    # The state's row carries the viewer's kinds of exclusion in its id column.
    built = select(
        exclusions.kinds_mask(viewer).label("id"), literal(_BUILT, Integer()).label("source")
    ).where(FeedState.account_id == viewer, FeedState.built_at.is_not(None))
    feed = paginate(
        select(HomeFeedEntry.status_id.label("id")).where(HomeFeedEntry.account_id == viewer),
        HomeFeedEntry.status_id,
        shape,
    ).subquery()
    celebrities = (
        select(Follow.target_account_id)
        .join(Account, Account.id == Follow.target_account_id)
        .where(
            Follow.account_id == viewer,
            Account.followers_count > bindparam("celebrity", type_=Integer()),
        )
    )
    merged = paginate(
        select(Status.id.label("id")).where(Status.account_id.in_(celebrities)), Status.id, shape
    ).subquery()
    return union_all(
        built,
        select(feed.c.id, literal(_FEED, Integer())),
        select(merged.c.id, literal(_MERGED, Integer())),
    )


async def rebuild(session: AsyncSession, account_id: int) -> None:
    """Fill a feed with its newest ``CAP`` statuses by the home rule, then mark it built."""
    newest = await newest_in_home(session, account_id)
    await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.account_id == account_id))
    if newest:
        rows = select(literal(account_id), Status.id).where(Status.id.in_(newest))
        await insert_from_select_ignore(session, HomeFeedEntry, COLUMNS, rows)
    state = await session.get(FeedState, account_id)
    if state is None:
        session.add(FeedState(account_id=account_id, active_at=clock.now(), built_at=clock.now()))
    else:
        state.built_at = clock.now()
    await session.flush()


async def newest_in_home(session: AsyncSession, viewer_id: int) -> list[int]:
    """The ids of the newest ``CAP`` statuses ``home_rule(viewer_id)`` shows, newest first:
    exactly the rule over every status, without walking every status.

    Every status the rule shows is the viewer's own, a followed account's or one with a
    followed hashtag. So, going back in time in id windows, each window's candidates come
    from those sources along indexes (``statuses(account_id, id)``, ``status_tags(tag_id,
    status_id)``) and the rule is applied to them only. All candidates of a window are
    judged, so once ``CAP`` statuses passed, nothing older can be among the newest ``CAP``.
    A window's span is guessed from the rate of the statuses found so far: a few windows,
    whatever the account follows; an account following thousands stops in the first."""
    newest = await session.scalar(select(func.max(Status.id)))
    if newest is None:
        return []
    top = min(int(newest), id_floor(clock.now()))  # a remote clock may run ahead
    span = int(REBUILD_FIRST_SPAN.total_seconds() * 1000) << 16  # ids: milliseconds << 16
    kinds = await exclusions.kinds_of(session, viewer_id)
    found: list[int] = []
    upper: int | None = None  # the first window is open upwards (ids from the future)
    while True:
        lower = max(0, top - span)
        params = {"viewer": viewer_id, "lower": lower, "upper": upper, "limit": CAP - len(found)}
        statement = _window_statement(bounded=upper is not None, kinds=kinds)
        found += (await session.execute(statement, params)).scalars()
        if len(found) >= CAP or lower == 0:
            return found
        upper = lower
        span *= min(16, max(2, CAP * 3 // 2 // max(1, len(found))))


@cache
def _window_statement(bounded: bool, kinds: exclusions.Kinds) -> Any:
    """The statuses of one id window that the home rule shows, newest first; built once."""
    viewer = bindparam("viewer", type_=BigInteger())

    def window(column: Any) -> Any:
        lower = column >= bindparam("lower", type_=BigInteger())
        return and_(lower, column < bindparam("upper", type_=BigInteger())) if bounded else lower

    own = select(Status.id).where(Status.account_id == viewer, window(Status.id)).correlate(None)
    followed = (
        select(Status.id)
        .join(Follow, Follow.target_account_id == Status.account_id)
        .where(Follow.account_id == viewer, window(Status.id))
        .correlate(None)
    )
    tagged = (
        select(StatusTag.status_id)
        .join(TagFollow, TagFollow.tag_id == StatusTag.tag_id)
        .where(TagFollow.account_id == viewer, window(StatusTag.status_id))
    )
    return (
        select(Status.id)
        .where(Status.id.in_(union_all(own, followed, tagged)), home_rule(viewer, kinds))
        .order_by(Status.id.desc())
        .limit(bindparam("limit", type_=Integer()))
    )


async def rebuild_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    async with ctx.db.write() as session:
        await rebuild(session, int(payload["account_id"]))


async def trim_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Keep about ``CAP`` entries per feed (a feed over 1.25 × CAP is cut back)."""
    async with ctx.db.write() as session:
        long_feeds = (
            (
                await session.execute(
                    select(HomeFeedEntry.account_id)
                    .group_by(HomeFeedEntry.account_id)
                    .having(func.count() > CAP * 5 // 4)
                )
            )
            .scalars()
            .all()
        )
        for account_id in long_feeds:
            oldest_kept = (
                select(HomeFeedEntry.status_id)
                .where(HomeFeedEntry.account_id == account_id)
                .order_by(HomeFeedEntry.status_id.desc())
                .offset(CAP - 1)
                .limit(1)
                .scalar_subquery()
            )
            await session.execute(
                delete(HomeFeedEntry).where(
                    HomeFeedEntry.account_id == account_id, HomeFeedEntry.status_id < oldest_kept
                )
            )
