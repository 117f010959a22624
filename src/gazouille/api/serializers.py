"""Domain objects → Mastodon entity JSON. Every documented key is present (null when
empty): strictly typed clients crash on a missing key."""

from __future__ import annotations

from typing import Any

from gazouille.api import entity_cache
from gazouille.api.entity_cache import account_json
from gazouille.api.filter_json import filter_result_json
from gazouille.core.clock import iso
from gazouille.core.storage import public_url
from gazouille.domains.polls.presenters import PollView
from gazouille.domains.relationships.service import Relationship
from gazouille.domains.scheduled.service import ScheduledView
from gazouille.domains.statuses.edits import EditView
from gazouille.domains.statuses.presenters import QuoteView, StatusView
from gazouille.models import (
    Account,
    MediaAttachment,
    Notification,
    OAuthApplication,
    PreviewCard,
    User,
)

ROLE_OWNER = {
    "id": "3",
    "name": "Owner",
    "color": "",
    "permissions": "1048575",
    "highlighted": True,
}
ROLE_MODERATOR = {
    "id": "1",
    "name": "Moderator",
    "color": "",
    "permissions": "1308",
    "highlighted": True,
}
ROLE_USER = {"id": "-99", "name": "", "color": "", "permissions": "65536", "highlighted": False}


def role_json(user: User) -> dict[str, Any]:
    return {"admin": ROLE_OWNER, "moderator": ROLE_MODERATOR}.get(user.role, ROLE_USER)


def credential_account_json(
    account: Account, user: User, follow_requests_count: int
) -> dict[str, Any]:
    data = account_json(account)
    data["source"] = {
        "privacy": user.default_privacy,
        "sensitive": user.default_sensitive,
        "language": user.default_language or "",
        "note": account.note_source,
        "fields": [
            {"name": f["name"], "value": f["value"], "verified_at": f.get("verified_at")}
            for f in account.fields or []
        ],
        "follow_requests_count": follow_requests_count,
        "hide_collections": account.hide_collections,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
    }
    data["role"] = role_json(user)
    return data


def card_json(card: PreviewCard) -> dict[str, Any]:
    """Mastodon's PreviewCard. The page's image is not copied locally yet, so ``image`` is
    null rather than a link that would leak readers' addresses to the remote site."""
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "type": card.type,
        "author_name": card.author_name,
        "author_url": card.author_url,
        "provider_name": card.provider_name,
        "provider_url": card.provider_url,
        "html": "",
        "width": card.width if card.image_key else 0,
        "height": card.height if card.image_key else 0,
        "image": None,
        "image_description": card.image_description,
        "embed_url": card.embed_url,
        "blurhash": card.blurhash,
        "published_at": iso(card.published_at),
        "authors": [],
        "language": card.language,
    }


def _status_body(view: StatusView) -> dict[str, Any]:
    status = view.status
    data = entity_cache.static_body(view)
    data["replies_count"] = max(status.replies_count, 0)
    data["reblogs_count"] = max(status.reblogs_count, 0)
    data["favourites_count"] = max(status.favourites_count, 0)
    data["quotes_count"] = max(status.quotes_count or 0, 0)
    if view.application:
        data["application"] = {"name": view.application.name, "website": view.application.website}
    data["account"] = account_json(view.account)
    if view.media:
        data["media_attachments"] = [media_json(m) for m in view.media]
    if view.quote is not None:
        data["quote"] = quote_json(view.quote)
    if view.card:
        data["card"] = card_json(view.card)
    if view.poll is not None:
        data["poll"] = poll_json(view.poll)
    for flag in ("favourited", "reblogged", "muted", "bookmarked", "pinned"):
        value = getattr(view, flag)
        if value is not None:
            data[flag] = value
    if view.favourited is not None:
        data["filtered"] = [filter_result_json(m) for m in view.filtered or []]
    return data


