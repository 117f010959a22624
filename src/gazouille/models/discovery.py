"""Discovery records: the search document of an account, and dismissed follow suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.core import clock
from gazouille.models.base import Base, CreatedMixin, IdMixin


class AccountSearch(Base):
    """An account's username and display name, accent-folded and lower-cased in Python
    (" alice alice liddell"), so a prefix search matches the same way on both backends."""

    __tablename__ = "account_search"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    terms: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(default=clock.now)


class SuggestionDismissal(IdMixin, CreatedMixin, Base):
    """An account the user asked not to be suggested again."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
