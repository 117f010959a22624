"""ActivityPub documents of local accounts and posts: actors, outbox, followers, following,
featured posts and tags, notes and their activities, replies. The same addresses answer
browsers with a redirect to the web page, and the web pages (``/@name``, ``/@name/id``)
answer servers asking for AS2 with these documents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import Headers
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match
from starlette.types import Scope

from gazouille.activitypub.vocab import wants_as2
from gazouille.core import urls
from gazouille.core.errors import GazouilleError, NotFound
from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.federation import keys
from gazouille.domains.relationships import service as relationships
from gazouille.domains.statuses.policy import visible_to
from gazouille.federation import activities, objects, serializers
from gazouille.federation.discovery import as2
from gazouille.federation.fetch_auth import fetcher, state
from gazouille.models import Account, FeaturedTag, Status, StatusPin, Tag

OUTBOX_PAGE = 20
ACCOUNTS_PAGE = 40
OPEN = ("public", "unlisted")


class Gone(GazouilleError):
    status = 410
    default_message = "Gone"


class As2OnlyRoute(APIRoute):
    """Matches only requests that ask for ActivityStreams; others go on to the web pages."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not wants_as2(Headers(scope=scope).get("accept")):
            return Match.NONE, {}
        return super().matches(scope)


router = APIRouter(include_in_schema=False)
negotiated = APIRouter(include_in_schema=False, route_class=As2OnlyRoute)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and not wants_as2(accept) and "json" not in accept


async def _account(session: AsyncSession, username: str) -> Account:
    rows = await session.execute(
        select(Account).where(Account.acct_key == username.lower(), Account.domain.is_(None))
    )
    account = rows.scalar_one_or_none()
    if account is None:
        raise NotFound()
    if account.suspended_at is not None:
        raise Gone()
    return account


@router.get("/users/{username}")
async def actor(request: Request, username: str) -> Response:
    if _wants_html(request):
        return RedirectResponse(urls.account_url(username), 302)
    await fetcher(request)
    return await _actor_document(request, username)


@negotiated.get("/@{username}")
async def actor_negotiated(request: Request, username: str) -> Response:
    await fetcher(request)
    return await _actor_document(request, username)


async def _actor_document(request: Request, username: str) -> Response:
    db = state(request).db
    async with db.read() as session:
        account = await _account(session, username)
        moved = None
        if account.moved_to_account_id is not None:
            moved = await session.scalar(
                select(Account.uri).where(Account.id == account.moved_to_account_id)
            )
    pem = account.public_key or await keys.public_key_of(db, account.id)
    if pem is None:
        raise NotFound()
    return as2(serializers.actor(account, pem, moved_to_uri=moved))


def _page(request: Request, limit: int) -> PageParams:
    q = request.query_params
    return PageParams(
        limit=limit, max_id=parse_id(q.get("max_id")), min_id=parse_id(q.get("min_id"))
    )


def _paged(request: Request) -> bool:
    return "page" in request.query_params or any(
        k in request.query_params for k in ("max_id", "min_id")
    )


@router.get("/users/{username}/outbox")
async def outbox(request: Request, username: str) -> Response:
    await fetcher(request)
    async with state(request).db.read() as session:
        account = await _account(session, username)
        uri = serializers.outbox_uri(account)
        if not _paged(request):
            return as2(
                serializers.ordered_collection(
                    uri,
                    account.statuses_count,
                    first=f"{uri}?page=true",
                    last=f"{uri}?min_id=0&page=true",
                )
            )
        page = _page(request, OUTBOX_PAGE)
        stmt = select(Status).where(Status.account_id == account.id, Status.visibility.in_(OPEN))
        rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
        rows = newest_first(rows, page)
        items = await _outbox_items(session, account, rows)
    return as2(
        serializers.ordered_page(
            f"{uri}?{request.url.query}",
            uri,
            items,
            next_uri=f"{uri}?max_id={rows[-1].id}&page=true" if len(rows) == OUTBOX_PAGE else None,
            prev_uri=f"{uri}?min_id={rows[0].id}&page=true" if rows else None,
        )
    )


async def _outbox_items(
    session: AsyncSession, account: Account, rows: list[Status]
) -> list[dict[str, Any]]:
    notes = await objects.notes(session, rows)
    original_ids = {s.reblog_of_id for s in rows if s.reblog_of_id is not None}
    originals: dict[int, tuple[str, str]] = {}
    if original_ids:
        found = await session.execute(
            select(Status.id, Status.uri, Account.uri)
            .join(Account, Account.id == Status.account_id)
            .where(Status.id.in_(original_ids), Status.visibility.in_(OPEN))
        )
        originals = {r[0]: (r[1], r[2]) for r in found.all()}
    items = []
    for status in rows:
        if status.id in notes:
            items.append(_bare(activities.create(notes[status.id])))
        elif status.reblog_of_id in originals:
            uri, author_uri = originals[status.reblog_of_id]
            items.append(_bare(activities.announce(status, account, uri, author_uri)))
    return items


def _bare(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "@context"}


