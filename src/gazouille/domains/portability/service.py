"""Export of an account's posts and social graph as a zip archive, and import of follows
from the CSV that Mastodon exports (``Account address,Show boosts,Notify on new posts,
Languages``). Remote accounts this server does not know yet are reported, not followed."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock, urls
from gazouille.core.errors import ValidationFailed
from gazouille.core.storage import public_url
from gazouille.domains.accounts import service as accounts
from gazouille.domains.relationships import service as relationships
from gazouille.domains.relationships.service import FollowOptions
from gazouille.models import Account, Block, Bookmark, Follow, MediaAttachment, Mute, Status

MAX_IMPORT_ROWS = 2000
FOLLOWS_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"]


def _acct(account: Account) -> str:
    return f"{account.username}@{account.domain or urls.local_domain()}"


def _csv(rows: list[list[str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


async def _posts(session: AsyncSession, account_id: int) -> list[dict[str, Any]]:
    statuses = list(
        (
            await session.execute(
                select(Status).where(Status.account_id == account_id).order_by(Status.id)
            )
        ).scalars()
    )
    media: dict[int, list[dict[str, Any]]] = {}
    rows = await session.execute(
        select(MediaAttachment).where(
            MediaAttachment.account_id == account_id, MediaAttachment.status_id.is_not(None)
        )
    )
    for m in rows.scalars():
        assert m.status_id is not None
        media.setdefault(m.status_id, []).append(
            {"type": m.type, "url": public_url(m.file_key), "description": m.description}
        )
    return [
        {
            "id": str(s.id),
            "created_at": clock.iso(s.created_at),
            "url": s.url,
            "uri": s.uri,
            "visibility": s.visibility,
            "language": s.language,
            "spoiler_text": s.spoiler_text,
            "text": s.text,
            "content": s.content,
            "in_reply_to_id": str(s.in_reply_to_id) if s.in_reply_to_id else None,
            "reblog_of_id": str(s.reblog_of_id) if s.reblog_of_id else None,
            "media": media.get(s.id, []),
        }
        for s in statuses
    ]


async def _targets(session: AsyncSession, model: Any, account_id: int) -> list[tuple[Any, Account]]:
    stmt = (
        select(model, Account)
        .join(Account, Account.id == model.target_account_id)
        .where(model.account_id == account_id)
        .order_by(model.id)
    )
    return [(r[0], r[1]) for r in (await session.execute(stmt)).all()]


async def export_archive(session: AsyncSession, account: Account) -> bytes:
    """A zip with posts.json and Mastodon-compatible CSVs of follows, blocks, mutes and
    bookmarks."""
    follows = await _targets(session, Follow, account.id)
    blocks = await _targets(session, Block, account.id)
    mutes = await _targets(session, Mute, account.id)
    bookmarked = await session.execute(
        select(Status.uri)
        .join(Bookmark, Bookmark.status_id == Status.id)
        .where(Bookmark.account_id == account.id)
        .order_by(Bookmark.id)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "posts.json",
            orjson.dumps(await _posts(session, account.id), option=orjson.OPT_INDENT_2),
        )
        archive.writestr(
            "following_accounts.csv",
            _csv(
                [
                    [
                        _acct(a),
                        str(f.show_reblogs).lower(),
                        str(f.notify).lower(),
                        f.languages or "",
                    ]
                    for f, a in follows
                ],
                FOLLOWS_HEADER,
            ),
        )
        archive.writestr("blocked_accounts.csv", _csv([[_acct(a)] for _, a in blocks]))
        archive.writestr(
            "muted_accounts.csv",
            _csv(
                [[_acct(a), str(m.hide_notifications).lower()] for m, a in mutes],
                ["Account address", "Hide notifications"],
            ),
        )
        archive.writestr("bookmarks.csv", _csv([[uri] for uri in bookmarked.scalars()]))
    return buffer.getvalue()


@dataclass
class ImportResult:
    followed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("true", "1", "yes")


def parse_follows_csv(text: str) -> list[tuple[str, bool, bool, list[str] | None]]:
    """(acct, show boosts, notify, languages) for each line of Mastodon's follows CSV; a
    plain list of addresses (one a line, no header) is accepted too."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and rows[0] and rows[0][0].strip().lower() == "account address":
        rows = rows[1:]
    rows = [r for r in rows if r and r[0].strip()]
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            f"Validation failed: the file has more than {MAX_IMPORT_ROWS} accounts",
            details={"data": [{"error": "ERR_TOO_LONG", "description": "has too many lines"}]},
        )
    parsed = []
    for row in rows:
        acct = row[0].strip().lstrip("@")
        if "@" not in acct and not acct.replace("_", "").isalnum():
            raise ValidationFailed(
                "Validation failed: this is not a CSV of accounts",
                details={
                    "data": [{"error": "ERR_INVALID", "description": "is not a CSV of accounts"}]
                },
            )
        languages = [x.strip() for x in row[3].split(",") if x.strip()] if len(row) > 3 else []
        parsed.append(
            (
                acct,
                _flag(row[1] if len(row) > 1 else None, True),
                _flag(row[2] if len(row) > 2 else None, False),
                languages or None,
            )
        )
    return parsed


async def import_follows(session: AsyncSession, actor: Account, text: str) -> ImportResult:
    result = ImportResult()
    for acct, reblogs, notify, languages in parse_follows_csv(text):
        target = await accounts.find_by_acct(session, acct)
        if target is None or target.suspended_at is not None or target.id == actor.id:
            result.not_found.append(acct)
            continue
        await relationships.follow(
            session,
            actor,
            target,
            FollowOptions(reblogs=reblogs, notify=notify, languages=languages),
        )
        result.followed.append(acct)
    return result
