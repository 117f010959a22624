"""Private notes about other accounts, seen only by their writer."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import new_id
from gazouille.models import Account, AccountNote

MAX_COMMENT = 2000


async def set_note(session: AsyncSession, actor: Account, target: Account, comment: str) -> None:
    """Write the note; an empty comment removes it."""
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            f"Validation failed: Comment is too long (maximum is {MAX_COMMENT} characters)"
        )
    if not comment.strip():
        await session.execute(
            delete(AccountNote).where(
                AccountNote.account_id == actor.id, AccountNote.target_account_id == target.id
            )
        )
        return
    row = (
        await session.execute(
            select(AccountNote).where(
                AccountNote.account_id == actor.id, AccountNote.target_account_id == target.id
            )
        )
    ).scalar_one_or_none()
    if row is None:
        row = AccountNote(
            id=new_id(), account_id=actor.id, target_account_id=target.id, created_at=clock.now()
        )
        session.add(row)
    row.comment = comment
    await session.flush()
