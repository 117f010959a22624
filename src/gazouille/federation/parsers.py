"""ActivityStreams documents from other servers → the domains' plain values (``RemoteActor``,
``RemoteNote``). Everything is treated as hostile: HTML is sanitized to Mastodon's subset,
names become plain text, URLs must be http(s), lengths are capped, and a document that
lacks what we need raises ``ParseError`` with the reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape
from typing import Any

from gazouille.activitypub.sanitize import html_to_text, sanitize_html
from gazouille.activitypub.vocab import as_list, host_of, id_of, is_public_address
from gazouille.domains.accounts.remote import RemoteActor
from gazouille.domains.statuses.remote import RemoteMedia, RemoteNote, RemotePoll
from gazouille.federation.links import first_plain_link

ACTOR_TYPES = ("Person", "Service", "Group", "Application", "Organization")
NOTE_TYPES = ("Note", "Question", "Article", "Page", "Image", "Video", "Audio", "Event")
MAX_CONTENT = 100_000
MAX_NAME = 100
MAX_SUMMARY = 5_000
MAX_TAGS = 50
MAX_ATTACHMENTS = 16
MAX_FIELD = 2_000
_USERNAME = re.compile(r"[^\w.\-]", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_TAG_NAME = re.compile(r"^\w{1,100}$", re.UNICODE)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class ParseError(ValueError):
    """The document cannot be used; str(exc) says why."""


def http_url(value: Any) -> str | None:
    """An absolute http(s) URL of reasonable length, or None."""
    if not isinstance(value, str) or len(value) > 2048:
        return None
    if not value.lower().startswith(("https://", "http://")) or not host_of(value):
        return None
    return value


def first_url(value: Any, *, prefer_html: bool = True) -> str | None:
    """``url`` values come as a string, a Link (``href``, ``mediaType``) or a list of them;
    the first http(s) one, an HTML page first when there is one."""
    candidates: list[tuple[bool, str]] = []
    for item in as_list(value):
        url: Any
        if isinstance(item, str):
            url, media_type = item, None
        elif isinstance(item, dict):
            url, media_type = item.get("href") or item.get("url"), item.get("mediaType")
            if isinstance(url, (list, dict)):
                url = first_url(url, prefer_html=prefer_html)
        else:
            continue
        checked = http_url(url)
        if checked:
            candidates.append((media_type == "text/html", checked))
    if not candidates:
        return None
    if prefer_html:
        candidates.sort(key=lambda c: not c[0])
    return candidates[0][1]


def plain(value: Any, limit: int, *, markup: bool = False) -> str:
    """Plain text without control characters. Names are plain text in ActivityStreams (what
    looks like a tag in one is text, escaped when shown); ``markup`` values (a content
    warning, a report's comment) may hold HTML, reduced to its text."""
    if not isinstance(value, str):
        return ""
    text = html_to_text(value) if markup and "<" in value else value
    return _CONTROL.sub("", text).strip()[:limit]


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _types(doc: dict[str, Any]) -> list[str]:
    return [t for t in as_list(doc.get("type")) if isinstance(t, str)]


def type_of(doc: Any) -> str:
    """The first type of an object ("" for a bare reference)."""
    if not isinstance(doc, dict):
        return ""
    types = _types(doc)
    return types[0] if types else ""


def is_actor(doc: Any) -> bool:
    return isinstance(doc, dict) and any(t in ACTOR_TYPES for t in _types(doc))


def _public_key(doc: dict[str, Any], actor_id: str) -> tuple[str | None, str | None]:
    for key in as_list(doc.get("publicKey")):
        if not isinstance(key, dict):
            continue
        pem, key_id = key.get("publicKeyPem"), key.get("id")
        owner = id_of(key.get("owner")) or actor_id
        if isinstance(pem, str) and isinstance(key_id, str) and owner == actor_id:
            return pem.strip()[:8192], key_id[:2048]
    return None, None


def _fields(doc: dict[str, Any]) -> list[dict[str, str]]:
    fields = []
    for item in as_list(doc.get("attachment")):
        if isinstance(item, dict) and type_of(item) == "PropertyValue":
            name = plain(item.get("name"), 255)
            value = item.get("value")
            if name and isinstance(value, str):
                fields.append({"name": name, "value": sanitize_html(value[:MAX_FIELD])})
    return fields[:16]


def _image(value: Any) -> str | None:
    for item in as_list(value):
        url = first_url(item.get("url"), prefer_html=False) if isinstance(item, dict) else None
        url = url or (http_url(item) if isinstance(item, str) else None)
        if url:
            return url
    return None


def parse_actor(doc: dict[str, Any]) -> RemoteActor:
    actor_id = http_url(doc.get("id"))
    if actor_id is None:
        raise ParseError("actor without an http(s) id")
    kind = next((t for t in _types(doc) if t in ACTOR_TYPES), None)
    if kind is None:
        raise ParseError(f"not an actor type: {doc.get('type')!r}")
    username = _USERNAME.sub("", str(doc.get("preferredUsername") or ""))[:64]
    if not username:
        raise ParseError("actor without preferredUsername")
    inbox = http_url(doc.get("inbox"))
    if inbox is None:
        raise ParseError("actor without an inbox")
    raw_endpoints = doc.get("endpoints")
    endpoints: dict[str, Any] = raw_endpoints if isinstance(raw_endpoints, dict) else {}
    pem, key_id = _public_key(doc, actor_id)
    moved = doc.get("movedTo")
    return RemoteActor(
        uri=actor_id,
        username=username,
        domain=host_of(actor_id),
        actor_type=kind,
        display_name=plain(doc.get("name"), MAX_NAME),
        note=sanitize_html(str(doc.get("summary") or "")[:MAX_SUMMARY]),
        fields=_fields(doc),
        locked=_flag(doc.get("manuallyApprovesFollowers")),
        bot=kind in ("Service", "Application"),
        group=kind == "Group",
        discoverable=_flag(doc.get("discoverable")),
        indexable=_flag(doc.get("indexable")),
        url=first_url(doc.get("url")) or actor_id,
        inbox_url=inbox,
        shared_inbox_url=http_url(endpoints.get("sharedInbox")),
        outbox_url=http_url(id_of(doc.get("outbox"))),
        followers_url=http_url(id_of(doc.get("followers"))),
        following_url=http_url(id_of(doc.get("following"))),
        featured_url=http_url(id_of(doc.get("featured"))),
        featured_tags_url=http_url(id_of(doc.get("featuredTags"))),
        avatar_url=_image(doc.get("icon")),
        header_url=_image(doc.get("image")),
        public_key=pem,
        key_id=key_id,
        also_known_as=[
            u for u in (http_url(id_of(a)) for a in as_list(doc.get("alsoKnownAs"))) if u
        ],
        moved_to_uri=http_url(id_of(moved)),
        published=parse_time(doc.get("published")),
    )


def addresses(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    to = [a for a in (id_of(v) for v in as_list(doc.get("to"))) if a]
    cc = [a for a in (id_of(v) for v in as_list(doc.get("cc"))) if a]
    return to, cc


def visibility(to: list[str], cc: list[str], followers_url: str | None, author_uri: str) -> str:
    """Mastodon's reading of the addressing: the public collection in ``to`` is public, in
    ``cc`` unlisted; the author's followers collection is followers-only; otherwise only the
    addressed (mentioned) accounts: direct."""
    if any(is_public_address(a) for a in to):
        return "public"
    if any(is_public_address(a) for a in cc):
        return "unlisted"
    followers = {followers_url, f"{author_uri}/followers"} - {None}
    if any(a in followers for a in to + cc):
        return "private"
    return "direct"


def _language(doc: dict[str, Any]) -> str | None:
    content_map = doc.get("contentMap")
    if isinstance(content_map, dict):
        for key in content_map:
            if isinstance(key, str) and _LANGUAGE.match(key) and len(key) <= 16:
                return key.lower()
    return None


def _content(doc: dict[str, Any], kind: str) -> str:
    raw = doc.get("content")
    if not isinstance(raw, str):
        content_map = doc.get("contentMap")
        values = list(content_map.values()) if isinstance(content_map, dict) else []
        raw = next((v for v in values if isinstance(v, str)), "")
    html = raw[:MAX_CONTENT]
    if kind not in ("Note", "Question"):
        # As Mastodon: other object types are shown as best we can, with a link to them.
        title = plain(doc.get("name"), 500)
        if not html and title:
            html = f"<p>{escape(title)}</p>"
        url = first_url(doc.get("url")) or http_url(doc.get("id"))
        if url:
            html += f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
    return sanitize_html(html)


def _tags(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    mentions: list[str] = []
    hashtags: list[str] = []
    for item in as_list(doc.get("tag"))[: MAX_TAGS * 2]:
        if not isinstance(item, dict):
            continue
        kind = type_of(item)
        if kind == "Mention":
            href = http_url(item.get("href")) or http_url(item.get("id"))
            if href and href not in mentions:
                mentions.append(href)
        elif kind == "Hashtag":
            name = str(item.get("name") or "").strip().lstrip("#")
            if _TAG_NAME.match(name) and name not in hashtags:
                hashtags.append(name)
    return mentions[:MAX_TAGS], hashtags[:MAX_TAGS]


def _media_type(mime: str | None, declared: str) -> str:
    major = (mime or "").split("/", 1)[0].lower()
    if major in ("image", "video", "audio"):
        return major
    return {"Image": "image", "Video": "video", "Audio": "audio"}.get(declared, "unknown")


def _attachments(doc: dict[str, Any]) -> list[RemoteMedia]:
    found = []
    for item in as_list(doc.get("attachment"))[:MAX_ATTACHMENTS]:
        if not isinstance(item, dict) or type_of(item) == "PropertyValue":
            continue
        url = first_url(item.get("url"), prefer_html=False) or http_url(item.get("href"))
        if url is None:
            continue
        mime = item.get("mediaType") if isinstance(item.get("mediaType"), str) else None
        focus = item.get("focalPoint")
        point = None
        if isinstance(focus, list) and len(focus) == 2:
            try:
                x, y = float(focus[0]), float(focus[1])
                point = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))
            except (TypeError, ValueError):
                point = None
        width, height = item.get("width"), item.get("height")
        found.append(
            RemoteMedia(
                url=url,
                type=_media_type(mime, type_of(item)),
                content_type=mime[:100] if mime else None,
                description=plain(item.get("name") or item.get("summary"), 1500) or None,
                blurhash=str(item["blurhash"])[:100]
                if isinstance(item.get("blurhash"), str)
                else None,
                focus=point,
                width=width if isinstance(width, int) and 0 < width < 100_000 else None,
                height=height if isinstance(height, int) and 0 < height < 100_000 else None,
            )
        )
    return found


def _poll(doc: dict[str, Any]) -> RemotePoll | None:
    multiple = "anyOf" in doc
    choices = as_list(doc.get("anyOf") if multiple else doc.get("oneOf"))
    options, tallies = [], []
    for choice in choices[:20]:
        if not isinstance(choice, dict):
            continue
        title = plain(choice.get("name"), 200)
        if not title:
            continue
        replies = choice.get("replies")
        count = replies.get("totalItems") if isinstance(replies, dict) else 0
        options.append(title)
        tallies.append(count if isinstance(count, int) and count >= 0 else 0)
    if not options:
        return None
    voters = doc.get("votersCount")
    return RemotePoll(
        options=options,
        tallies=tallies,
        multiple=multiple,
        expires_at=parse_time(doc.get("endTime")) or parse_time(doc.get("closed")),
        voters_count=voters if isinstance(voters, int) and voters >= 0 else None,
    )


def _quote(doc: dict[str, Any]) -> str | None:
    for key in ("quote", "quoteUrl", "quoteUri", "_misskey_quote"):
        found = http_url(id_of(doc.get(key)))
        if found:
            return found
    return None


def parse_note(doc: dict[str, Any], author_uri: str, followers_url: str | None) -> RemoteNote:
    """A status from a Note (or Question, or another object shown as best we can). The
    caller has checked that ``author_uri`` wrote it."""
    note_id = http_url(doc.get("id"))
    if note_id is None:
        raise ParseError("object without an http(s) id")
    kind = type_of(doc)
    if kind not in NOTE_TYPES:
        raise ParseError(f"unsupported object type {kind!r}")
    if host_of(note_id) != host_of(author_uri):
        raise ParseError("object id is not on its author's server")
    to, cc = addresses(doc)
    mentions, hashtags = _tags(doc)
    raw_content = doc.get("content") if isinstance(doc.get("content"), str) else ""
    summary = doc.get("summary") if kind in ("Note", "Question") else ""
    summary = plain(summary, MAX_SUMMARY, markup=True)
    url = first_url(doc.get("url"))
    return RemoteNote(
        uri=note_id,
        # Only a page on the post's own server: search finds posts by their URL.
        url=url if url and host_of(url) == host_of(note_id) else note_id,
        content=_content(doc, kind),
        spoiler_text=summary,
        sensitive=_flag(doc.get("sensitive")),
        visibility=visibility(to, cc, followers_url, author_uri),
        language=_language(doc),
        published=parse_time(doc.get("published")),
        updated=parse_time(doc.get("updated")),
        in_reply_to_uri=http_url(id_of(doc.get("inReplyTo"))),
        mention_uris=mentions,
        tags=hashtags,
        media=_attachments(doc),
        poll=_poll(doc) if kind == "Question" else None,
        quote_uri=_quote(doc),
        card_url=first_plain_link(str(raw_content)[:MAX_CONTENT], set(mentions)),
    )


def attributed_to(doc: dict[str, Any]) -> str | None:
    """The author of an object: ``attributedTo`` (the first actor when it is a list)."""
    for item in as_list(doc.get("attributedTo")):
        found = id_of(item)
        if found and (not isinstance(item, dict) or is_actor(item) or "type" not in item):
            return found
    return None


def poll_vote(doc: dict[str, Any]) -> tuple[str, str] | None:
    """A vote on a poll arrives as a Note with a ``name`` (the option) replying to the
    Question: (question URI, option title). Only the caller can tell (is the reply to one
    of our polls, is the name one of its options?)."""
    if type_of(doc) != "Note" or not isinstance(doc.get("name"), str):
        return None
    question = http_url(id_of(doc.get("inReplyTo")))
    name = plain(doc.get("name"), 200)
    return (question, name) if question and name else None
