"""Local objects → ActivityStreams 2.0 documents, in the Mastodon dialect: actors (and the
instance actor), notes and questions, tombstones, collections. Pure functions over rows the
caller loaded (see ``objects.py``); activities wrapping them are in ``activities.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gazouille.activitypub.vocab import AS_PUBLIC, CONTEXT
from gazouille.core import clock, urls
from gazouille.core.storage import content_type_of, public_url
from gazouille.core.text import render_inline
from gazouille.models import Account, MediaAttachment, Poll, Status, Tag


def ts(value: datetime | None) -> str | None:
    """xsd:dateTime in UTC, to the second, as Mastodon writes it."""
    return None if value is None else clock.as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_context(document: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, **document}


# Actors


def followers_uri(account: Account) -> str:
    return account.followers_url or f"{account.uri}/followers"


def following_uri(account: Account) -> str:
    return account.following_url or f"{account.uri}/following"


def outbox_uri(account: Account) -> str:
    return account.outbox_url or f"{account.uri}/outbox"


def featured_uri(account: Account) -> str:
    return account.featured_url or f"{account.uri}/collections/featured"


def featured_tags_uri(account: Account) -> str:
    return account.featured_tags_url or f"{account.uri}/collections/tags"


def shared_inbox_uri() -> str:
    return f"{urls.base()}/inbox"


def actor_type(account: Account) -> str:
    if account.group:
        return "Group"
    if account.bot:
        return "Service"
    return account.actor_type if account.actor_type in ("Person", "Organization") else "Person"


def _image(key: str | None) -> dict[str, Any] | None:
    url = public_url(key)
    if url is None or key is None:
        return None
    return {"type": "Image", "mediaType": content_type_of(key), "url": url}


def actor(
    account: Account, public_key_pem: str, *, moved_to_uri: str | None = None
) -> dict[str, Any]:
    """A local account's actor document."""
    created = clock.as_utc(account.created_at).replace(hour=0, minute=0, second=0, microsecond=0)
    document: dict[str, Any] = {
        "id": account.uri,
        "type": actor_type(account),
        "following": following_uri(account),
        "followers": followers_uri(account),
        "inbox": f"{account.uri}/inbox",
        "outbox": outbox_uri(account),
        "featured": featured_uri(account),
        "featuredTags": featured_tags_uri(account),
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": account.note,
        "url": account.url or urls.account_url(account.username),
        "manuallyApprovesFollowers": account.locked,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "published": ts(created),
        "memorial": False,
        "publicKey": {
            "id": f"{account.uri}#main-key",
            "owner": account.uri,
            "publicKeyPem": public_key_pem,
        },
        "tag": [],
        "attachment": [
            {"type": "PropertyValue", "name": f["name"], "value": render_inline(f["value"])}
            for f in account.fields or []
        ],
        "endpoints": {"sharedInbox": shared_inbox_uri()},
    }
    icon = _image(account.avatar_key)
    if icon is not None:
        document["icon"] = icon
    image = _image(account.header_key)
    if image is not None:
        document["image"] = image
    if account.also_known_as:
        document["alsoKnownAs"] = list(account.also_known_as)
    if moved_to_uri:
        document["movedTo"] = moved_to_uri
    return with_context(document)


def instance_actor(public_key_pem: str) -> dict[str, Any]:
    """The server's own actor: it signs fetches, follows nobody and posts nothing."""
    uri = f"{urls.base()}/actor"
    return with_context(
        {
            "id": uri,
            "type": "Application",
            "inbox": shared_inbox_uri(),
            "outbox": f"{uri}/outbox",
            "preferredUsername": urls.local_domain(),
            "url": f"{urls.base()}/about",
            "manuallyApprovesFollowers": True,
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": public_key_pem},
            "endpoints": {"sharedInbox": shared_inbox_uri()},
        }
    )


# Notes


@dataclass
class NoteContext:
    """What a status's note needs besides the row: loaded in batches by ``objects.py``."""

    author: Account
    mentions: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    media: list[MediaAttachment] = field(default_factory=list)
    poll: Poll | None = None
    in_reply_to_uri: str | None = None
    quote_uri: str | None = None


def mention_name(account: Account) -> str:
    domain = account.domain or urls.local_domain()
    return f"@{account.username}@{domain}"


