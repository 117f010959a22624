"""Remote HTML, reduced to the subset Mastodon keeps: paragraphs, line breaks, links,
mention/hashtag microformats and simple inline and block formatting. Everything else
(scripts, styles, event handlers, frames, forms, images) goes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

TAGS = {
    "p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u",
    "ul", "ol", "li", "blockquote",
}  # fmt: skip
CLASSES = {"h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis"}
URL_SCHEMES = {"http", "https", "mailto", "xmpp", "gemini", "magnet"}
LINK_REL = "nofollow noopener noreferrer"
# Removed with their content, not just unwrapped: their text is code or noise, not prose.
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "textarea", "select", "title", "head",
}  # fmt: skip


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "class":
        kept = [c for c in value.split() if c in CLASSES]
        return " ".join(kept) if kept else None
    return value


_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes={"a": {"href", "class"}, "span": {"class"}},
    attribute_filter=_filter_attribute,
    set_tag_attribute_values={"a": {"target": "_blank"}},
    link_rel=LINK_REL,
    url_schemes=URL_SCHEMES,
    # A relative link in a remote post would point into this server.
    url_relative="deny",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Remote HTML made safe to embed in our pages and API responses."""
    if not html:
        return ""
    return _cleaner.clean(html)


_BLOCKS = {"p", "blockquote", "pre", "ul", "ol", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, <br> as a line
    break, entities decoded (for search, notifications, summaries)."""
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
