"""Polls: checked and created with their status, voted on, closed by a job at expiry that
notifies the voters and the author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.domains.federation import events as federation
from gazouille.domains.statuses.policy import access_status
from gazouille.models import Account, Poll, PollVote
from gazouille.worker.queue import enqueue

EXPIRE_JOB = "polls.expire"
MAX_OPTIONS = 4
MAX_OPTION_CHARS = 50
MIN_EXPIRATION = 300
MAX_EXPIRATION = 2_629_746  # one month, as Mastodon advertises
POLL_UPDATE_DELAY = timedelta(minutes=3)


@dataclass
class PollSpec:
    options: list[str]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def as_params(self) -> dict[str, Any]:
        return {
            "options": self.options,
            "expires_in": self.expires_in,
            "multiple": self.multiple,
            "hide_totals": self.hide_totals,
        }


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "on", "yes", "t")


def parse_poll(raw: dict[str, Any]) -> PollSpec | None:
    """``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``, ``poll[hide_totals]``,
    checked against the limits the instance advertises; None when no poll was sent."""
    if not raw:
        return None
    options = raw.get("options")
    if isinstance(options, dict):
        options = [options[k] for k in sorted(options, key=lambda k: (len(k), k))]
    if not isinstance(options, list):
        options = [] if options is None else [options]
    titles = [str(o).strip() for o in options if not isinstance(o, (dict, list))]
    if len(titles) < 2:
        raise _invalid("Poll must have at least 2 options")
    if len(titles) > MAX_OPTIONS:
        raise _invalid(f"Poll can't have more than {MAX_OPTIONS} options")
    if any(not t for t in titles):
        raise _invalid("Poll options can't be blank")
    if any(len(t) > MAX_OPTION_CHARS for t in titles):
        raise _invalid(f"Poll options can't be longer than {MAX_OPTION_CHARS} characters")
    if len(set(titles)) != len(titles):
        raise _invalid("Poll contains duplicate options")
    try:
        expires_in = int(str(raw.get("expires_in", "")).strip())
    except ValueError:
        raise _invalid("Poll duration must be a number of seconds") from None
    if expires_in < MIN_EXPIRATION:
        raise _invalid("Poll duration is too short (at least 5 minutes)")
    if expires_in > MAX_EXPIRATION:
        raise _invalid("Poll duration is too long (at most a month)")
    return PollSpec(
        titles,
        expires_in,
        _flag(raw.get("multiple", False)),
        _flag(raw.get("hide_totals", False)),
    )


async def _schedule_expiry(session: AsyncSession, poll: Poll) -> None:
    assert poll.expires_at is not None
    stamp = int(poll.expires_at.timestamp())
    await enqueue(
        session,
        EXPIRE_JOB,
        {"poll_id": poll.id},
        run_at=poll.expires_at,
        dedupe_key=f"{EXPIRE_JOB}:{poll.id}:{stamp}",
    )


async def create_poll(
    session: AsyncSession, status_id: int, author_id: int, spec: PollSpec
) -> Poll:
    now = clock.now()
    poll = Poll(
        id=new_id(),
        status_id=status_id,
        account_id=author_id,
        options=spec.options,
        cached_tallies=[0] * len(spec.options),
        votes_count=0,
        voters_count=0,
        multiple=spec.multiple,
        hide_totals=spec.hide_totals,
        expires_at=now + timedelta(seconds=spec.expires_in),
        created_at=now,
    )
    session.add(poll)
    await session.flush()
    await _schedule_expiry(session, poll)
    return poll


async def poll_of(session: AsyncSession, status_id: int) -> Poll | None:
    stmt = select(Poll).where(Poll.status_id == status_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def replace_poll(
    session: AsyncSession, status_id: int, author_id: int, spec: PollSpec | None
) -> tuple[Poll | None, bool]:
    """A status edit's poll, as Mastodon does it: removed when none is sent; otherwise its
    settings and duration start again from now, and its votes are reset only if the options
    changed. Returns the poll and whether its options changed."""
    current = await poll_of(session, status_id)
    if spec is None:
        if current is not None:
            await session.delete(current)
            await session.flush()
        return None, current is not None
    if current is None:
        return await create_poll(session, status_id, author_id, spec), True
    changed = current.options != spec.options
    if changed:
        await delete_votes(session, current.id)
        current.options = spec.options
        current.cached_tallies = [0] * len(spec.options)
        current.votes_count = current.voters_count = 0
    current.multiple = spec.multiple
    current.hide_totals = spec.hide_totals
    current.expires_at = clock.now() + timedelta(seconds=spec.expires_in)
    await session.flush()
    await _schedule_expiry(session, current)
    return current, changed


def is_expired(poll: Poll, at: datetime | None = None) -> bool:
    return poll.expires_at is not None and poll.expires_at <= (at or clock.now())


async def access_poll(session: AsyncSession, viewer_id: int | None, poll_id: int | None) -> Poll:
    """The poll if the viewer may see its status; NotFound otherwise."""
    poll = await session.get(Poll, poll_id) if poll_id else None
    if poll is None:
        raise NotFound()
    await access_status(session, viewer_id, poll.status_id)
    return poll


async def vote(
    session: AsyncSession, voter: Account, poll_id: int | None, raw_choices: list[str]
) -> Poll:
    poll = await access_poll(session, voter.id, poll_id)
    locked = await session.execute(
        select(Poll)
        .where(Poll.id == poll.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    poll = locked.scalar_one()
    if poll.account_id == voter.id:
        raise _invalid("You cannot vote in your own poll")
    if is_expired(poll):
        raise _invalid("The poll has already ended")
    choices: list[int] = []
    for raw in raw_choices:
        text = str(raw).strip()
        if not text.isdigit() or int(text) >= len(poll.options):
            raise _invalid("The chosen vote option does not exist")
        if int(text) not in choices:
            choices.append(int(text))
    if not choices:
        raise _invalid("Choices can't be blank")
    if len(choices) > 1 and not poll.multiple:
        # Mastodon's own wording here: the second choice counts as a second vote.
        raise _invalid("You have already voted on this poll")
    earlier = set(
        (
            await session.execute(
                select(PollVote.choice).where(
                    PollVote.poll_id == poll.id, PollVote.account_id == voter.id
                )
            )
        ).scalars()
    )
    if earlier and (not poll.multiple or earlier & set(choices)):
        raise _invalid("You have already voted on this poll")
    now = clock.now()
    vote_ids = []
    for choice in choices:
        vote_ids.append(new_id())
        session.add(
            PollVote(
                id=vote_ids[-1], poll_id=poll.id, account_id=voter.id, choice=choice, created_at=now
            )
        )
    await session.flush()
    await _recount(session, poll)
    await _federate_vote(session, voter, poll, vote_ids)
    return poll


async def _federate_vote(
    session: AsyncSession, voter: Account, poll: Poll, vote_ids: list[int]
) -> None:
    """A local vote on a remote poll goes to its author's server; remote votes on a local
    poll make new tallies for everyone who has the poll (gathered for a few minutes)."""
    if not federation.enabled():
        return
    author = await session.get(Account, poll.account_id)
    if author is None:
        return
    if voter.domain is None and author.domain is not None:
        payload = {"account_id": voter.id, "poll_id": poll.id, "vote_ids": vote_ids}
        await federation.emit(session, "poll.voted", payload)
    elif voter.domain is not None and author.domain is None:
        await federation.emit(
            session,
            "poll.updated",
            {"status_id": poll.status_id},
            dedupe_key=f"poll.updated:{poll.id}",
            delay=POLL_UPDATE_DELAY,
        )


async def _recount(session: AsyncSession, poll: Poll) -> None:
    rows = await session.execute(
        select(PollVote.choice, func.count())
        .where(PollVote.poll_id == poll.id)
        .group_by(PollVote.choice)
    )
    tallies = [0] * len(poll.options)
    for choice, count in rows.all():
        if 0 <= choice < len(tallies):
            tallies[choice] = int(count)
    voters = await session.execute(
        select(func.count(func.distinct(PollVote.account_id))).where(PollVote.poll_id == poll.id)
    )
    poll.cached_tallies = tallies
    poll.votes_count = sum(tallies)
    poll.voters_count = int(voters.scalar() or 0)
    await session.flush()


async def voter_ids(session: AsyncSession, poll_id: int) -> list[int]:
    rows = await session.execute(
        select(PollVote.account_id).where(PollVote.poll_id == poll_id).distinct()
    )
    return sorted(rows.scalars())


async def delete_votes(session: AsyncSession, poll_id: int) -> None:
    await session.execute(delete(PollVote).where(PollVote.poll_id == poll_id))
