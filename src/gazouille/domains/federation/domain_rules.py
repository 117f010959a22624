"""Which admin domain block applies to a domain. The most specific block wins: one on
``example.com`` covers ``sub.example.com`` unless ``sub.example.com`` has its own. Domains
are compared lower-case; a block without a port covers every port of its host
(``localhost`` covers ``localhost:3101``), a block with a port only that port."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import DomainBlock

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_domain(value: str) -> str | None:
    """``host[:port]`` lower-case and in ASCII (IDN as punycode) from what an admin typed,
    a pasted URL or ``user@domain`` included; None when it is not a domain name."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = text.partition(":")
    host = host.rstrip(".")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not host or len(host) > 253 or not all(_LABEL.match(p) for p in host.split(".")):
        return None
    return f"{host}:{int(port)}" if port else host


def split_domain(domain: str) -> tuple[str, str]:
    host, _, port = domain.strip().lower().partition(":")
    return host.rstrip("."), port


def candidates(domain: str) -> list[str]:
    """The block domains that would cover ``domain``: its host and parent domains, each
    with and without its port."""
    host, port = split_domain(domain)
    labels = host.split(".")
    suffixes = [".".join(labels[i:]) for i in range(len(labels))]
    return suffixes + [f"{s}:{port}" for s in suffixes] if port else suffixes


def covers(block_domain: str, domain: str) -> bool:
    block_host, block_port = split_domain(block_domain)
    host, port = split_domain(domain)
    if block_port and block_port != port:
        return False
    return host == block_host or host.endswith("." + block_host)


def _specificity(block: DomainBlock) -> tuple[int, int]:
    host, port = split_domain(block.domain)
    return host.count("."), 1 if port else 0


def in_force(blocks: Iterable[DomainBlock], domain: str) -> list[DomainBlock]:
    """Those of ``blocks`` that cover ``domain``, the most specific (the one in force)
    first."""
    return sorted((b for b in blocks if covers(b.domain, domain)), key=_specificity, reverse=True)


async def covering_blocks(session: AsyncSession, domain: str) -> list[DomainBlock]:
    """Every block covering ``domain``, the one in force first."""
    rows = await session.execute(
        select(DomainBlock).where(DomainBlock.domain.in_(candidates(domain)))
    )
    return in_force(rows.scalars(), domain)


async def rule_for(session: AsyncSession, domain: str | None) -> DomainBlock | None:
    """The block in force for ``domain`` (None for local accounts and unblocked domains)."""
    if not domain:
        return None
    found = await covering_blocks(session, domain)
    return found[0] if found else None
