"""Remote accounts: created or refreshed from what their server says about them (the
federation door parses it into a ``RemoteActor``), looked up by URI or key id, moved, and
deleted when their server deletes them. The instance's domain blocks apply to them here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock, urls
from gazouille.core.ids import new_id
from gazouille.domains.accounts.deletion import purge_account
from gazouille.domains.accounts.repository import acct_key
from gazouille.domains.federation.domain_blocks import apply_to_account, blocked_severity
from gazouille.domains.search.indexing import index_account
from gazouille.models import Account, Follow, User

MAX_FIELDS = 16
MAX_ALIASES = 20


@dataclass
class RemoteActor:
    """An actor of another server, its text already sanitized (``note`` and field values
    are HTML of the allowed subset; names are plain text)."""

    uri: str
    username: str
    domain: str
    actor_type: str = "Person"
    display_name: str = ""
    note: str = ""
    fields: list[dict[str, str]] = field(default_factory=list)
    locked: bool = False
    bot: bool = False
    group: bool = False
    discoverable: bool = False
    indexable: bool = False
    url: str | None = None
    inbox_url: str | None = None
    shared_inbox_url: str | None = None
    outbox_url: str | None = None
    followers_url: str | None = None
    following_url: str | None = None
    featured_url: str | None = None
    featured_tags_url: str | None = None
    avatar_url: str | None = None
    header_url: str | None = None
    public_key: str | None = None
    key_id: str | None = None
    also_known_as: list[str] = field(default_factory=list)
    moved_to_uri: str | None = None
    published: datetime | None = None


class AccountRefused(Exception):
    """The account's domain is suspended by this instance."""


async def account_by_uri(session: AsyncSession, uri: str) -> Account | None:
    """Any account (local or remote) by its ActivityPub id."""
    return (await session.execute(select(Account).where(Account.uri == uri))).scalar_one_or_none()


def _url_names(account: Account, ref: str) -> bool:
    """A profile URL names an account only on the account's own server (or ours, for a
    local one): anyone may claim any ``url``."""
    if account.url != ref:
        return False
    host = (urlsplit(ref).netloc or "").lower()
    return host == (account.domain or urls.local_domain()).lower()


async def account_by_uri_or_url(session: AsyncSession, ref: str) -> Account | None:
    """By id, or else by profile URL (some servers link mentions to the profile page)."""
    found = await account_by_uri(session, ref)
    if found is not None:
        return found
    rows = await session.execute(select(Account).where(Account.url == ref).limit(5))
    return next((a for a in rows.scalars() if _url_names(a, ref)), None)


async def account_by_acct(session: AsyncSession, username: str, domain: str) -> Account | None:
    key = acct_key(username, domain.lower())
    rows = await session.execute(select(Account).where(Account.acct_key == key))
    return rows.scalar_one_or_none()


async def account_by_key_id(session: AsyncSession, key_id: str) -> Account | None:
    rows = await session.execute(select(Account).where(Account.key_id == key_id).limit(1))
    return rows.scalar_one_or_none()


async def accounts_by_uris(session: AsyncSession, refs: list[str]) -> dict[str, Account]:
    """The known accounts among ``refs`` (ids or profile URLs), by the ref that found them."""
    if not refs:
        return {}
    rows = await session.execute(
        select(Account).where(or_(Account.uri.in_(refs), Account.url.in_(refs)))
    )
    found: dict[str, Account] = {}
    accounts = list(rows.scalars())
    for account in accounts:
        if account.uri in refs:
            found[account.uri] = account
    for account in accounts:
        if account.url in refs and _url_names(account, account.url):
            found.setdefault(account.url, account)
    return found


def _apply(account: Account, actor: RemoteActor) -> None:
    account.actor_type = actor.actor_type[:32]
    account.display_name = actor.display_name[:100]
    account.note = actor.note
    account.fields = [dict(f) for f in actor.fields[:MAX_FIELDS]]
    account.locked = actor.locked
    account.bot = actor.bot
    account.group = actor.group
    account.discoverable = actor.discoverable
    account.indexable = actor.indexable
    account.url = actor.url
    account.inbox_url = actor.inbox_url
    account.shared_inbox_url = actor.shared_inbox_url
    account.outbox_url = actor.outbox_url
    account.followers_url = actor.followers_url
    account.following_url = actor.following_url
    account.featured_url = actor.featured_url
    account.featured_tags_url = actor.featured_tags_url
    account.avatar_url = actor.avatar_url
    account.header_url = actor.header_url
    account.also_known_as = list(dict.fromkeys(actor.also_known_as))[:MAX_ALIASES]
    if actor.public_key:
        account.public_key = actor.public_key
        account.key_id = actor.key_id
    now = clock.now()
    account.fetched_at = now
    account.updated_at = now


async def _free_acct(session: AsyncSession, key: str, uri: str) -> None:
    """Another actor held this ``user@domain`` (its server gave the name to a new actor):
    the old row keeps its posts but no longer answers to the name."""
    rows = await session.execute(select(Account).where(Account.acct_key == key, Account.uri != uri))
    for previous in rows.scalars():
        previous.acct_key = f"{key}#{previous.id}"[:330]
    await session.flush()


async def upsert_remote_account(session: AsyncSession, actor: RemoteActor) -> Account:
    """Create or refresh the account of ``actor`` (idempotent by URI). Raises
    ``AccountRefused`` when its domain is suspended; the domain block in force (silence)
    applies to it."""
    severity = await blocked_severity(session, actor.domain)
    if severity == "suspend":
        raise AccountRefused(actor.domain)
    account = await account_by_uri(session, actor.uri)
    key = acct_key(actor.username, actor.domain)[:330]
    if account is None:
        await _free_acct(session, key, actor.uri)
        account = Account(
            id=new_id(),
            username=actor.username[:64],
            domain=actor.domain,
            acct_key=key,
            uri=actor.uri,
            created_at=actor.published or clock.now(),
        )
        session.add(account)
    elif account.is_local:
        raise AccountRefused("a local account cannot be refreshed from outside")
    elif account.acct_key != key:
        await _free_acct(session, key, actor.uri)
        account.username, account.acct_key = actor.username[:64], key
    _apply(account, actor)
    await session.flush()
    await apply_to_account(session, account)
    if actor.moved_to_uri:
        target = await account_by_uri(session, actor.moved_to_uri)
        if target is not None and target.id != account.id:
            account.moved_to_account_id = target.id
    await index_account(session, account)
    return account


async def delete_remote_account(session: AsyncSession, account: Account) -> list[str]:
    """Its server deleted it: the account and everything it wrote go (as a local deletion
    does). Returns the storage keys of its files, to remove after commit."""
    if account.is_local:
        return []
    return await purge_account(session, account)


async def local_followers(session: AsyncSession, account_id: int) -> list[Account]:
    rows = await session.execute(
        select(Account)
        .join(Follow, Follow.account_id == Account.id)
        .join(User, User.account_id == Account.id)
        .where(Follow.target_account_id == account_id)
    )
    return list(rows.scalars())


def moved_properly(old: Account, new: Account) -> bool:
    """A Move is believed only when the new account names the old one as an alias."""
    return new.id != old.id and old.uri in (new.also_known_as or [])