def addressing(
    visibility: str, author: Account, mentioned: list[str]
) -> tuple[list[str], list[str]]:
    """``to`` and ``cc`` of a post or an activity about it, by visibility."""
    followers = followers_uri(author)
    if visibility == "public":
        return [AS_PUBLIC], [followers, *mentioned]
    if visibility == "unlisted":
        return [followers], [AS_PUBLIC, *mentioned]
    if visibility == "private":
        return [followers], list(mentioned)
    return list(mentioned), []


def _document(media: MediaAttachment) -> dict[str, Any] | None:
    url = public_url(media.file_key) if media.state == "done" else None
    url = url or media.remote_url
    if url is None:
        return None
    original = (media.meta or {}).get("original") or {}
    document: dict[str, Any] = {
        "type": "Document",
        "mediaType": media.content_type
        or (content_type_of(media.file_key) if media.file_key else None),
        "url": url,
        "name": media.description or None,
        "blurhash": media.blurhash,
    }
    if media.type in ("image", "gifv", "video"):
        document["focalPoint"] = [media.focus_x, media.focus_y]
    if isinstance(original, dict):
        for key in ("width", "height"):
            if isinstance(original.get(key), int):
                document[key] = original[key]
    return document


def _tags(context: NoteContext) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"type": "Mention", "href": a.uri, "name": mention_name(a)} for a in context.mentions
    ]
    found += [
        {"type": "Hashtag", "href": urls.tag_url(t.name), "name": f"#{t.name}"}
        for t in context.tags
    ]
    return found


def _question(poll: Poll, note: dict[str, Any]) -> None:
    tallies = list(poll.cached_tallies or [])
    tallies += [0] * (len(poll.options) - len(tallies))
    note["type"] = "Question"
    note["oneOf" if not poll.multiple else "anyOf"] = [
        {
            "type": "Note",
            "name": title,
            "replies": {"type": "Collection", "totalItems": max(tallies[i], 0)},
        }
        for i, title in enumerate(poll.options)
    ]
    note["endTime"] = ts(poll.expires_at)
    note["votersCount"] = max(poll.voters_count, 0)
    if poll.expires_at is not None and poll.expires_at <= clock.now():
        note["closed"] = ts(poll.expires_at)


def note(status: Status, context: NoteContext) -> dict[str, Any]:
    """A local status as a Note (a Question when it has a poll), without @context."""
    author = context.author
    to, cc = addressing(status.visibility, author, [a.uri for a in context.mentions])
    document: dict[str, Any] = {
        "id": status.uri,
        "type": "Note",
        "summary": status.spoiler_text or None,
        "inReplyTo": context.in_reply_to_uri,
        "published": ts(status.created_at),
        "url": status.url or urls.status_url(author.username, status.id),
        "attributedTo": author.uri,
        "to": to,
        "cc": cc,
        "sensitive": status.sensitive,
        "content": status.content,
        "tag": _tags(context),
        "attachment": [d for d in (_document(m) for m in context.media) if d is not None],
        "replies": {
            "id": f"{status.uri}/replies",
            "type": "Collection",
            "first": {
                "type": "CollectionPage",
                "next": f"{status.uri}/replies?page=true",
                "partOf": f"{status.uri}/replies",
                "items": [],
            },
        },
    }
    if status.language:
        document["contentMap"] = {status.language: status.content}
    if status.edited_at is not None:
        document["updated"] = ts(status.edited_at)
    if context.quote_uri:
        document["quoteUri"] = context.quote_uri
    if context.poll is not None:
        _question(context.poll, document)
    return document


def tombstone(uri: str) -> dict[str, Any]:
    return {"id": uri, "type": "Tombstone"}


# Collections


def ordered_collection(
    uri: str,
    total: int | None,
    *,
    first: str | dict[str, Any] | None = None,
    last: str | None = None,
    items: list[Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {"id": uri, "type": "OrderedCollection"}
    if total is not None:
        document["totalItems"] = max(total, 0)
    if first is not None:
        document["first"] = first
    if last is not None:
        document["last"] = last
    if items is not None:
        document["orderedItems"] = items
    return with_context(document)


def ordered_page(
    uri: str,
    part_of: str,
    items: list[Any],
    *,
    next_uri: str | None = None,
    prev_uri: str | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {"id": uri, "type": "OrderedCollectionPage", "partOf": part_of}
    if total is not None:
        document["totalItems"] = max(total, 0)
    if next_uri:
        document["next"] = next_uri
    if prev_uri:
        document["prev"] = prev_uri
    document["orderedItems"] = items
    return with_context(document)


def hashtag(tag: Tag) -> dict[str, Any]:
    return {"type": "Hashtag", "href": urls.tag_url(tag.name), "name": f"#{tag.name}"}
