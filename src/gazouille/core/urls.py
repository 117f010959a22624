"""The public URLs of local objects, built from GAZOUILLE_PUBLIC_URL."""

from __future__ import annotations

from urllib.parse import quote

from gazouille.config import get_settings


def base() -> str:
    return get_settings().public_url


def local_domain() -> str:
    return get_settings().local_domain


def account_uri(username: str) -> str:
    return f"{base()}/users/{username}"


def account_url(username: str) -> str:
    return f"{base()}/@{username}"


def status_uri(username: str, status_id: int) -> str:
    return f"{base()}/users/{username}/statuses/{status_id}"


def status_url(username: str, status_id: int) -> str:
    return f"{base()}/@{username}/{status_id}"


def tag_url(name: str) -> str:
    return f"{base()}/tags/{quote(name)}"


def default_avatar() -> str:
    return f"{base()}/avatars/original/missing.png"


def default_header() -> str:
    return f"{base()}/headers/original/missing.png"
