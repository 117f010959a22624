"""Sending one e-mail through SMTP (``GAZOUILLE_SMTP_URL``), in a thread so the event loop
never waits on the network."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT = 30


def _send_sync(url: str, sender: str, recipient: str, subject: str, body: str) -> None:
    parts = urlsplit(url)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    host = parts.hostname or "localhost"
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT)
    with smtp:
        if parts.scheme == "smtp" and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


async def send(url: str, sender: str, recipient: str, subject: str, body: str) -> None:
    await asyncio.to_thread(_send_sync, url, sender, recipient, subject, body)
