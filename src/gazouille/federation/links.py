"""The link a remote post's preview card is made from: the first link of its content that
is neither a mention nor a hashtag (as servers mark them: classes, ``rel="tag"``, or a
text starting with ``@`` or ``#``)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Links(HTMLParser):
    def __init__(self, skip: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = skip
        self.found: str | None = None
        self._current: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a" or self.found is not None:
            return
        values = {k: (v or "") for k, v in attrs}
        classes = values.get("class", "").split()
        rel = values.get("rel", "").split()
        href = values.get("href", "")
        tagged = "mention" in classes or "hashtag" in classes or "tag" in rel
        if tagged or href in self.skip or not href.lower().startswith(("https://", "http://")):
            self._current = None
        else:
            self._current = href
        self._text = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self._current is None or self.found is not None:
            return
        text = "".join(self._text).strip()
        if not text.startswith(("@", "#")):
            self.found = self._current
        self._current = None


def first_plain_link(html: str, mention_hrefs: set[str]) -> str | None:
    if "<a" not in html:
        return None
    parser = _Links(mention_hrefs)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; anything it still chokes on has no card
        return None
    found = parser.found
    return found if found and len(found) <= 2048 else None
