"""Link preview cards: the first link of a status gets a card, fetched once per URL by a
durable job, outside any database transaction, through the SSRF-guarded client."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.config import get_settings
from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.http import ResponseTooLarge, SafeHttpClient, UnsafeAddress
from gazouille.core.ids import new_id
from gazouille.core.text import URL_RE
from gazouille.domains.cards.opengraph import parse_page
from gazouille.models import PreviewCard, Status
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

JOB_KIND = "cards.fetch"
REFRESH_AFTER = timedelta(days=14)
_URL = re.compile(URL_RE)


def first_link(text: str) -> str | None:
    match = _URL.search(text or "")
    return match.group(0)[:2048] if match else None


async def enqueue_card(session: AsyncSession, status: Status) -> None:
    """Ask for a card for the status's first link (no-op when it has none)."""
    url = first_link(status.text)
    if url is not None:
        await enqueue(
            session,
            JOB_KIND,
            {"status_id": status.id, "url": url},
            dedupe_key=f"card:{status.id}",
            max_attempts=3,
        )


async def cards_of(session: AsyncSession, card_ids: list[int]) -> dict[int, PreviewCard]:
    """The fetched cards among ``card_ids`` (one query, none when the list is empty)."""
    if not card_ids:
        return {}
    rows = await session.execute(
        select(PreviewCard).where(PreviewCard.id.in_(set(card_ids)), PreviewCard.state == "done")
    )
    return {card.id: card for card in rows.scalars()}


async def fetch_card(ctx: JobContext, payload: dict[str, Any]) -> None:
    url = str(payload["url"])
    status_id = int(payload["status_id"])
    async with ctx.db.write() as session:
        await insert_ignore(
            session,
            PreviewCard,
            {"id": new_id(), "url": url, "state": "pending", "created_at": clock.now()},
            ["url"],
        )
        card = (
            await session.execute(select(PreviewCard).where(PreviewCard.url == url))
        ).scalar_one()
        fresh = (
            card.state == "done"
            and card.fetched_at
            and card.fetched_at > clock.now() - REFRESH_AFTER
        )
        card_id = card.id
    if not fresh:
        values = await _fetch(url)
        async with ctx.db.write() as session:
            await session.execute(
                update(PreviewCard).where(PreviewCard.id == card_id).values(**values)
            )
    async with ctx.db.write() as session:
        state = (
            await session.execute(select(PreviewCard.state).where(PreviewCard.id == card_id))
        ).scalar_one()
        if state == "done":
            await session.execute(
                update(Status).where(Status.id == status_id).values(card_id=card_id)
            )


async def _fetch(url: str) -> dict[str, Any]:
    """What to store about ``url``; a page we cannot read is remembered as failed."""
    client = SafeHttpClient(allow_private=get_settings().allow_private_addresses)
    now = clock.now()
    try:
        response = await client.get(
            url, max_bytes=1024 * 1024, headers={"Accept": "text/html,application/xhtml+xml"}
        )
    except (UnsafeAddress, ResponseTooLarge):
        return {"state": "failed", "fetched_at": now}
    finally:
        await client.aclose()
    if response.status_code != 200 or response.content_type not in (
        "text/html",
        "application/xhtml+xml",
    ):
        return {"state": "failed", "fetched_at": now}
    page = parse_page(response.text(), response.url)
    if not page.title:
        return {"state": "failed", "fetched_at": now}
    return {
        "state": "done",
        "type": page.type,
        "title": page.title,
        "description": page.description,
        "author_name": page.author_name,
        "provider_name": page.provider_name,
        "image_description": page.image_description,
        "width": page.width,
        "height": page.height,
        "language": page.language,
        "published_at": page.published_at,
        "fetched_at": now,
    }