def media_json(media: MediaAttachment) -> dict[str, Any]:
    """MediaAttachment; ``url`` is null while the file is being processed. A remote file
    not copied here is served from its server (``url`` is its ``remote_url``)."""
    done = media.state == "done"
    url = (public_url(media.file_key) or media.remote_url) if done else None
    meta: dict[str, Any] = dict(media.meta or {})
    meta["focus"] = {"x": media.focus_x, "y": media.focus_y}
    return {
        "id": str(media.id),
        "type": media.type,
        "url": url,
        "preview_url": (public_url(media.thumbnail_key) or url) if done else None,
        "remote_url": media.remote_url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": media.description,
        "blurhash": media.blurhash,
    }


def poll_json(view: PollView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    poll = view.poll
    tallies = list(poll.cached_tallies or [])
    tallies += [0] * (len(poll.options) - len(tallies))
    return {
        "id": str(poll.id),
        "expires_at": iso(poll.expires_at),
        "expired": view.expired,
        "multiple": poll.multiple,
        "votes_count": max(poll.votes_count, 0),
        "voters_count": max(poll.voters_count, 0),
        "options": [
            {"title": title, "votes_count": tallies[i] if view.show_totals else None}
            for i, title in enumerate(poll.options)
        ],
        "emojis": [],
        "voted": view.voted,
        "own_votes": view.own_votes,
    }


def quote_json(quote: QuoteView | None) -> dict[str, Any] | None:
    """Mastodon 4.5's Quote, or a ShallowQuote for a quote inside a quoted status."""
    if quote is None:
        return None
    if quote.shallow:
        return {"state": quote.state, "quoted_status_id": str(quote.quoted_status_id)}
    return {
        "state": quote.state,
        "quoted_status": status_json(quote.status) if quote.status is not None else None,
    }


def scheduled_status_json(view: ScheduledView) -> dict[str, Any]:
    return {
        "id": str(view.row.id),
        "scheduled_at": iso(view.row.scheduled_at),
        "params": dict(view.row.params or {}),
        "media_attachments": [media_json(m) for m in view.media],
    }


def status_edit_json(view: EditView) -> dict[str, Any]:
    edit = view.edit
    return {
        "content": edit.content,
        "spoiler_text": edit.spoiler_text,
        "sensitive": edit.sensitive,
        "created_at": iso(edit.created_at),
        "account": account_json(view.account),
        "poll": (
            {"options": [{"title": t} for t in edit.poll_options]}
            if edit.poll_options is not None
            else None
        ),
        "media_attachments": [media_json(m) for m in view.media],
        "emojis": [],
        "quote": (
            {"state": "accepted", "quoted_status_id": str(view.quote_id)} if view.quote_id else None
        ),
    }


def status_json(view: StatusView) -> dict[str, Any]:
    data = _status_body(view)
    if view.reblog is not None:
        data["reblog"] = _status_body(view.reblog)
    return data


def deleted_status_json(view: StatusView) -> dict[str, Any]:
    """What DELETE answers: the status with its source text, for "delete and redraft"."""
    data = status_json(view)
    data["text"] = view.status.text
    return data


def relationship_json(rel: Relationship) -> dict[str, Any]:
    return {
        "id": str(rel.id),
        "following": rel.following,
        "showing_reblogs": rel.showing_reblogs,
        "notifying": rel.notifying,
        "languages": rel.languages,
        "followed_by": rel.followed_by,
        "blocking": rel.blocking,
        "blocked_by": rel.blocked_by,
        "muting": rel.muting,
        "muting_notifications": rel.muting_notifications,
        "muting_expires_at": iso(rel.muting_expires_at),
        "requested": rel.requested,
        "requested_by": rel.requested_by,
        "domain_blocking": rel.domain_blocking,
        "endorsed": rel.endorsed,
        "note": rel.note,
    }


def notification_json(
    notification: Notification, account: Account, status: StatusView | None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(notification.id),
        "type": notification.type,
        "created_at": iso(notification.created_at),
        "group_key": notification.group_key or f"ungrouped-{notification.id}",
        "account": account_json(account),
    }
    if status is not None:
        data["status"] = status_json(status)
    return data


def application_json(app: OAuthApplication, *, with_secret: bool) -> dict[str, Any]:
    uris = app.redirect_uris.split("\n")
    data: dict[str, Any] = {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": "",
    }
    if with_secret:
        data["client_id"] = app.client_id
        data["client_secret"] = app.client_secret
        data["client_secret_expires_at"] = 0
    return data
