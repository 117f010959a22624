"""Admin domain blocks: what the instance does with a whole remote domain and its subdomains.

- ``noop``: nothing but the media and report options.
- ``silence``: the domain's accounts are limited (``Account.silenced_at``): their posts stay
  out of the public and hashtag timelines and trends for those who don't follow them.
- ``suspend``: the domain's accounts are suspended (``Account.suspended_at``): follows both
  ways are severed, their posts are hidden everywhere, the inbox drops what they send.

Which block applies to a domain (the most specific; subdomains and ports) is in
domain_rules.py; what a block does to the accounts already known, in block_effects.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import urls
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.federation import block_effects
from gazouille.domains.federation.domain_rules import (
    covers,
    normalize_domain,
    rule_for,
    split_domain,
)
from gazouille.models import Account, DomainBlock

SEVERITIES = ("noop", "silence", "suspend")
PUBLIC_SEVERITIES = ("suspend", "silence")
_RANK = {"noop": 0, "silence": 1, "suspend": 2}
MAX_COMMENT = 1000


def _invalid(field_name: str, code: str, description: str) -> ValidationFailed:
    label = field_name.replace("_", " ").capitalize()
    return ValidationFailed(
        f"Validation failed: {label} {description}",
        details={field_name: [{"error": code, "description": description}]},
    )


class ExistingDomainBlock(ValidationFailed):
    """A block at least as strict already covers the domain (Mastodon answers it with the
    existing block)."""

    def __init__(self, block: DomainBlock):
        super().__init__(f"You have already imposed stricter limits on {block.domain}.")
        self.block = block


async def blocked_severity(session: AsyncSession, domain: str | None) -> str | None:
    """The severity of the block in force for ``domain`` ("suspend", "silence" or "noop"),
    or None when no block covers it."""
    rule = await rule_for(session, domain)
    return rule.severity if rule else None


async def rejects_media(session: AsyncSession, domain: str | None) -> bool:
    """Media from ``domain`` must not be fetched nor stored (reject_media, or suspended)."""
    rule = await rule_for(session, domain)
    return rule is not None and (rule.reject_media or rule.severity == "suspend")


async def rejects_reports(session: AsyncSession, domain: str | None) -> bool:
    """Reports (``Flag``) from ``domain`` are to be dropped."""
    rule = await rule_for(session, domain)
    return rule is not None and (rule.reject_reports or rule.severity == "suspend")


async def apply_to_account(session: AsyncSession, account: Account) -> None:
    """A remote account just stored or refreshed: the block in force for its domain
    silences or suspends it, dated like the block so that lifting it lifts this too."""
    rule = await rule_for(session, account.domain)
    if rule is None:
        return
    if rule.severity == "silence" and account.silenced_at is None:
        account.silenced_at = rule.created_at
    if rule.severity == "suspend" and account.suspended_at is None:
        account.suspended_at = rule.created_at


@dataclass
class BlockChanges:
    """The fields of a create or update; None leaves a field as it is (update) or takes
    Mastodon's default (create)."""

    domain: str | None = None  # create only; a block's domain never changes
    severity: str | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    private_comment: str | None = None
    public_comment: str | None = None
    obfuscate: bool | None = None


def _validate(changes: BlockChanges) -> None:
    if changes.severity is not None and changes.severity not in SEVERITIES:
        raise _invalid("severity", "ERR_INCLUSION", "is not included in the list")
    for name in ("private_comment", "public_comment"):
        value = getattr(changes, name)
        if value is not None and len(value) > MAX_COMMENT:
            raise _invalid(name, "ERR_TOO_LONG", "is too long (maximum is 1000 characters)")


def _assign(block: DomainBlock, changes: BlockChanges) -> None:
    for name in ("severity", "reject_media", "reject_reports", "obfuscate"):
        value = getattr(changes, name)
        if value is not None:
            setattr(block, name, value)
    for name in ("private_comment", "public_comment"):
        value = getattr(changes, name)
        if value is not None:
            setattr(block, name, value.strip())


def stricter(block: DomainBlock, other: DomainBlock) -> bool:
    """Does ``block`` limit more than ``other`` (a harsher severity, or the same one with a
    media or report rejection ``other`` lacks)?"""
    if _RANK[block.severity] != _RANK[other.severity]:
        return _RANK[block.severity] > _RANK[other.severity]
    return (block.reject_media and not other.reject_media) or (
        block.reject_reports and not other.reject_reports
    )


