"""Everything a page of statuses needs, loaded in a fixed number of queries whatever its
size: the statuses and their reblogged originals, authors and mentioned accounts, tags,
applications and the viewer's flags (favourited, reblogged, bookmarked)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import (
    Account,
    Bookmark,
    Favourite,
    Mention,
    OAuthApplication,
    Status,
    StatusTag,
    Tag,
)


@dataclass
class StatusView:
    status: Status
    account: Account
    reblog: StatusView | None = None
    mentions: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    application: OAuthApplication | None = None
    # Viewer flags; None when there is no viewer (the keys are then left out).
    favourited: bool | None = None
    reblogged: bool | None = None
    bookmarked: bool | None = None
    muted: bool | None = None
    pinned: bool | None = None


async def present_statuses(
    session: AsyncSession, viewer_id: int | None, statuses: Sequence[Status]
) -> list[StatusView]:
    if not statuses:
        return []
    by_id: dict[int, Status] = {s.id: s for s in statuses}
    missing = {s.reblog_of_id for s in statuses if s.reblog_of_id and s.reblog_of_id not in by_id}
    if missing:
        for original in (
            await session.execute(select(Status).where(Status.id.in_(missing)))
        ).scalars():
            by_id[original.id] = original
    ids = list(by_id)

    mention_rows = (
        await session.execute(
            select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(ids))
        )
    ).all()
    account_ids = {s.account_id for s in by_id.values()} | {r.account_id for r in mention_rows}
    accounts = {
        a.id: a
        for a in (
            await session.execute(select(Account).where(Account.id.in_(account_ids)))
        ).scalars()
    }
    tags: dict[int, list[Tag]] = defaultdict(list)
    tag_rows = await session.execute(
        select(StatusTag.status_id, Tag)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(StatusTag.status_id.in_(ids))
        .order_by(Tag.id)
    )
    for status_id, tag in tag_rows.all():
        tags[status_id].append(tag)
    app_ids = {
        s.application_id for s in by_id.values() if s.application_id and s.account_id == viewer_id
    }
    apps = {}
    if app_ids:
        apps = {
            a.id: a
            for a in (
                await session.execute(
                    select(OAuthApplication).where(OAuthApplication.id.in_(app_ids))
                )
            ).scalars()
        }
    favourited: set[int] = set()
    reblogged: set[int] = set()
    bookmarked: set[int] = set()
    if viewer_id is not None:
        favourited = set(
            (
                await session.execute(
                    select(Favourite.status_id).where(
                        Favourite.account_id == viewer_id, Favourite.status_id.in_(ids)
                    )
                )
            ).scalars()
        )
        reblogged = {
            i
            for i in (
                await session.execute(
                    select(Status.reblog_of_id).where(
                        Status.account_id == viewer_id, Status.reblog_of_id.in_(ids)
                    )
                )
            ).scalars()
            if i is not None
        }
        bookmarked = set(
            (
                await session.execute(
                    select(Bookmark.status_id).where(
                        Bookmark.account_id == viewer_id, Bookmark.status_id.in_(ids)
                    )
                )
            ).scalars()
        )
    mentions: dict[int, list[Account]] = defaultdict(list)
    for mention in mention_rows:
        if mention.account_id in accounts:
            mentions[mention.status_id].append(accounts[mention.account_id])

    def view(status: Status) -> StatusView:
        flag = viewer_id is not None
        return StatusView(
            status=status,
            account=accounts[status.account_id],
            mentions=mentions.get(status.id, []),
            tags=tags.get(status.id, []),
            application=apps.get(status.application_id) if status.application_id else None,
            favourited=(status.id in favourited) if flag else None,
            reblogged=(status.id in reblogged) if flag else None,
            bookmarked=(status.id in bookmarked) if flag else None,
            muted=False if flag else None,
            pinned=False if flag and status.account_id == viewer_id else None,
        )

    result = []
    for status in statuses:
        item = view(status)
        if status.reblog_of_id is not None:
            target = by_id.get(status.reblog_of_id)
            if target is None:
                continue
            item.reblog = view(target)
            # A reblog carries the viewer's flags of the original, as Mastodon does.
            item.favourited, item.reblogged, item.bookmarked = (
                item.reblog.favourited,
                item.reblog.reblogged,
                item.reblog.bookmarked,
            )
        result.append(item)
    return result
