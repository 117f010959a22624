"""The compose form's use case: record the uploaded media with their descriptions, apply the
instance's alt-text rule, then post the status now or schedule it, in one transaction. The
checks of the post itself are the statuses domain's (the same as the API's)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import ValidationFailed
from gazouille.domains import instance
from gazouille.domains.media import service as media
from gazouille.domains.media.service import StagedUpload
from gazouille.domains.scheduled import service as scheduled
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.composition import NewStatus
from gazouille.models import Account, ScheduledStatus, Status, User


@dataclass
class Upload:
    staged: StagedUpload
    description: str = ""
    focus: tuple[float, float] | None = None


@dataclass
class Composed:
    command: NewStatus
    uploads: list[Upload] = field(default_factory=list)
    scheduled_at: str | None = None


def missing_alt_text(uploads: list[Upload]) -> ValidationFailed:
    index = next(n for n, u in enumerate(uploads) if not u.description.strip())
    return ValidationFailed(
        "Validation failed: every image or video needs a description (alt text)",
        details={
            f"description_{index}": [
                {"error": "ERR_BLANK", "description": "needs a description (alt text)"}
            ]
        },
    )


async def publish(
    session: AsyncSession, author: Account, user: User, composed: Composed
) -> Status | ScheduledStatus:
    """Post (or schedule) the composed status; nothing is written when a check fails."""
    settings = await instance.load_settings(session)
    uploads = composed.uploads
    if settings.require_alt_text and any(not u.description.strip() for u in uploads):
        raise missing_alt_text(uploads)
    for upload in uploads:
        row = await media.record_upload(
            session,
            author,
            upload.staged,
            description=media.check_description(upload.description.strip() or None),
            focus=upload.focus,
        )
        composed.command.media_ids.append(row.id)
    if composed.scheduled_at:
        return await scheduled.schedule(
            session,
            author,
            composed.command,
            composed.scheduled_at,
            max_characters=settings.max_characters,
            default_visibility=user.default_privacy,
        )
    return await statuses.create_status(
        session,
        author,
        composed.command,
        max_characters=settings.max_characters,
        default_visibility=user.default_privacy,
    )
