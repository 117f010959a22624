"""Reports sent by other servers (``Flag``) about local accounts: stored for the moderators
like a local report, with the reporting server's account (often its instance actor) as the
reporter and the activity's URI, so that the same report is not stored twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.federation.domain_blocks import rejects_reports
from gazouille.domains.reports.service import MAX_COMMENT, MAX_STATUSES
from gazouille.models import Account, Report, Status


async def receive_remote_report(
    session: AsyncSession,
    reporter: Account,
    target: Account,
    status_uris: list[str],
    comment: str,
    uri: str | None,
) -> Report | None:
    """None when the target is not local, the report is already stored, or an admin's
    domain block rejects the reporter's server's reports."""
    if not target.is_local or target.id == reporter.id:
        return None
    if await rejects_reports(session, reporter.domain):
        return None
    if uri:
        known = await session.execute(select(Report.id).where(Report.uri == uri).limit(1))
        if known.first() is not None:
            return None
    status_ids: list[int] = []
    if status_uris:
        rows = await session.execute(
            select(Status.id).where(
                Status.uri.in_(status_uris[:MAX_STATUSES]), Status.account_id == target.id
            )
        )
        status_ids = sorted(rows.scalars())
    report = Report(
        id=new_id(),
        account_id=reporter.id,
        target_account_id=target.id,
        status_ids=status_ids,
        rule_ids=[],
        comment=comment[:MAX_COMMENT],
        category="other",
        forward=False,
        uri=uri[:2048] if uri else None,
        created_at=clock.now(),
    )
    session.add(report)
    await session.flush()
    return report
