"""Time-sortable 64-bit ids: milliseconds since the Unix epoch in the high bits, then 6 bits
that tell processes apart (random per process) and a 10-bit sequence within the millisecond.
They sort by creation time and are exposed as decimal strings in the API (Ice Cubes pages
with the regex ``max_id=[0-9]+``). Two processes clash only if they drew the same node bits
and made an id in the same millisecond with the same sequence number; the primary key then
refuses the insert loudly rather than losing a row."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime

from gazouille.core import clock

_lock = threading.Lock()
_NODE = secrets.randbelow(1 << 6) << 10
_last_ms = 0
_seq = 0


def new_id(at: datetime | None = None) -> int:
    global _last_ms, _seq
    ms = int((at or clock.now()).timestamp() * 1000)
    with _lock:
        if at is not None:
            return (ms << 16) | _NODE | secrets.randbelow(1 << 10)
        # Never go backwards within a process, even if the clock does.
        ms = max(ms, _last_ms)
        if ms == _last_ms:
            _seq += 1
            if _seq >= 1 << 10:
                ms += 1
                _seq = 0
        else:
            _seq = 0
        _last_ms = ms
        return (ms << 16) | _NODE | _seq


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
