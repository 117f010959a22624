"""``gazouille bench-data``: a deterministic community of size S or M, written with bulk
inserts that keep every invariant the application relies on (time-sorted ids, counters,
mentions, tags, reply threads, reblogs, follow counts, tokens).

Size M: 10,000 local accounts (1,000 active), 100,000 remote followers, 1,000,000 posts over
90 days (60 % English, 30 % French), about 1,000,000 follow edges with a power-law shape and
two celebrities with 50,000 and 10,000 followers. Size S is a tenth of that, for CI.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.bench.words import EN, FR, OTHER, TAG_STEMS
from gazouille.core import urls
from gazouille.core.db import Database
from gazouille.core.security import hash_password, token_digest
from gazouille.core.text import MentionRef, ResolvedMention, normalize_tag, render_plain_text
from gazouille.domains.feeds import service as feeds
from gazouille.models import (
    Account,
    FeedState,
    Follow,
    Mention,
    OAuthAccessToken,
    OAuthApplication,
    Status,
    StatusTag,
    Tag,
    User,
)

BATCH = 5_000
STATUSES: Any = Status.__table__
ACCOUNTS: Any = Account.__table__
PASSWORD = "bench-password"


@dataclass(frozen=True)
class Size:
    name: str
    local_accounts: int
    active_accounts: int
    remote_accounts: int
    posts: int
    celebrity_followers: tuple[int, int]  # the two most followed accounts
    median_following: int
    days: int = 90


SIZES = {
    "S": Size("S", 1_000, 100, 5_000, 100_000, (5_000, 1_000), 30),
    "M": Size("M", 10_000, 1_000, 100_000, 1_000_000, (50_000, 10_000), 50),
}


def bench_token(account_id: int) -> str:
    """The bearer token of an account in a generated dataset (written to the tokens file)."""
    return f"bench-{account_id}"


@dataclass
class Generated:
    size: Size
    local_ids: list[int]
    active_ids: list[int]
    celebrity_ids: tuple[int, int]
    rare_word: str
    common_word: str
    counts: dict[str, int]


Progress = Callable[[str, int], None]


def _status_row(**values: Any) -> dict[str, Any]:
    """Every status row has every column (executemany binds the same keys for all rows)."""
    row: dict[str, Any] = {
        "url": None,
        "text": "",
        "content": "",
        "spoiler_text": "",
        "sensitive": False,
        "visibility": "public",
        "language": None,
        "local": True,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog_of_id": None,
        "thread_root_id": None,
        "application_id": None,
        "quote_id": None,
        "card_id": None,
        "has_media": False,
        "has_poll": False,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": None,
    }
    row.update(values)
    return row


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


class Generator:
    def __init__(self, size: Size, seed: int = 42, now: datetime | None = None):
        self.size = size
        self.rng = random.Random(seed)
        self.now = now or datetime(2026, 11, 1, tzinfo=UTC)
        self.start = self.now - timedelta(days=size.days)
        self._seq = 0

    def _id(self, at: datetime) -> int:
        self._seq = (self._seq + 1) & 0xFFFF
        return (int(at.timestamp() * 1000) << 16) | self._seq

    # accounts -----------------------------------------------------------------------------
    def accounts(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        base = urls.base()
        created = self.start - timedelta(days=30)
        password_hash = hash_password(PASSWORD)
        accounts, users = [], []
        for n in range(self.size.local_accounts):
            username = f"user{n}"
            account_id = self._id(created + timedelta(seconds=n))
            accounts.append(
                {
                    "id": account_id,
                    "username": username,
                    "domain": None,
                    "acct_key": username,
                    "display_name": f"User {n}",
                    "note": "",
                    "note_source": "",
                    "fields": [],
                    "uri": f"{base}/users/{username}",
                    "url": f"{base}/@{username}",
                    "inbox_url": None,
                    "shared_inbox_url": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            users.append(
                {
                    "id": account_id,
                    "account_id": account_id,
                    "email": f"{username}@bench.example",
                    "password_hash": password_hash,
                    "role": "admin" if n == 0 else "user",
                    "locale": "fr" if n % 3 == 1 else "en",
                    "created_at": created,
                    "confirmed_at": created,
                }
            )
        for n in range(self.size.remote_accounts):
            domain = f"remote{n % 500}.example"
            username = f"r{n}"
            accounts.append(
                {
                    "id": self._id(created + timedelta(seconds=n, milliseconds=500)),
                    "username": username,
                    "domain": domain,
                    "acct_key": f"{username}@{domain}",
                    "display_name": "",
                    "note": "",
                    "note_source": "",
                    "fields": [],
                    "uri": f"https://{domain}/users/{username}",
                    "url": f"https://{domain}/@{username}",
                    "inbox_url": f"https://{domain}/users/{username}/inbox",
                    "shared_inbox_url": f"https://{domain}/inbox",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        return accounts, users

    # follows ------------------------------------------------------------------------------
    def follows(self, local: list[int], remote: list[int]) -> list[tuple[int, int]]:
        """Power-law follows: a few accounts attract most followers, most follow a few dozen,
        a handful follow thousands; the two celebrities get exactly their follower counts."""
        rng = self.rng
        edges: set[tuple[int, int]] = set()
        big, small = local[0], local[1]
        for celebrity, count in zip((big, small), self.size.celebrity_followers, strict=True):
            chosen = rng.sample(local[2:], min(count, len(local) - 2))
            chosen += rng.sample(remote, max(0, count - len(chosen)))
            edges.update((follower, celebrity) for follower in chosen)
        # Preferential targets: account k (k >= 2) is picked with weight 1 / (k ** 0.9).
        targets = local[2:]
        weights = [1 / ((k + 1) ** 0.9) for k in range(len(targets))]
        for index, follower in enumerate(local):
            if index < 5:
                wanted = min(len(targets) - 1, 3 * len(targets) // 4)  # follows thousands
            else:
                wanted = max(1, int(rng.lognormvariate(0, 0.9) * self.size.median_following))
                wanted = min(wanted, len(targets) - 1)
            for target in rng.choices(targets, weights, k=wanted):
                if target != follower:
                    edges.add((follower, target))
        for follower in rng.sample(remote, len(remote) // 2):
            for target in rng.choices(targets, weights, k=rng.randint(1, 4)):
                edges.add((follower, target))
        return sorted(edges)

    # posts --------------------------------------------------------------------------------
    def _text(self, language: str, tags: list[str], mention: str | None) -> str:
        words = {"en": EN, "fr": FR}.get(language, OTHER)
        body = " ".join(self.rng.choice(words) for _ in range(self.rng.randint(8, 30)))
        parts = [body]
        if mention:
            parts.insert(0, f"@{mention}")
        parts.extend(f"#{t}" for t in tags)
        return " ".join(parts).capitalize()

    def posts(
        self, local: list[int], active: list[int], usernames: dict[int, str]
    ) -> Iterator[tuple[dict[str, Any], list[int], list[str]]]:
        """Yield (status row, mentioned account ids, tag names), oldest first."""
        rng = self.rng
        size = self.size
        base = urls.base()
        span = (self.now - self.start).total_seconds()
        times = sorted(rng.random() * span for _ in range(size.posts))
        tag_pool = [f"{stem}{n}" if n else stem for n in range(500) for stem in TAG_STEMS][:20_000]
        tag_weights = [1 / ((k + 1) ** 1.1) for k in range(len(tag_pool))]
        active_set = set(active)
        authors_weights = [5.0 if a in active_set else 1.0 for a in local]
        recent: list[tuple[int, int, str, int | None]] = []  # (id, author, visibility, root)
        by_username = {a: usernames[a] for a in local}
        author_choices = rng.choices(local, authors_weights, k=size.posts)
        for n, offset in enumerate(times):
            at = self.start + timedelta(seconds=offset)
            author = author_choices[n]
            status_id = self._id(at)
            username = by_username[author]
            roll = rng.random()
            if roll < 0.10 and recent:  # a reblog of a recent public post
                target = rng.choice(recent[-2000:])
                if target[2] == "public" and target[1] != author:
                    yield (
                        _status_row(
                            id=status_id,
                            account_id=author,
                            uri=f"{base}/users/{username}/statuses/{status_id}/activity",
                            url=None,
                            content="",
                            reblog_of_id=target[0],
                            created_at=at,
                        ),
                        [],
                        [],
                    )
                    continue
            language = "en" if roll < 0.6 else "fr" if roll < 0.9 else rng.choice(["es", "de"])
            tags = (
                rng.choices(tag_pool, tag_weights, k=rng.randint(1, 3))
                if rng.random() < 0.3
                else []
            )
            mention_id = rng.choice(local) if rng.random() < 0.1 else None
            visibility = rng.choices(("public", "unlisted", "private", "direct"), (85, 7, 6, 2))[0]
            if visibility == "direct" and mention_id is None:
                mention_id = rng.choice(local)
            if mention_id == author:
                mention_id = None
                visibility = "public" if visibility == "direct" else visibility
            parent = rng.choice(recent[-5000:]) if recent and rng.random() < 0.2 else None
            if parent is not None and parent[2] not in ("public", "unlisted"):
                parent = None
            text = self._text(
                language,
                list(dict.fromkeys(tags)),
                by_username.get(mention_id) if mention_id else None,
            )
            yield (
                _status_row(
                    id=status_id,
                    account_id=author,
                    uri=f"{base}/users/{username}/statuses/{status_id}",
                    url=f"{base}/@{username}/{status_id}",
                    text=text,
                    content=None,
                    visibility=visibility,
                    language=language,
                    created_at=at,
                    in_reply_to_id=parent[0] if parent else None,
                    in_reply_to_account_id=parent[1] if parent else None,
                    thread_root_id=(parent[3] or parent[0]) if parent else None,
                ),
                [mention_id] if mention_id else [],
                list(dict.fromkeys(tags)),
            )
            root = (parent[3] or parent[0]) if parent else None
            recent.append((status_id, author, visibility, root))
            if len(recent) > 20_000:
                del recent[:10_000]


async def _insert(
    session: AsyncSession, model: Any, rows: list[dict[str, Any]], progress: Progress, label: str
) -> None:
    for chunk in _batches(rows):
        await session.execute(insert(model), chunk)
        progress(label, len(chunk))


async def generate(db: Database, size: Size, progress: Progress, seed: int = 42) -> Generated:
    """Fill an empty, migrated database. Refuses a database that already has accounts."""
    gen = Generator(size, seed)
    async with db.read() as session:
        if await session.scalar(select(func.count()).select_from(Account)):
            raise RuntimeError("the database already has accounts: bench-data needs an empty one")
    accounts, users = gen.accounts()
    local = [a["id"] for a in accounts if a["domain"] is None]
    remote = [a["id"] for a in accounts if a["domain"] is not None]
    usernames = {a["id"]: a["username"] for a in accounts if a["domain"] is None}
    active = gen.rng.sample(local[2:], size.active_accounts - 2) + local[:2]
    edges = gen.follows(local, remote)
    followers = Counter(t for _, t in edges)
    following = Counter(f for f, _ in edges)
    for account in accounts:
        account["followers_count"] = followers.get(account["id"], 0)
        account["following_count"] = following.get(account["id"], 0)

    async with db.write() as session:
        await _insert(session, Account, accounts, progress, "accounts")
        await _insert(session, User, users, progress, "users")
        app_id = gen._id(gen.start)
        await session.execute(
            insert(OAuthApplication),
            [
                {
                    "id": app_id,
                    "name": "bench",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": "read write follow push",
                    "client_id": "bench",
                    "client_secret": "bench-secret",
                    "created_at": gen.start,
                }
            ],
        )
        await _insert(
            session,
            OAuthAccessToken,
            [
                {
                    "id": gen._id(gen.start + timedelta(milliseconds=n + 1)),
                    "token_digest": token_digest(bench_token(a)),
                    "application_id": app_id,
                    "user_id": a,
                    "scopes": "read write follow push",
                    "created_at": gen.start,
                }
                for n, a in enumerate(local)
            ],
            progress,
            "tokens",
        )
        follow_at = gen.start - timedelta(days=1)
        await _insert(
            session,
            Follow,
            [
                {
                    "id": gen._id(follow_at + timedelta(milliseconds=n)),
                    "account_id": f,
                    "target_account_id": t,
                    "created_at": follow_at,
                }
                for n, (f, t) in enumerate(edges)
            ],
            progress,
            "follows",
        )

    tags: dict[str, int] = {}
    statuses_count: Counter[int] = Counter()
    replies: Counter[int] = Counter()
    reblogs: Counter[int] = Counter()
    last_status: dict[int, datetime] = {}
    words: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    status_tags: list[dict[str, Any]] = []

    def resolve(ref: MentionRef) -> ResolvedMention | None:
        return ResolvedMention(f"{urls.base()}/@{ref.username}", ref.username)

    async def flush() -> None:
        async with db.write() as session:
            new_tags = [
                {
                    "id": i,
                    "name": n,
                    "name_key": normalize_tag(n),
                    "created_at": rows[0]["created_at"],
                }
                for n, i in tags.items()
                if i < 0
            ]
            for tag in new_tags:
                tag["id"] = gen._id(tag["created_at"])
                tags[tag["name"]] = tag["id"]
            if new_tags:
                await session.execute(insert(Tag), new_tags)
            await session.execute(insert(Status), rows)
            if mentions:
                await session.execute(insert(Mention), mentions)
            if status_tags:
                await session.execute(
                    insert(StatusTag),
                    [
                        {"status_id": st["status_id"], "tag_id": tags[st["tag"]]}
                        for st in status_tags
                    ],
                )
        progress("posts", len(rows))
        rows.clear()
        mentions.clear()
        status_tags.clear()

    for row, mentioned, tag_names in gen.posts(local, active, usernames):
        if row["content"] is None:
            row["content"] = render_plain_text(
                row["text"], resolve_mention=resolve, tag_url=urls.tag_url
            ).html
            words.update(set(row["text"].lower().split()))
        rows.append(row)
        statuses_count[row["account_id"]] += 1
        last_status[row["account_id"]] = row["created_at"]
        if row.get("in_reply_to_id"):
            replies[row["in_reply_to_id"]] += 1
        if row.get("reblog_of_id"):
            reblogs[row["reblog_of_id"]] += 1
        for account_id in mentioned:
            mentions.append(
                {"id": gen._id(row["created_at"]), "status_id": row["id"], "account_id": account_id}
            )
        for name in tag_names:
            tags.setdefault(name, -1)
            status_tags.append({"status_id": row["id"], "tag": name})
        if len(rows) >= BATCH:
            await flush()
    if rows:
        await flush()

    async with db.write() as session:
        for counter, column in ((replies, "replies_count"), (reblogs, "reblogs_count")):
            items = [{"sid": k, "n": v} for k, v in counter.items()]
            for chunk in _batches(items):
                await session.execute(
                    update(STATUSES)
                    .where(STATUSES.c.id == bindparam("sid"))
                    .values({column: bindparam("n")}),
                    chunk,
                )
                progress("counters", len(chunk))
        account_rows: list[dict[str, Any]] = [
            {"aid": a, "n": n, "at": last_status[a]} for a, n in statuses_count.items()
        ]
        for chunk in _batches(account_rows):
            await session.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.id == bindparam("aid"))
                .values(statuses_count=bindparam("n"), last_status_at=bindparam("at")),
                chunk,
            )
            progress("counters", len(chunk))
    if not db.is_sqlite:
        # Fresh statistics after the bulk load: without them PostgreSQL plans the home rule
        # badly (a feed rebuild took ~10 s, a home page ~600 ms on size M).
        async with db.write() as session:
            await session.execute(text("ANALYZE"))
    # Active accounts have materialized home feeds, as on a live instance; the others were
    # last seen long ago (their feeds are rebuilt when they come back).
    now = datetime.now(UTC)
    active_set = set(active)
    async with db.write() as session:
        await _insert(
            session,
            FeedState,
            [
                {
                    "account_id": a,
                    "active_at": now if a in active_set else now - timedelta(days=60),
                    "built_at": None,
                }
                for a in local
            ],
            progress,
            "feeds",
        )
    for chunk_start in range(0, len(active), 50):
        async with db.write() as session:
            for account_id in active[chunk_start : chunk_start + 50]:
                await feeds.rebuild(session, account_id)
        progress("feeds", min(50, len(active) - chunk_start))
    # Plain words only (no #tags or @mentions): what a person types in the search box.
    common = next(w for w, _ in words.most_common() if len(w) > 3 and w.isalpha())
    rare = next(
        w
        for w, c in sorted(words.items(), key=lambda kv: (kv[1], kv[0]))
        if c >= 3 and len(w) > 4 and w.isalpha()
    )
    return Generated(
        size=size,
        local_ids=local,
        active_ids=active,
        celebrity_ids=(local[0], local[1]),
        rare_word=rare,
        common_word=common,
        counts={
            "accounts": len(accounts),
            "follows": len(edges),
            "posts": size.posts,
            "tags": len(tags),
        },
    )
