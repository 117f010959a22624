"""Queue an e-mail (a row and a job in the caller's transaction), send it from the job: through
SMTP when configured, else into the log, kept for the admin area to show."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.config import get_settings
from gazouille.core import clock, mailer
from gazouille.models import MailMessage
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

log = logging.getLogger(__name__)
JOB_KIND = "mail.send"


async def queue_mail(session: AsyncSession, recipient: str, subject: str, body: str) -> int:
    message = MailMessage(recipient=recipient, subject=subject[:300], body=body)
    session.add(message)
    await session.flush()
    await enqueue(session, JOB_KIND, {"message_id": message.id}, dedupe_key=f"mail:{message.id}")
    return message.id


async def send_mail(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler; a message already sent or logged is left alone (idempotent)."""
    settings = get_settings()
    async with ctx.db.read() as session:
        message = await session.get(MailMessage, int(payload["message_id"]))
    if message is None or message.state != "pending":
        return
    if settings.smtp_url:
        await mailer.send(
            settings.smtp_url, settings.mail_from, message.recipient, message.subject, message.body
        )
        state = "sent"
    else:
        log.warning(
            "No SMTP configured (GAZOUILLE_SMTP_URL); e-mail to %s not sent.\nSubject: %s\n\n%s",
            message.recipient,
            message.subject,
            message.body,
        )
        state = "logged"
    async with ctx.db.write() as session:
        row = await session.get(MailMessage, message.id)
        if row is not None:
            row.state = state
            row.sent_at = clock.now()


async def unsent_messages(session: AsyncSession, limit: int = 50) -> list[MailMessage]:
    """The newest messages that went to the log instead of a mail server (admin area)."""
    stmt = (
        select(MailMessage)
        .where(MailMessage.state != "sent")
        .order_by(MailMessage.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
