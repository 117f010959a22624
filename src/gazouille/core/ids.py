"""Time-sortable 64-bit ids: milliseconds since the Unix epoch in the high bits, 16 low bits
that make ids unique within a millisecond. They sort by creation time and are exposed as
decimal strings in the API (Ice Cubes pages with the regex ``max_id=[0-9]+``)."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime

from gazouille.core import clock

_lock = threading.Lock()
_last_ms = 0
_seq = secrets.randbelow(1 << 16)


def new_id(at: datetime | None = None) -> int:
    global _last_ms, _seq
    ms = int((at or clock.now()).timestamp() * 1000)
    with _lock:
        if at is None:
            # Never go backwards within a process, even if the clock does.
            ms = max(ms, _last_ms)
        if ms == _last_ms:
            _seq = (_seq + 1) & 0xFFFF
            if _seq == 0 and at is None:
                ms += 1
        else:
            _seq = secrets.randbelow(1 << 12)
        _last_ms = max(_last_ms, ms)
        return (ms << 16) | _seq


def id_floor(at: datetime) -> int:
    """The smallest id that could have been made at ``at`` (for time-range queries)."""
    return int(at.timestamp() * 1000) << 16


def parse_id(value: object) -> int | None:
    """A client-supplied id, or None when it is not a valid id (callers answer 404)."""
    if isinstance(value, int):
        return value if 0 < value < (1 << 63) else None
    if isinstance(value, str) and value.isdigit() and len(value) <= 19:
        number = int(value)
        return number if 0 < number < (1 << 63) else None
    return None
