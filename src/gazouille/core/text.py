"""Plain text from users → safe HTML, with links, mentions and hashtags recognised.

Everything the user typed is HTML-escaped; only the markup we generate is emitted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

URL_RE = r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}»]"
MENTION_RE = r"(?<![\w/\\@])@(?P<user>[A-Za-z0-9_]+(?:[A-Za-z0-9_.-]+[A-Za-z0-9_])?)(?:@(?P<domain>[A-Za-z0-9.-]+[A-Za-z0-9](?::\d{1,5})?))?"  # noqa: E501
HASHTAG_RE = r"(?<![\w/&#)])#(?P<tag>\w*[^\W\d_]\w*)"
TOKEN_RE = re.compile(f"(?P<url>{URL_RE})|(?P<mention>{MENTION_RE})|(?P<hashtag>{HASHTAG_RE})")


@dataclass(frozen=True)
class MentionRef:
    username: str
    domain: str | None


@dataclass(frozen=True)
class ResolvedMention:
    url: str
    username: str


@dataclass
class Rendered:
    html: str
    mentions: list[MentionRef] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def normalize_tag(name: str) -> str:
    """The key two spellings of one hashtag share (#Été, #ete → "ete")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def extract_mentions(text: str) -> list[MentionRef]:
    found: list[MentionRef] = []
    for match in TOKEN_RE.finditer(text):
        if match.group("mention"):
            ref = MentionRef(match.group("user"), match.group("domain"))
            if ref not in found:
                found.append(ref)
    return found


def extract_tags(text: str) -> list[str]:
    tags: list[str] = []
    keys: set[str] = set()
    for match in TOKEN_RE.finditer(text):
        tag = match.group("tag")
        if tag and len(tag) <= 100 and normalize_tag(tag) not in keys:
            keys.add(normalize_tag(tag))
            tags.append(tag)
    return tags


def _link_html(url: str) -> str:
    scheme, _, rest = url.partition("://")
    shown, hidden = rest[:30], rest[30:]
    ellipsis_class = "ellipsis" if hidden else ""
    return (
        f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{escape(scheme)}://</span>'
        f'<span class="{ellipsis_class}">{escape(shown)}</span>'
        f'<span class="invisible">{escape(hidden)}</span></a>'
    )


def render_plain_text(
    text: str,
    *,
    resolve_mention: Callable[[MentionRef], ResolvedMention | None],
    tag_url: Callable[[str], str],
) -> Rendered:
    """Turn a post's text into Mastodon-style HTML paragraphs."""
    result = Rendered(html="")
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p]
    html_paragraphs = []
    for paragraph in paragraphs:
        pieces: list[str] = []
        position = 0
        for match in TOKEN_RE.finditer(paragraph):
            pieces.append(escape(paragraph[position : match.start()], quote=False))
            position = match.end()
            if match.group("url"):
                url = match.group("url")
                result.links.append(url)
                pieces.append(_link_html(url))
            elif match.group("mention"):
                ref = MentionRef(match.group("user"), match.group("domain"))
                resolved = resolve_mention(ref)
                if resolved is None:
                    pieces.append(escape(match.group(0), quote=False))
                    continue
                if ref not in result.mentions:
                    result.mentions.append(ref)
                pieces.append(
                    '<span class="h-card" translate="no">'
                    f'<a href="{escape(resolved.url)}" class="u-url mention">'
                    f"@<span>{escape(resolved.username)}</span></a></span>"
                )
            else:
                tag = match.group("tag")
                if len(tag) > 100:
                    pieces.append(escape(match.group(0), quote=False))
                    continue
                if normalize_tag(tag) not in {normalize_tag(t) for t in result.tags}:
                    result.tags.append(tag)
                pieces.append(
                    f'<a href="{escape(tag_url(tag))}" class="mention hashtag" rel="tag">'
                    f"#<span>{escape(tag)}</span></a>"
                )
        pieces.append(escape(paragraph[position:], quote=False))
        html_paragraphs.append("<p>" + "".join(pieces).replace("\n", "<br />") + "</p>")
    result.html = "".join(html_paragraphs)
    return result


def plain_text_length(text: str, *, url_weight: int = 23) -> int:
    """Characters counted against the limit, as Mastodon counts them: every URL counts as
    ``url_weight`` characters and a remote mention only by its username part."""
    length = 0
    position = 0
    for match in TOKEN_RE.finditer(text):
        length += len(text[position : match.start()])
        position = match.end()
        if match.group("url"):
            length += url_weight
        elif match.group("mention"):
            length += 1 + len(match.group("user"))
        else:
            length += len(match.group(0))
    return length + len(text[position:])


def render_inline(text: str) -> str:
    """One line of user text (a profile field value) as escaped HTML with links."""
    pieces: list[str] = []
    position = 0
    for match in re.finditer(URL_RE, text):
        pieces.append(escape(text[position : match.start()], quote=False))
        pieces.append(_link_html(match.group(0)))
        position = match.end()
    pieces.append(escape(text[position:], quote=False))
    return "".join(pieces)
