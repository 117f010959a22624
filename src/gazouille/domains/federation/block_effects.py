"""What a domain block does to the accounts already known on its domains, applied again
after every create, update and delete.

An account silenced or suspended by a block carries the block's ``created_at`` as
``silenced_at`` / ``suspended_at``: the date tells which block set it, so lifting or
changing a block resets exactly what blocks set, never what a moderator set by hand.
Suspension also severs follows and follow requests both ways and forgets the notifications
the suspended accounts caused; lifting it does not bring those back (as Mastodon)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.federation.domain_rules import covering_blocks, covers, split_domain
from gazouille.domains.relationships.service import sever_both_ways
from gazouille.models import Account, Follow, FollowRequest, Notification


async def known_domains(session: AsyncSession, block_domain: str) -> list[str]:
    """The domains of known remote accounts that ``block_domain`` covers."""
    host, port = split_domain(block_domain)
    # Normalized block domains hold only letters, digits, dots, hyphens and a port: no
    # LIKE wildcard to escape.
    patterns = [f"{host}:{port}", f"%.{host}:{port}"] if port else [host, f"%.{host}", f"{host}:%"]
    if not port:
        patterns.append(f"%.{host}:%")
    rows = await session.execute(
        select(Account.domain).where(or_(*(Account.domain.like(p) for p in patterns))).distinct()
    )
    return sorted(d for d in rows.scalars() if d and covers(block_domain, d))


async def _reset(
    session: AsyncSession, domain: str, column: Any, target: datetime | None, markers: set[Any]
) -> None:
    """Set ``column`` to ``target`` on the domain's accounts where it is unset or was set
    by a block (its date is one of ``markers``)."""
    settable = or_(column.is_(None), column.in_(markers)) if target else column.in_(markers)
    stmt = update(Account).where(Account.domain == domain, settable)
    if target is not None:
        stmt = stmt.where(or_(column.is_(None), column != target))
    await session.execute(
        stmt.values({column: target}).execution_options(synchronize_session="fetch")
    )


async def reconcile(session: AsyncSession, block_domain: str, *, lifted: Any = None) -> None:
    """Bring the accounts of every known domain ``block_domain`` covers in line with the
    block now in force there; ``lifted``: the date of a block just deleted."""
    for domain in await known_domains(session, block_domain):
        blocks = await covering_blocks(session, domain)
        rule = blocks[0] if blocks else None
        markers = {b.created_at for b in blocks} | ({lifted} if lifted is not None else set())
        silence = rule.created_at if rule and rule.severity == "silence" else None
        suspend = rule.created_at if rule and rule.severity == "suspend" else None
        await _reset(session, domain, Account.silenced_at, silence, markers)
        await _reset(session, domain, Account.suspended_at, suspend, markers)
        if suspend is not None:
            await _cut_off(session, domain, suspend)


async def _cut_off(session: AsyncSession, domain: str, suspended_at: datetime) -> None:
    """Sever the follows of the accounts the block suspended, and drop their notifications."""
    ids = list(
        (
            await session.execute(
                select(Account.id).where(
                    Account.domain == domain, Account.suspended_at == suspended_at
                )
            )
        ).scalars()
    )
    if not ids:
        return
    pairs: set[tuple[int, int]] = set()
    for model in (Follow, FollowRequest):
        rows = await session.execute(
            select(model.account_id, model.target_account_id).where(
                or_(model.account_id.in_(ids), model.target_account_id.in_(ids))
            )
        )
        pairs |= {(a, b) for a, b in rows.all()}
    involved = {i for pair in pairs for i in pair}
    accounts = {
        a.id: a
        for a in (await session.execute(select(Account).where(Account.id.in_(involved)))).scalars()
    }
    for follower, target in sorted(pairs):
        await sever_both_ways(session, accounts[follower], accounts[target])
    await session.execute(delete(Notification).where(Notification.from_account_id.in_(ids)))