async def _accounts_collection(request: Request, username: str, followers: bool) -> Response:
    await fetcher(request)
    async with state(request).db.read() as session:
        account = await _account(session, username)
        if followers:
            uri, total = serializers.followers_uri(account), account.followers_count
        else:
            uri, total = serializers.following_uri(account), account.following_count
        if account.hide_collections or not _paged(request):
            first = None if account.hide_collections else f"{uri}?page=true"
            return as2(serializers.ordered_collection(uri, total, first=first))
        page = _page(request, ACCOUNTS_PAGE)
        lister = relationships.followers if followers else relationships.following
        rows = await lister(session, account.id, page)
    return as2(
        serializers.ordered_page(
            f"{uri}?{request.url.query}",
            uri,
            [a.uri for _, a in rows],
            next_uri=f"{uri}?max_id={rows[-1][0]}&page=true" if len(rows) == page.limit else None,
            total=total,
        )
    )


@router.get("/users/{username}/followers")
async def followers(request: Request, username: str) -> Response:
    return await _accounts_collection(request, username, True)


@router.get("/users/{username}/following")
async def following(request: Request, username: str) -> Response:
    return await _accounts_collection(request, username, False)


@router.get("/users/{username}/collections/featured")
async def featured(request: Request, username: str) -> Response:
    await fetcher(request)
    async with state(request).db.read() as session:
        account = await _account(session, username)
        rows = await session.execute(
            select(Status)
            .join(StatusPin, StatusPin.status_id == Status.id)
            .where(StatusPin.account_id == account.id, Status.visibility.in_(OPEN))
            .order_by(StatusPin.id.desc())
        )
        pinned = list(rows.scalars())
        notes = await objects.notes(session, pinned)
    items = [notes[s.id] for s in pinned if s.id in notes]
    return as2(
        serializers.ordered_collection(serializers.featured_uri(account), len(items), items=items)
    )


@router.get("/users/{username}/collections/tags")
async def featured_tags(request: Request, username: str) -> Response:
    await fetcher(request)
    async with state(request).db.read() as session:
        account = await _account(session, username)
        rows = await session.execute(
            select(Tag)
            .join(FeaturedTag, FeaturedTag.tag_id == Tag.id)
            .where(FeaturedTag.account_id == account.id)
            .order_by(FeaturedTag.id)
        )
        tags = [serializers.hashtag(t) for t in rows.scalars()]
    document = {"id": serializers.featured_tags_uri(account), "type": "Collection"}
    return as2(serializers.with_context({**document, "totalItems": len(tags), "items": tags}))


async def _status(
    session: AsyncSession, viewer: Account | None, username: str, status_id: str
) -> tuple[Account, Status]:
    account = await _account(session, username)
    stmt = select(Status).where(
        Status.id == parse_id(status_id),
        Status.account_id == account.id,
        visible_to(viewer.id if viewer else None),
    )
    status = (await session.execute(stmt)).scalar_one_or_none()
    if status is None:
        raise NotFound()
    return account, status


async def _note_response(request: Request, username: str, status_id: str, wrap: bool) -> Response:
    viewer = await fetcher(request)  # may fetch the signer's key: before any transaction
    async with state(request).db.read() as session:
        account, status = await _status(session, viewer, username, status_id)
        if status.reblog_of_id is not None:
            if not wrap:
                raise NotFound()
            original = await session.get(Status, status.reblog_of_id)
            author = await session.get(Account, original.account_id) if original else None
            if original is None or author is None:
                raise NotFound()
            return as2(activities.announce(status, account, original.uri, author.uri))
        note = await objects.note_of(session, status)
    if note is None:
        raise NotFound()
    return as2(activities.create(note) if wrap else serializers.with_context(note))


@router.get("/users/{username}/statuses/{status_id}")
async def note(request: Request, username: str, status_id: str) -> Response:
    if _wants_html(request):
        return RedirectResponse(urls.status_url(username, parse_id(status_id) or 0), 302)
    return await _note_response(request, username, status_id, wrap=False)


@negotiated.get("/@{username}/{status_id}")
async def note_negotiated(request: Request, username: str, status_id: str) -> Response:
    return await _note_response(request, username, status_id, wrap=False)


@router.get("/users/{username}/statuses/{status_id}/activity")
async def note_activity(request: Request, username: str, status_id: str) -> Response:
    return await _note_response(request, username, status_id, wrap=True)


@router.get("/users/{username}/statuses/{status_id}/replies")
async def replies(request: Request, username: str, status_id: str) -> Response:
    viewer = await fetcher(request)
    async with state(request).db.read() as session:
        _, status = await _status(session, viewer, username, status_id)
        uri = f"{status.uri}/replies"
        min_id = parse_id(request.query_params.get("min_id")) or 0
        rows = await session.execute(
            select(Status.id, Status.uri)
            .where(
                Status.in_reply_to_id == status.id,
                Status.visibility.in_(OPEN),
                Status.id > min_id,
            )
            .order_by(Status.id)
            .limit(OUTBOX_PAGE)
        )
        found = rows.all()
    items = [r[1] for r in found]
    page: dict[str, Any] = {
        "id": f"{uri}?page=true" + (f"&min_id={min_id}" if min_id else ""),
        "type": "CollectionPage",
        "partOf": uri,
        "items": items,
    }
    if len(found) == OUTBOX_PAGE:
        page["next"] = f"{uri}?min_id={found[-1][0]}&page=true"
    if _paged(request):
        return as2(serializers.with_context(page))
    return as2(serializers.with_context({"id": uri, "type": "Collection", "first": page}))
