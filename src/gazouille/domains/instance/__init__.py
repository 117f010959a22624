"""Admin-editable instance settings (stored in the database) and public statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.config import Registrations
from gazouille.core import clock
from gazouille.core.clock import iso
from gazouille.core.errors import ValidationFailed
from gazouille.models import Account, InstanceSetting, Status, User


@dataclass
class InstanceSettings:
    title: str = "Gazouille"
    short_description: str = "A Gazouille community: short posts, hashtags and conversations."
    description: str = ""
    contact_email: str = ""
    max_characters: int = 500
    rules: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["fr", "en"])
    # Empty: GAZOUILLE_REGISTRATIONS decides; set by an admin, it overrides the environment.
    registrations: str = ""
    # Media without a description (alt text) are refused when set.
    require_alt_text: bool = False
    # When ``description`` last changed (ISO 8601), for the extended description.
    description_updated_at: str | None = None
    # Who sees the domain blocks list, and their public comments: "disabled" (no one, as
    # Mastodon by default), "users" (signed-in users) or "all".
    show_domain_blocks: str = "disabled"
    show_domain_blocks_rationale: str = "disabled"

    def registration_mode(self, default: Registrations) -> Registrations:
        """The sign-up mode in force: the admin's choice, else the deploy-time setting."""
        return Registrations(self.registrations) if self.registrations else default


_EDITABLE = {
    "title": str,
    "short_description": str,
    "description": str,
    "contact_email": str,
    "max_characters": int,
    "rules": list,
    "languages": list,
    "registrations": str,
    "require_alt_text": bool,
    "show_domain_blocks": str,
    "show_domain_blocks_rationale": str,
}
DISCLOSURES = ("disabled", "users", "all")


async def load_settings(session: AsyncSession) -> InstanceSettings:
    rows = (await session.execute(select(InstanceSetting))).scalars().all()
    settings = InstanceSettings()
    for row in rows:
        if row.key in _EDITABLE or row.key == "description_updated_at":
            setattr(settings, row.key, row.value)
    return settings


async def _store(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(InstanceSetting, key)
    if row is None:
        session.add(InstanceSetting(key=key, value=value))
    else:
        row.value = value


async def update_settings(session: AsyncSession, **values: Any) -> InstanceSettings:
    for key, value in values.items():
        expected = _EDITABLE.get(key)
        if expected is None:
            raise ValidationFailed(f"Validation failed: unknown setting {key}")
        if expected is int:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationFailed(f"Validation failed: {key} must be a number") from None
        if key == "registrations" and value not in ("", *(m.value for m in Registrations)):
            raise ValidationFailed(
                "Validation failed: registrations must be open, approval or closed"
            )
        if key.startswith("show_domain_blocks") and value not in DISCLOSURES:
            raise ValidationFailed(f"Validation failed: {key} must be disabled, users or all")
        if key == "max_characters" and not 50 <= value <= 100_000:
            raise ValidationFailed("Validation failed: max_characters must be 50 to 100000")
        if not isinstance(value, expected):
            raise ValidationFailed(f"Validation failed: {key} has the wrong type")
        await _store(session, key, value)
        if key == "description":
            await _store(session, "description_updated_at", iso(clock.now()))
    await session.flush()
    return await load_settings(session)


@dataclass(frozen=True)
class InstanceStats:
    user_count: int
    status_count: int
    domain_count: int


async def stats(session: AsyncSession) -> InstanceStats:
    users = await session.scalar(select(func.count()).select_from(User))
    statuses = await session.scalar(
        select(func.count()).select_from(Status).where(Status.local.is_(True))
    )
    domains = await session.scalar(
        select(func.count(func.distinct(Account.domain))).where(Account.domain.is_not(None))
    )
    return InstanceStats(int(users or 0), int(statuses or 0), int(domains or 0))


async def contact_account(session: AsyncSession) -> Account | None:
    stmt = (
        select(Account)
        .join(User, User.account_id == Account.id)
        .where(User.role == "admin")
        .order_by(User.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
