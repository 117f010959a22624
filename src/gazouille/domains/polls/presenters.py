"""The polls of a page of statuses with the viewer's votes, in at most two queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.models import Poll, PollVote


@dataclass
class PollView:
    poll: Poll
    expired: bool
    # None without a viewer.
    voted: bool | None = None
    own_votes: list[int] | None = field(default=None)

    @property
    def show_totals(self) -> bool:
        return self.expired or not self.poll.hide_totals


async def present_polls(
    session: AsyncSession, viewer_id: int | None, status_ids: Collection[int]
) -> dict[int, PollView]:
    """Poll views by status id."""
    if not status_ids:
        return {}
    polls = list(
        (await session.execute(select(Poll).where(Poll.status_id.in_(status_ids)))).scalars()
    )
    if not polls:
        return {}
    votes: dict[int, list[int]] = defaultdict(list)
    if viewer_id is not None:
        rows = await session.execute(
            select(PollVote.poll_id, PollVote.choice)
            .where(PollVote.account_id == viewer_id, PollVote.poll_id.in_([p.id for p in polls]))
            .order_by(PollVote.choice)
        )
        for poll_id, choice in rows.all():
            votes[poll_id].append(choice)
    now = clock.now()
    views = {}
    for poll in polls:
        view = PollView(poll, poll.expires_at is not None and poll.expires_at <= now)
        if viewer_id is not None:
            own = votes.get(poll.id, [])
            # Mastodon counts the author as having voted in their own poll.
            view.voted = bool(own) or poll.account_id == viewer_id
            view.own_votes = own
        views[poll.status_id] = view
    return views
