"""Fetching remote actors and posts and storing them: every HTTP request happens outside any
database transaction, then one short write stores what came back. Also the resolver the API
and web search use (``FederationResolver``) and the job that fetches a reply's parents.

Fetches are signed by the instance actor (servers in "authorized fetch" mode require it)
and go through the SSRF-guarded client; an object's id must be on the host it came from
(the client checks that), and an actor's posts on its own host (checked here)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError

from gazouille.activitypub.client import FetchError
from gazouille.activitypub.signatures import Signer
from gazouille.activitypub.vocab import as_list, host_of, id_of
from gazouille.config import Settings
from gazouille.core import clock, urls
from gazouille.core.db import Database
from gazouille.domains.accounts import remote as remote_accounts
from gazouille.domains.federation.domain_blocks import blocked_severity
from gazouille.domains.federation.keys import load_instance_signer
from gazouille.domains.statuses import remote as remote_statuses
from gazouille.federation import parsers
from gazouille.federation.clients import PerLoop, default_client
from gazouille.models import Account, Status
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

log = logging.getLogger(__name__)

FETCH_THREAD_JOB = "federation.fetch_thread"
FETCH_OUTBOX_JOB = "federation.fetch_outbox"
OUTBOX_PREVIEW = 20
REFRESH_AFTER = timedelta(days=1)
# A key that failed to verify is refetched (rotation), but not more often than this.
REFETCH_KEY_AFTER = timedelta(minutes=1)
MAX_THREAD_DEPTH = 20
MAX_MENTION_FETCHES = 5


class Fetcher(Protocol):
    async def fetch_object(self, url: str, *, signer: Signer | None = None) -> dict[str, Any]: ...

    async def webfinger(self, acct: str) -> str: ...


FetcherFactory = Callable[[], Fetcher]
_fetchers: PerLoop[Fetcher] = PerLoop(default_client)


def fetcher() -> Fetcher:
    """The client fetches use (one per event loop)."""
    return _fetchers.get()


def set_fetcher_factory(factory: FetcherFactory | None) -> None:
    """Replace how fetch clients are made (tests serve remote documents this way)."""
    _fetchers.set_factory(factory)


class Remote:
    """Remote actors and objects, fetched then stored, for one unit of work (an inbox job,
    a search). ``client`` defaults to the shared fetcher."""

    def __init__(self, db: Database, client: Fetcher | None = None) -> None:
        self.db = db
        self.client = client or fetcher()
        self._signer: Signer | None = None

    async def signer(self) -> Signer | None:
        if self._signer is None:
            try:
                self._signer = await load_instance_signer(self.db)
            except Exception:  # an unsigned fetch still works with most servers
                log.warning("no instance signer for fetches", exc_info=True)
        return self._signer

    async def fetch(self, url: str) -> dict[str, Any]:
        return await self.client.fetch_object(url, signer=await self.signer())

    async def suspended(self, url: str) -> bool:
        async with self.db.read() as session:
            return await blocked_severity(session, host_of(url)) == "suspend"

    async def off_limits(self, url: str) -> bool:
        """Ours (never fetched), or on a suspended server."""
        return url.startswith(urls.base() + "/") or await self.suspended(url)

    async def fetch_elsewhere(self, url: str) -> dict[str, Any] | None:
        """The document at ``url``; None when it is off limits or the fetch failed."""
        if await self.off_limits(url):
            return None
        try:
            return await self.fetch(url)
        except FetchError as exc:
            log.info("fetching %s failed: %s", url, exc)
            return None

    async def stored_account(self, uri: str) -> Account | None:
        async with self.db.read() as session:
            return await remote_accounts.account_by_uri_or_url(session, uri)

    async def store_actor(self, doc: dict[str, Any], expected: str | None = None) -> Account | None:
        """Store an actor document (fetched, or embedded in an activity its actor signed)."""
        try:
            actor = parsers.parse_actor(doc)
        except parsers.ParseError as exc:
            log.info("unusable actor %s: %s", doc.get("id"), exc)
            return None
        if expected is not None and host_of(actor.uri) != host_of(expected):
            log.warning("actor %s served for %s: refused", actor.uri, expected)
            return None
        target = None
        if actor.moved_to_uri and host_of(actor.moved_to_uri) == host_of(actor.uri):
            target = await self.stored_account(actor.moved_to_uri)
        try:
            async with self.db.write() as session:
                account = await remote_accounts.upsert_remote_account(session, actor)
                if target is not None and target.id != account.id:
                    account.moved_to_account_id = target.id
                return account
        except remote_accounts.AccountRefused as exc:
            log.info("actor %s refused: %s", actor.uri, exc)
            return None

    async def account(
        self, uri: str, *, refresh: bool = False, force: bool = False
    ) -> Account | None:
        """The account of an actor URI (or profile URL), fetched when unknown, or when
        ``refresh`` and not fetched for a day, or always with ``force``."""
        stored = await self.stored_account(uri)
        if stored is not None and not force and (stored.is_local or not refresh or _fresh(stored)):
            return stored
        if stored is not None and stored.is_local:
            return stored
        doc = await self.fetch_elsewhere(uri)
        if doc is None or not parsers.is_actor(doc):
            return stored
        return await self.store_actor(doc, expected=uri)

    async def account_for_key(self, key_id: str, *, refresh: bool = False) -> Account | None:
        """The account whose public key is ``key_id``: stored, or fetched (the key id is the
        actor's URI with a fragment, or a key document naming its ``owner``). ``refresh``
        fetches again (the actor may have rotated its key), at most once a minute."""
        async with self.db.read() as session:
            stored = await remote_accounts.account_by_key_id(session, key_id)
        if stored is not None and not refresh:
            return stored
        recent = clock.now() - REFETCH_KEY_AFTER
        if stored is not None and stored.fetched_at is not None and stored.fetched_at > recent:
            return stored
        if await self.off_limits(key_id):
            return None
        try:
            doc = await self.fetch(key_id.split("#", 1)[0])
            if parsers.is_actor(doc):
                account = await self.store_actor(doc, expected=key_id)
                if account is not None and account.key_id == key_id:
                    return account
                owner = id_of(doc.get("id"))  # a stub showing only the key (GoToSocial)
            else:
                owner = id_of(doc.get("owner"))
            if owner is None or host_of(owner) != host_of(key_id):
                return None
            doc = await self.fetch(owner)
        except FetchError as exc:
            log.info("fetching key %s failed: %s", key_id, exc)
            return None
        if not parsers.is_actor(doc):
            return None
        account = await self.store_actor(doc, expected=key_id)
        return account if account is not None and account.key_id == key_id else None

    async def note(self, uri: str, *, depth: int = 0) -> Status | None:
        """The status of a post URI, fetched and stored (with its author) when unknown."""
        async with self.db.read() as session:
            stored = await remote_statuses.status_by_uri(session, uri)
        if stored is not None:
            return stored
        doc = await self.fetch_elsewhere(uri)
        return await self.store_note(doc, depth=depth) if doc is not None else None

    async def store_note(
        self, doc: dict[str, Any], *, author: Account | None = None, depth: int = 0
    ) -> Status | None:
        """Store a post document whose author is (or is fetched as) ``attributedTo``; the
        post must be on its author's host."""
        author_uri = parsers.attributed_to(doc)
        if author_uri is None or parsers.type_of(doc) not in parsers.NOTE_TYPES:
            return None
        if author is None:
            author = await self.account(author_uri)
        if author is None or author.uri != author_uri or author.is_local:
            return None
        try:
            note = parsers.parse_note(doc, author.uri, author.followers_url)
        except parsers.ParseError as exc:
            log.info("unusable object %s: %s", doc.get("id"), exc)
            return None
        await self.fetch_mentions(note)
        if note.quote_uri and depth == 0:
            # The quoted post, so the quote shows; not its thread nor what it quotes.
            await self.note(note.quote_uri, depth=MAX_THREAD_DEPTH)
        try:
            async with self.db.write() as session:
                fresh = await session.get(Account, author.id)
                if fresh is None:
                    return None
                status = await remote_statuses.store_remote_status(session, fresh, note)
                await self._ask_for_parent(session, status, note.in_reply_to_uri, depth)
                return status
        except IntegrityError:
            # Stored meanwhile by another transaction (the same post arriving in the inbox
            # while a search resolves its URL): that copy is the one.
            async with self.db.read() as session:
                stored = await remote_statuses.status_by_uri(session, note.uri)
            if stored is None:
                raise
            return stored

    async def fetch_mentions(self, note: remote_statuses.RemoteNote) -> None:
        """A few unknown mentioned accounts are fetched, so the post lists them."""
        async with self.db.read() as session:
            known = await remote_accounts.accounts_by_uris(session, note.mention_uris)
        unknown = [u for u in note.mention_uris if u not in known]
        for uri in unknown[:MAX_MENTION_FETCHES]:
            await self.account(uri)

    async def _ask_for_parent(
        self, session: Any, status: Status, parent_uri: str | None, depth: int
    ) -> None:
        if status.in_reply_to_id is not None or not parent_uri or depth >= MAX_THREAD_DEPTH:
            return
        if parent_uri.startswith(urls.base() + "/"):
            return
        await enqueue(
            session,
            FETCH_THREAD_JOB,
            {"status_id": status.id, "uri": parent_uri, "depth": depth + 1},
            dedupe_key=f"{FETCH_THREAD_JOB}:{status.id}",
            max_attempts=3,
        )

    async def webfinger(self, acct: str) -> Account | None:
        acct = acct.strip().removeprefix("acct:").lstrip("@")
        username, _, domain = acct.rpartition("@")
        if not username or not domain:
            return None
        async with self.db.read() as session:
            stored = await remote_accounts.account_by_acct(session, username, domain)
        if stored is not None and _fresh(stored):
            return stored
        if await self.suspended(f"https://{domain}/"):
            return None
        try:
            actor_uri = await self.client.webfinger(f"{username}@{domain}")
        except FetchError as exc:
            log.info("webfinger %s failed: %s", acct, exc)
            return stored
        return await self.account(actor_uri, refresh=True)

    async def outbox_preview(self, account: Account, limit: int = OUTBOX_PREVIEW) -> int:
        """The latest public posts of a remote account, from the first page of its outbox
        (so that a profile seen for the first time is not empty); how many were stored."""
        outbox = account.outbox_url
        if account.is_local or not outbox or host_of(outbox) != host_of(account.uri):
            return 0
        try:
            collection = await self.fetch(outbox)
            page = collection.get("first", collection)
            if isinstance(page, str):
                if host_of(page) != host_of(account.uri):
                    return 0
                page = await self.fetch(page)
        except FetchError as exc:
            log.info("outbox of %s: %s", account.uri, exc)
            return 0
        items = (
            as_list(page.get("orderedItems") or page.get("items")) if isinstance(page, dict) else []
        )
        stored = 0
        for item in items[: limit * 2]:
            obj = item.get("object") if isinstance(item, dict) else None
            if parsers.type_of(item) != "Create" or not isinstance(obj, dict):
                continue
            to, cc = parsers.addresses(obj)
            shown = parsers.visibility(to, cc, account.followers_url, account.uri)
            if parsers.attributed_to(obj) != account.uri or shown not in ("public", "unlisted"):
                continue
            if await self.store_note(obj, author=account, depth=MAX_THREAD_DEPTH) is not None:
                stored += 1
                if stored >= limit:
                    break
        return stored


def _fresh(account: Account) -> bool:
    return account.fetched_at is not None and account.fetched_at > clock.now() - REFRESH_AFTER


async def fetch_thread(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job: fetch the parent of a stored reply and link the reply into its thread (the
    parent's own parent is asked for the same way, up to ``MAX_THREAD_DEPTH``)."""
    remote = Remote(ctx.db)
    parent = await remote.note(str(payload["uri"]), depth=int(payload.get("depth", 1)))
    if parent is None:
        return
    async with ctx.db.write() as session:
        child = await session.get(Status, int(payload["status_id"]))
        stored_parent = await session.get(Status, parent.id)
        if child is not None and stored_parent is not None:
            await remote_statuses.link_reply(session, child, stored_parent)


async def fetch_outbox(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job: the outbox preview of a remote account (``{"account_id": …}``)."""
    async with ctx.db.read() as session:
        account = await session.get(Account, int(payload["account_id"]))
    if account is not None:
        await Remote(ctx.db).outbox_preview(account)


class FederationResolver:
    """The ``RemoteResolver`` the doors use (``gazouille.domains.federation.resolver``):
    ``user@domain`` through WebFinger, actor and post URLs by fetching them. Built by the
    composition root with the app's ``db`` and ``settings``; ``client`` is for tests.
    Call outside any transaction."""

    def __init__(self, db: Database, settings: Settings, client: Fetcher | None = None) -> None:
        self.db = db
        self.settings = settings
        self.client = client

    def _remote(self) -> Remote:
        return Remote(self.db, self.client)

    async def resolve_account(self, query: str) -> int | None:
        if not self.settings.federation:
            return None
        q = query.strip()
        remote = self._remote()
        if q.lower().startswith(("https://", "http://")):
            account = await remote.account(q, refresh=True)
        else:
            account = await remote.webfinger(q)
        if account is None:
            return None
        if not account.is_local and account.last_status_at is None:
            # Nothing of theirs here yet: their latest posts come with the profile, shortly.
            async with self.db.write() as session:
                await enqueue(
                    session,
                    FETCH_OUTBOX_JOB,
                    {"account_id": account.id},
                    dedupe_key=f"{FETCH_OUTBOX_JOB}:{account.id}",
                    max_attempts=2,
                )
        return account.id

    async def resolve_status(self, url: str) -> int | None:
        if not self.settings.federation:
            return None
        remote = self._remote()
        url = url.strip()
        async with self.db.read() as session:
            stored = await remote_statuses.status_by_uri(session, url)
            stored = stored or await remote_statuses.status_by_url(session, url)
        if stored is not None:
            return stored.id
        doc = await remote.fetch_elsewhere(url)
        if doc is None:
            return None
        status = await remote.store_note(doc)
        return status.id if status is not None else None