async def create_block(session: AsyncSession, changes: BlockChanges) -> DomainBlock:
    if not (changes.domain or "").strip():
        raise _invalid("domain", "ERR_BLANK", "can't be blank")
    domain = normalize_domain(changes.domain or "")
    if domain is None:
        raise _invalid("domain", "ERR_INVALID", "is invalid")
    local = urls.local_domain()
    if split_domain(domain)[0] == split_domain(local)[0] and covers(domain, local):
        raise _invalid("domain", "ERR_INVALID", "can't be this server's domain")
    _validate(changes)
    block = DomainBlock(
        domain=domain,
        severity="silence",
        reject_media=False,
        reject_reports=False,
        private_comment="",
        public_comment="",
        obfuscate=False,
    )
    _assign(block, changes)
    existing = await rule_for(session, domain)
    if existing is not None and not stricter(block, existing):
        session.expunge(existing)  # still readable once the transaction has rolled back
        raise ExistingDomainBlock(existing)
    if existing is not None and existing.domain == domain:
        raise _invalid("domain", "ERR_TAKEN", "has already been taken")
    session.add(block)
    await session.flush()
    await block_effects.reconcile(session, domain)
    return block


async def get_block(session: AsyncSession, block_id: int | None) -> DomainBlock:
    block = await session.get(DomainBlock, block_id) if block_id is not None else None
    if block is None:
        raise NotFound()
    return block


async def update_block(
    session: AsyncSession, block_id: int | None, changes: BlockChanges
) -> DomainBlock:
    block = await get_block(session, block_id)
    _validate(changes)
    _assign(block, changes)
    await session.flush()
    await block_effects.reconcile(session, block.domain)
    return block


async def delete_block(session: AsyncSession, block_id: int | None) -> DomainBlock:
    """Lift a block: what it silenced or suspended is restored (severed follows are not),
    and a broader block, if any, takes over its domains."""
    block = await get_block(session, block_id)
    domain, lifted = block.domain, block.created_at
    await session.delete(block)
    await session.flush()
    await block_effects.reconcile(session, domain, lifted=lifted)
    return block


async def list_blocks(session: AsyncSession, page: PageParams) -> list[DomainBlock]:
    """Newest first by id, for the admin API's pages."""
    rows = await session.execute(paginate(select(DomainBlock), DomainBlock.id, page))
    return newest_first(list(rows.scalars()), page)


async def all_blocks(session: AsyncSession) -> list[DomainBlock]:
    """Every block, by domain (the admin page)."""
    rows = await session.execute(select(DomainBlock).order_by(DomainBlock.domain))
    return list(rows.scalars())


async def public_blocks(session: AsyncSession) -> list[DomainBlock]:
    """The blocks users are told about (silence and suspend, not noop): suspensions first,
    then by domain."""
    first = case((DomainBlock.severity == "suspend", 0), else_=1)
    rows = await session.execute(
        select(DomainBlock)
        .where(DomainBlock.severity.in_(PUBLIC_SEVERITIES))
        .order_by(first, DomainBlock.domain)
    )
    return list(rows.scalars())


def digest(domain: str) -> str:
    """The SHA-256 of the domain, so that a blocked domain can be checked without the list
    having to show it."""
    return hashlib.sha256(domain.encode()).hexdigest()


def public_domain(block: DomainBlock) -> str:
    """The domain as shown publicly: with ``obfuscate``, all but its first and last quarter
    (and its dots) are starred."""
    domain = block.domain
    if not block.obfuscate:
        return domain
    keep = len(domain) // 4
    return "".join(
        c if c == "." or i < keep or i >= len(domain) - keep else "*" for i, c in enumerate(domain)
    )


def disclosed(setting: str, signed_in: bool) -> bool:
    """Mastodon's show_domain_blocks(_rationale) values: to no one, to signed-in users, or
    to everyone."""
    return setting == "all" or (setting == "users" and signed_in)


def as_dict(block: DomainBlock) -> dict[str, Any]:
    """The form's values of a block (the admin edit page)."""
    return {
        "domain": block.domain,
        "severity": block.severity,
        "reject_media": block.reject_media,
        "reject_reports": block.reject_reports,
        "private_comment": block.private_comment,
        "public_comment": block.public_comment,
        "obfuscate": block.obfuscate,
    }
