"""Mastodon's v1 filters, kept for older clients: each v1 filter is one keyword of a v2
filter (its id is the keyword's). Creating one makes a v2 filter titled after the phrase."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import GazouilleError
from gazouille.domains.filters import service
from gazouille.models import Filter, FilterKeyword


class MultipleKeywords(GazouilleError):
    status = 422
    default_message = (
        "These parameters cannot be changed from this application because they apply to more "
        "than one filter keyword. Use a more recent application or the web interface."
    )


@dataclass
class V1Change:
    phrase: str | None = None
    context: list[str] | None = None
    irreversible: bool | None = None
    whole_word: bool | None = None
    expires_given: bool = False
    expires_in: int | None = None

    def filter_change(self) -> service.FilterChange:
        return service.FilterChange(
            title=self.phrase,
            context=self.context,
            action=None if self.irreversible is None else ("hide" if self.irreversible else "warn"),
            expires_given=self.expires_given,
            expires_in=self.expires_in,
        )


async def list_v1(session: AsyncSession, owner_id: int) -> list[tuple[FilterKeyword, Filter]]:
    rows = await session.execute(
        select(FilterKeyword, Filter)
        .join(Filter, Filter.id == FilterKeyword.filter_id)
        .where(Filter.account_id == owner_id)
        .order_by(FilterKeyword.id)
    )
    return [(k, f) for k, f in rows.all()]


async def create_v1(
    session: AsyncSession, owner_id: int, change: V1Change
) -> tuple[FilterKeyword, Filter]:
    service.check_keyword(change.phrase, "Phrase")
    row = await service.create_filter(session, owner_id, change.filter_change())
    keyword = await service.add_keyword(session, row, change.phrase, change.whole_word, "Phrase")
    return keyword, row


async def update_v1(
    session: AsyncSession, keyword: FilterKeyword, row: Filter, change: V1Change
) -> tuple[FilterKeyword, Filter]:
    if change.phrase is not None:
        service.check_keyword(change.phrase, "Phrase")
    await service.update_keyword(session, row, keyword, change.phrase, change.whole_word)
    touches_filter = (
        change.context is not None
        or change.irreversible is not None
        or change.expires_given
        or (change.phrase is not None and change.phrase.strip() != row.title)
    )
    if touches_filter:
        count = await session.scalar(
            select(func.count()).select_from(FilterKeyword).where(FilterKeyword.filter_id == row.id)
        )
        if int(count or 0) > 1:
            raise MultipleKeywords()
        await service.update_filter(session, row, change.filter_change())
    return keyword, row
