"""One status presented to many viewers at once (the streaming API's recipients), in a
fixed number of queries however many they are: what ``present_statuses(session, viewer,
[status], context=...)`` gives each viewer, the same views.

The status is presented once without a viewer; one query then reads every viewer's
favourite, reblog and bookmark of it, muted threads and whether the viewer has active
filters. Viewers whose view needs more (the authors, who see the application and their
pins; viewers with filters; any viewer when the status carries a poll or a quote, which
depend on the viewer) are presented one by one, as before. Viewers with the same flags
share one view object, so the caller renders it once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import BigInteger, String, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.models import Bookmark, ConversationMute, Favourite, Filter, Status


async def present_to_viewers(
    session: AsyncSession, status: Status, viewers: Collection[int], context: str
) -> dict[int, StatusView | None]:
    """Each viewer's view of ``status`` in ``context`` (None: a filter hides it there)."""
    found: dict[int, StatusView | None] = {}
    if not viewers:
        return found
    presented = await present_statuses(session, None, [status])
    if not presented:
        return {v: None for v in viewers}
    base = presented[0]
    proper = base.reblog or base
    one_by_one = {status.account_id, proper.status.account_id} & set(viewers)
    if proper.poll is not None or proper.quote is not None or base.quote is not None:
        one_by_one = set(viewers)
    rest = [v for v in viewers if v not in one_by_one]
    flags = await _flags(session, rest, base) if rest else {}
    one_by_one |= {v for v in rest if "x" in flags.get(v, ())}
    for viewer in one_by_one:
        views = await present_statuses(session, viewer, [status], context=context)
        found[viewer] = views[0] if views else None
    shared: dict[frozenset[str], StatusView] = {}
    for viewer in rest:
        if viewer in one_by_one:
            continue
        mine = frozenset(flags.get(viewer, ()))
        if mine not in shared:
            shared[mine] = _with_flags(base, mine)
        found[viewer] = shared[mine]
    return found


def _with_flags(base: StatusView, flags: frozenset[str]) -> StatusView:
    favourited, reblogged, bookmarked = "f" in flags, "r" in flags, "b" in flags
    if base.reblog is None:
        return replace(
            base,
            favourited=favourited,
            reblogged=reblogged,
            bookmarked=bookmarked,
            muted="m" in flags,
            filtered=[],
        )
    original = replace(
        base.reblog,
        favourited=favourited,
        reblogged=reblogged,
        bookmarked=bookmarked,
        muted="mo" in flags,
        filtered=[],
    )
    return replace(
        base,
        reblog=original,
        favourited=favourited,
        reblogged=reblogged,
        bookmarked=bookmarked,
        muted="m" in flags,
        filtered=[],
    )


async def _flags(
    session: AsyncSession, viewers: list[int], base: StatusView
) -> dict[int, set[str]]:
    """Per viewer: f(avourited), r(eblogged), b(ookmarked) the original; m: the status's
    thread is muted, mo: the reblogged original's thread is; x: has active filters."""
    status = base.status
    proper = (base.reblog or base).status
    root = status.thread_root_id or status.id
    proper_root = proper.thread_root_id or proper.id

    def kind(letter: str) -> Any:
        return literal(letter, String()).label("kind")

    who = [
        select(kind("f"), Favourite.account_id.label("viewer")).where(
            Favourite.status_id == proper.id, Favourite.account_id.in_(viewers)
        ),
        select(kind("r"), Status.account_id).where(
            Status.reblog_of_id == proper.id, Status.account_id.in_(viewers)
        ),
        select(kind("b"), Bookmark.account_id).where(
            Bookmark.status_id == proper.id, Bookmark.account_id.in_(viewers)
        ),
        select(kind("m"), ConversationMute.account_id).where(
            ConversationMute.thread_root_id == literal(root, BigInteger()),
            ConversationMute.account_id.in_(viewers),
        ),
        select(kind("x"), Filter.account_id).where(
            Filter.account_id.in_(viewers),
            or_(Filter.expires_at.is_(None), Filter.expires_at > clock.now()),
        ),
    ]
    if base.reblog is not None:
        who.append(
            select(kind("mo"), ConversationMute.account_id).where(
                ConversationMute.thread_root_id == literal(proper_root, BigInteger()),
                ConversationMute.account_id.in_(viewers),
            )
        )
    flags: dict[int, set[str]] = {}
    for letter, viewer in (await session.execute(union_all(*who))).all():
        flags.setdefault(int(viewer), set()).add(letter)
    return flags
