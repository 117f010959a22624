"""The viewer-independent parts of Mastodon's Account and Status JSON, cached per process.

Accounts: the profile (everything but the counts) is keyed on every column it is made of,
read with the row in the same request, so an update made through another process is seen
at once; the counts are always the row's.

Statuses: what is cached is what the status row, its mentioned accounts and its tags alone
decide (ids, dates, text, visibility, language, addresses, mentions, tags), and the entry is
used only while everything it was made from is unchanged: its key is made of those very values,
read with the page in the same request. An edit (the content or ``edited_at``), a renamed
mentioned account or a different set of tags gives another key, and a deleted status is
never read, so nothing needs invalidating and each server process may keep its own cache.
The counts, the author, media, poll, card, quote, application and the viewer's flags are
never cached here: the serializer splices them in from the rows of the request.
"""

from __future__ import annotations

from typing import Any

from gazouille.config import get_settings
from gazouille.core import urls
from gazouille.core.clock import iso
from gazouille.core.storage import public_url
from gazouille.core.text import render_inline
from gazouille.domains.statuses.presenters import StatusView
from gazouille.models import Account

LIMIT = 20_000

_bodies: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _key(view: StatusView) -> tuple[Any, ...]:
    s = view.status
    return (
        urls.base(),
        s.edited_at,
        s.content,
        s.created_at,
        s.in_reply_to_id,
        s.in_reply_to_account_id,
        s.sensitive,
        s.spoiler_text,
        s.visibility,
        s.language,
        s.uri,
        s.url,
        tuple((m.id, m.username, m.domain, m.url, m.uri) for m in view.mentions),
        tuple(t.name for t in view.tags),
    )


def static_body(view: StatusView) -> dict[str, Any]:
    """A fresh dict with every key of the Status entity in order; the keys that are not
    cached hold placeholders for the caller to fill."""
    key = _key(view)
    entry = _bodies.get(view.status.id)
    if entry is None or entry[0] != key:
        if len(_bodies) >= LIMIT:
            _bodies.clear()
        entry = (key, _build(view))
        _bodies[view.status.id] = entry
    return dict(entry[1])


def _build(view: StatusView) -> dict[str, Any]:
    status = view.status
    return {
        "id": str(status.id),
        "created_at": iso(status.created_at),
        "in_reply_to_id": str(status.in_reply_to_id) if status.in_reply_to_id else None,
        "in_reply_to_account_id": str(status.in_reply_to_account_id)
        if status.in_reply_to_account_id
        else None,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "visibility": status.visibility,
        "language": status.language,
        "uri": status.uri,
        "url": status.url,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "quotes_count": 0,
        "edited_at": iso(status.edited_at),
        "content": status.content,
        "reblog": None,
        "application": None,
        "account": None,
        "media_attachments": [],
        "mentions": [
            {
                "id": str(m.id),
                "username": m.username,
                "url": m.url or m.uri,
                "acct": m.username if m.domain is None else f"{m.username}@{m.domain}",
            }
            for m in view.mentions
        ],
        "tags": [{"name": t.name.lower(), "url": urls.tag_url(t.name.lower())} for t in view.tags],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
    }


def clear() -> None:
    _bodies.clear()
    _profiles.clear()


def acct(account: Account) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def account_json(account: Account) -> dict[str, Any]:
    """Mastodon's Account. The profile part is cached per process, keyed on every column it
    is made of (read with the row, so an update seen by another process is seen here too);
    the counts are always the row's."""
    key = _profile_key(account)
    entry = _profiles.get(account.id)
    if entry is not None and entry[0] == key and entry[1] == account.fields:
        data = dict(entry[2])
    else:
        data = _profile_json(account)
        if len(_profiles) >= PROFILE_CACHE_LIMIT:
            _profiles.clear()
        _profiles[account.id] = (key, account.fields, data)
        data = dict(data)
    data["followers_count"] = max(account.followers_count, 0)
    data["following_count"] = max(account.following_count, 0)
    data["statuses_count"] = max(account.statuses_count, 0)
    data["last_status_at"] = (
        account.last_status_at.date().isoformat() if account.last_status_at else None
    )
    return data


PROFILE_CACHE_LIMIT = 20_000
_profiles: dict[int, tuple[tuple[Any, ...], Any, dict[str, Any]]] = {}


def _profile_key(account: Account) -> tuple[Any, ...]:
    return (
        get_settings(),  # public URLs depend on them
        account.username,
        account.domain,
        account.display_name,
        account.locked,
        account.bot,
        account.discoverable,
        account.indexable,
        account.group,
        account.created_at,
        account.note,
        account.url,
        account.uri,
        account.avatar_key,
        account.avatar_url,
        account.header_key,
        account.header_url,
        account.hide_collections,
    )


def _profile_json(account: Account) -> dict[str, Any]:
    created = account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
    avatar = public_url(account.avatar_key) or account.avatar_url or urls.default_avatar()
    header = public_url(account.header_key) or account.header_url or urls.default_header()
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": acct(account),
        "display_name": account.display_name,
        "locked": account.locked,
        "bot": account.bot,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "group": account.group,
        "created_at": iso(created),
        "note": account.note,
        "url": account.url or account.uri,
        "uri": account.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": "",
        "header": header,
        "header_static": header,
        "header_description": "",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "hide_collections": account.hide_collections,
        "noindex": not account.indexable,
        "emojis": [],
        "roles": [],
        "fields": [
            {
                "name": f["name"],
                # A remote account's values are HTML already (sanitized when received).
                "value": render_inline(f["value"]) if account.domain is None else f["value"],
                "verified_at": f.get("verified_at"),
            }
            for f in account.fields or []
        ],
    }
