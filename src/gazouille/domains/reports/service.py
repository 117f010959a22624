"""Reports: a user tells the moderators about an account, with statuses, a category and the
instance rules it breaks. Stored for the moderators; nothing is forwarded to other servers
yet (there is no federation), so ``forwarded`` is only ever true for remote accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.domains import instance
from gazouille.domains.federation import events as federation
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Account, Report, Status

CATEGORIES = ("spam", "legal", "violation", "other")
MAX_COMMENT = 1000
MAX_STATUSES = 100


@dataclass
class NewReport:
    account_id: int | None
    status_ids: Sequence[int | None] = field(default_factory=list)
    comment: str = ""
    category: str | None = None
    rule_ids: Sequence[str] = field(default_factory=list)
    forward: bool = False


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


async def _rule_ids(session: AsyncSession, raw: Sequence[str]) -> list[int]:
    """Rule ids are the 1-based positions of the instance's rules (GET /api/v1/instance/rules)."""
    count = len((await instance.load_settings(session)).rules)
    ids = []
    for value in dict.fromkeys(raw):
        if not value.isdigit() or not 1 <= int(value) <= count:
            raise _invalid("Rule ids does not reference valid rules")
        ids.append(int(value))
    return ids


async def create_report(
    session: AsyncSession, reporter: Account, command: NewReport
) -> tuple[Report, Account]:
    """The report and the reported account."""
    target = await session.get(Account, command.account_id) if command.account_id else None
    if target is None or target.suspended_at is not None:
        raise NotFound()
    if target.id == reporter.id:
        raise _invalid("You cannot report yourself")
    if len(command.comment) > MAX_COMMENT:
        raise _invalid(f"Comment is too long (maximum is {MAX_COMMENT} characters)")
    rule_ids = await _rule_ids(session, command.rule_ids)
    # As Mastodon: citing rules makes the report a violation report.
    category = "violation" if rule_ids else (command.category or "other")
    if category not in CATEGORIES:
        raise _invalid("Category is not included in the list")
    wanted = list(dict.fromkeys(command.status_ids))[:MAX_STATUSES]
    status_ids: list[int] = []
    if wanted:
        if any(i is None for i in wanted):
            raise NotFound()
        found = set(
            (
                await session.execute(
                    select(Status.id).where(
                        Status.id.in_([i for i in wanted if i is not None]),
                        Status.account_id == target.id,
                        visible_to(reporter.id),
                    )
                )
            ).scalars()
        )
        if len(found) != len(wanted):
            raise NotFound()
        status_ids = [i for i in wanted if i is not None]
    report = Report(
        id=new_id(),
        account_id=reporter.id,
        target_account_id=target.id,
        status_ids=status_ids,
        rule_ids=rule_ids,
        comment=command.comment,
        category=category,
        forward=bool(command.forward and not target.is_local),
        created_at=clock.now(),
    )
    session.add(report)
    await session.flush()
    if report.forward:
        await federation.emit_as(session, reporter, "report.forwarded", {"report_id": report.id})
    return report, target
