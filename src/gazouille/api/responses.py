"""JSON responses as Mastodon clients expect them, and the Link header of paginated lists."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gazouille.core import urls


class JSON(Response):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error(status: int, message: str, **extra: Any) -> JSON:
    return JSON({"error": message, **extra}, status_code=status)


def link_header(request: Request, next_max_id: int | None, prev_min_id: int | None) -> str | None:
    """``<…?max_id=X>; rel="next", <…?min_id=Y>; rel="prev"``, keeping the other parameters
    and using the public URL (clients follow these links as they are)."""
    keep = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("max_id", "min_id", "since_id")
    ]
    # ``request.url.path`` without building the whole URL (as Starlette escapes it).
    path = request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    base = urls.base() + path
    links = []
    if next_max_id is not None:
        links.append(f'<{base}?{urlencode([*keep, ("max_id", str(next_max_id))])}>; rel="next"')
    if prev_min_id is not None:
        links.append(f'<{base}?{urlencode([*keep, ("min_id", str(prev_min_id))])}>; rel="prev"')
    return ", ".join(links) or None


def paged(request: Request, items: list[Any], cursors: list[int]) -> JSON:
    """A list response with its Link header; ``cursors`` are the pagination ids of ``items``
    (the items' own ids, or the ids of the rows that link them, for followers and the like)."""
    header = link_header(request, min(cursors), max(cursors)) if cursors else None
    return JSON(items, headers={"Link": header} if header else None)
