"""The remote instances this server knows, for the admin's list and the public peers list:
the domains of known remote accounts and those deliveries went to (the ``instances`` table,
kept by domains/federation/instances.py), with their delivery health and the domain block
in force."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.federation.domain_rules import in_force
from gazouille.models import Account, DomainBlock, Instance

HEALTHS = ("ok", "failing", "unavailable", "unknown")


@dataclass
class KnownInstance:
    domain: str
    accounts: int = 0
    instance: Instance | None = None  # None: no delivery recorded yet
    block: DomainBlock | None = None  # the block in force, if any

    @property
    def health(self) -> str:
        """unavailable (deliveries paused), failing (the last deliveries failed), ok (the
        last one succeeded) or unknown (nothing delivered yet)."""
        row = self.instance
        if row is None:
            return "unknown"
        if row.unavailable_since is not None:
            return "unavailable"
        if row.failures > 0:
            return "failing"
        return "ok" if row.last_success_at is not None else "unknown"


async def known_instances(
    session: AsyncSession, *, health: str | None = None, domain_part: str = ""
) -> list[KnownInstance]:
    """Every known remote domain, by domain; ``health`` and ``domain_part`` filter."""
    counts = await session.execute(
        select(Account.domain, func.count())
        .where(Account.domain.is_not(None))
        .group_by(Account.domain)
    )
    found: dict[str, KnownInstance] = {}
    for domain, count in counts.all():
        if domain:
            found[domain] = KnownInstance(domain, int(count))
    for row in (await session.execute(select(Instance))).scalars():
        found.setdefault(row.domain, KnownInstance(row.domain)).instance = row
    blocks = list((await session.execute(select(DomainBlock))).scalars())
    result = []
    needle = domain_part.strip().lower()
    for domain in sorted(found):
        known = found[domain]
        rules = in_force(blocks, domain)
        known.block = rules[0] if rules else None
        if (health is None or known.health == health) and needle in domain:
            result.append(known)
    return result


async def peers(session: AsyncSession) -> list[str]:
    """``/api/v1/instance/peers``: the known domains, except those a domain block covers
    (as Mastodon, which leaves blocked domains out of the list)."""
    return [k.domain for k in await known_instances(session) if k.block is None]
