"""JSON from remote servers, parsed with caps on size and nesting depth."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

MAX_BYTES = 1_048_576
MAX_DEPTH = 24


class InvalidPayload(Exception):
    """The body is not an acceptable JSON object; str(exc) says why."""


def _check_depth(value: Any, max_depth: int) -> None:
    # Iterative: a recursive walk would be the very stack hazard the cap guards against.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise InvalidPayload(f"JSON nested deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)


def parse_json_capped(
    body: bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """Parse ``body`` as a JSON object. The size is checked before parsing; orjson has its own
    hard nesting limit, well above ours, so parsing cannot blow the stack, and our depth
    limit is checked on the result."""
    if len(body) > max_bytes:
        raise InvalidPayload(f"body larger than {max_bytes} bytes")
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidPayload(f"invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidPayload("JSON body is not an object")
    _check_depth(value, max_depth)
    return value
