"""Hashtags: finding them by name, following them, featuring them on a profile, searching."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.core.text import normalize_tag
from gazouille.domains.feeds import service as feeds
from gazouille.models import FeaturedTag, Status, StatusTag, Tag, TagFollow

NAME_RE = re.compile(r"\w*[^\W\d_]\w*")
MAX_NAME = 100
MAX_FEATURED = 10
OPEN = ("public", "unlisted")


def clean_name(name: str | None) -> str:
    return (name or "").strip().removeprefix("#")


def valid_name(name: str) -> bool:
    return len(name) <= MAX_NAME and NAME_RE.fullmatch(name) is not None


async def find_tag(session: AsyncSession, name: str) -> Tag | None:
    if not valid_name(name):
        return None
    return (
        await session.execute(select(Tag).where(Tag.name_key == normalize_tag(name)))
    ).scalar_one_or_none()


async def find_tags(session: AsyncSession, names: Iterable[str]) -> list[Tag]:
    keys = {normalize_tag(n) for n in names if valid_name(n)}
    if not keys:
        return []
    return list((await session.execute(select(Tag).where(Tag.name_key.in_(keys)))).scalars())


async def find_or_create_tag(session: AsyncSession, name: str) -> Tag:
    """The tag of that name, created as written when it is new; NotFound if not a hashtag."""
    if not valid_name(name):
        raise NotFound()
    key = normalize_tag(name)
    await insert_ignore(
        session,
        Tag,
        {"id": new_id(), "name": name, "name_key": key, "created_at": clock.now()},
        ["name_key"],
    )
    return (await session.execute(select(Tag).where(Tag.name_key == key))).scalar_one()


def unsaved_tag(name: str) -> Tag:
    """What ``GET /api/v1/tags/:name`` shows for a hashtag nobody has used yet."""
    return Tag(id=0, name=name, name_key=normalize_tag(name), created_at=clock.now())


async def follow_tag(session: AsyncSession, account_id: int, name: str) -> Tag:
    tag = await find_or_create_tag(session, name)
    await insert_ignore(
        session,
        TagFollow,
        {"id": new_id(), "account_id": account_id, "tag_id": tag.id, "created_at": clock.now()},
        ["account_id", "tag_id"],
    )
    await feeds.tag_followed(session, account_id, tag.id)
    return tag


async def unfollow_tag(session: AsyncSession, account_id: int, name: str) -> Tag:
    tag = await find_tag(session, name) if valid_name(name) else None
    if tag is None:
        if not valid_name(name):
            raise NotFound()
        return unsaved_tag(name)
    await session.execute(
        delete(TagFollow).where(TagFollow.account_id == account_id, TagFollow.tag_id == tag.id)
    )
    return tag


async def followed_tags(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Tag]]:
    """(follow id, tag) pairs, newest follow first, paginated by the follow's id."""
    stmt = (
        select(TagFollow.id, Tag)
        .join(Tag, Tag.id == TagFollow.tag_id)
        .where(TagFollow.account_id == account_id)
    )
    rows = (await session.execute(paginate(stmt, TagFollow.id, page))).all()
    return [(r[0], r[1]) for r in newest_first(list(rows), page)]


async def featured_tags(session: AsyncSession, account_id: int) -> list[tuple[FeaturedTag, Tag]]:
    rows = await session.execute(
        select(FeaturedTag, Tag)
        .join(Tag, Tag.id == FeaturedTag.tag_id)
        .where(FeaturedTag.account_id == account_id)
        .order_by(FeaturedTag.id)
    )
    return [(f, t) for f, t in rows.all()]


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


async def feature_tag(
    session: AsyncSession, account_id: int, raw_name: str | None
) -> tuple[FeaturedTag, Tag]:
    name = clean_name(raw_name)
    if not name:
        raise _invalid("Name can't be blank")
    if not valid_name(name):
        raise _invalid("Name is invalid")
    existing = await featured_tags(session, account_id)
    if any(t.name_key == normalize_tag(name) for _, t in existing):
        raise _invalid("Name has already been taken")
    if len(existing) >= MAX_FEATURED:
        raise _invalid("You have already featured the maximum number of hashtags")
    tag = await find_or_create_tag(session, name)
    featured = FeaturedTag(account_id=account_id, tag_id=tag.id, created_at=clock.now())
    session.add(featured)
    await session.flush()
    return featured, tag


async def unfeature_tag(session: AsyncSession, account_id: int, featured_id: int | None) -> None:
    removed = await session.execute(
        delete(FeaturedTag).where(
            FeaturedTag.id == (featured_id or 0), FeaturedTag.account_id == account_id
        )
    )
    if not getattr(removed, "rowcount", 0):
        raise NotFound()


async def featured_tag_suggestions(
    session: AsyncSession, account_id: int, limit: int = 10
) -> list[Tag]:
    """The tags the account used most recently, leaving out those already featured."""
    featured = select(FeaturedTag.tag_id).where(FeaturedTag.account_id == account_id)
    last_use = func.max(StatusTag.status_id).label("last_use")
    recent = (
        select(StatusTag.tag_id, last_use)
        .join(Status, Status.id == StatusTag.status_id)
        .where(Status.account_id == account_id, StatusTag.tag_id.not_in(featured))
        .group_by(StatusTag.tag_id)
        .order_by(last_use.desc())
        .limit(limit)
        .subquery()
    )
    rows = await session.execute(
        select(Tag).join(recent, recent.c.tag_id == Tag.id).order_by(recent.c.last_use.desc())
    )
    return list(rows.scalars())


async def search_tags(
    session: AsyncSession, query: str, *, limit: int, offset: int = 0
) -> list[Tag]:
    """Tags whose name starts with the query (accents and case ignored): the exact match
    first, then the most used."""
    name = clean_name(query)
    if not name or not valid_name(name):
        return []
    key = normalize_tag(name)
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    uses = (
        select(func.count())
        .select_from(StatusTag)
        .where(StatusTag.tag_id == Tag.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Tag)
        .where(Tag.name_key.like(pattern, escape="\\"))
        .order_by((Tag.name_key == key).desc(), uses.desc(), func.length(Tag.name_key), Tag.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars())
