from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.core import clock
from gazouille.models.base import Base, CreatedMixin, IdMixin

JOB_STATES = ("pending", "running", "done", "dead")


class Job(IdMixin, CreatedMixin, Base):
    """A durable unit of background work. Rows are inserted in the transaction that caused
    them (so a rollback drops them) and claimed by workers; a claim expires, so a job whose
    worker died (kill -9) is claimed again."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "state", "run_at"),)

    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_at: Mapped[datetime] = mapped_column(default=clock.now)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Same key, same work: enqueueing a duplicate of a queued job is a no-op (the key is
    # cleared when the job finishes).
    dedupe_key: Mapped[str | None] = mapped_column(String(300), default=None, unique=True)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
