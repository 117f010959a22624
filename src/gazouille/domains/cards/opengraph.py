"""What a web page says about itself: OpenGraph, Twitter card and plain HTML metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class PageMeta:
    title: str = ""
    description: str = ""
    type: str = "link"
    image_url: str | None = None
    image_description: str = ""
    provider_name: str = ""
    author_name: str = ""
    language: str | None = None
    published_at: datetime | None = None
    width: int = 0
    height: int = 0


class _MetaCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.lang: str | None = None
        self._in_title = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and key not in self.meta and "content" in values:
                self.meta[key] = values["content"].strip()
        elif tag == "title" and not self.title:
            self._in_title = True
        elif tag == "body":
            self._done = True  # metadata lives in <head>

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and not self._done:
            self.title += data


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 0


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def parse_page(html: str, url: str) -> PageMeta:
    collector = _MetaCollector()
    try:
        collector.feed(html[:500_000])
    except Exception:  # broken HTML still gives what was read so far
        pass
    meta = collector.meta

    def first(*keys: str) -> str:
        return next((meta[k] for k in keys if meta.get(k)), "")

    image = first("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    image_url = urljoin(url, image) if image else None
    if image_url and urlsplit(image_url).scheme not in ("http", "https"):
        image_url = None
    og_type = first("og:type").lower()
    language = (first("og:locale") or collector.lang or "").replace("_", "-").split("-")[0].lower()
    return PageMeta(
        title=(first("og:title", "twitter:title") or collector.title).strip()[:500],
        description=first("og:description", "twitter:description", "description")[:1000],
        type="video" if og_type.startswith("video") else "link",
        image_url=image_url,
        image_description=first("og:image:alt", "twitter:image:alt")[:1500],
        provider_name=first("og:site_name")[:200],
        author_name=first("author", "article:author", "twitter:creator")[:200],
        language=language if language.isalpha() and len(language) <= 3 else None,
        published_at=_date(first("article:published_time", "og:published_time")),
        width=_int(first("og:image:width")),
        height=_int(first("og:image:height")),
    )
