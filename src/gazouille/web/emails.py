"""The e-mails the site sends, written in the recipient's language and queued with the
mail domain (sent by a job: SMTP, or the log and the admin area)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import urls
from gazouille.domains.mail import service as mail
from gazouille.models import Account, User
from gazouille.web.i18n import Translator, gettext_noop, supported
from gazouille.web.templating import render_template


async def _queue(
    session: AsyncSession, user: User, to: str, template: str, subject: str, **values: object
) -> None:
    translator = Translator(supported(user.locale) or "en")
    body = render_template(f"mail/{template}.txt", translator, {"base": urls.base(), **values})
    await mail.queue_mail(session, to, translator.gettext(subject), body)


async def send_confirmation(
    session: AsyncSession, user: User, account: Account, token: str, email: str | None = None
) -> None:
    link = f"{urls.base()}/auth/confirmation?token={token}"
    await _queue(
        session,
        user,
        email or user.email,
        "confirmation",
        gettext_noop("Confirm your e-mail address"),
        account=account,
        link=link,
    )


async def send_password_reset(session: AsyncSession, user: User, token: str) -> None:
    link = f"{urls.base()}/auth/password/edit?token={token}"
    await _queue(
        session, user, user.email, "password_reset", gettext_noop("Reset your password"), link=link
    )
