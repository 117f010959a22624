"""Reading preferences of a local user: interface language and how media and content
warnings are shown. (Posting defaults are part of ``service.update_profile``.)"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import ValidationFailed
from gazouille.models import User

INTERFACE_LOCALES = ("en", "fr")
EXPAND_MEDIA = ("default", "show_all", "hide_all")


def _not_in_list(field_name: str) -> ValidationFailed:
    return ValidationFailed(
        f"Validation failed: {field_name.capitalize()} is not included in the list",
        details={
            field_name: [{"error": "ERR_INCLUSION", "description": "is not included in the list"}]
        },
    )


async def set_reading_preferences(
    session: AsyncSession,
    user: User,
    *,
    locale: str | None = None,
    expand_media: str | None = None,
    expand_spoilers: bool | None = None,
) -> None:
    if locale is not None:
        if locale not in INTERFACE_LOCALES:
            raise _not_in_list("locale")
        user.locale = locale
    if expand_media is not None:
        if expand_media not in EXPAND_MEDIA:
            raise _not_in_list("expand_media")
        user.expand_media = expand_media
    if expand_spoilers is not None:
        user.expand_spoilers = expand_spoilers
    await session.flush()
