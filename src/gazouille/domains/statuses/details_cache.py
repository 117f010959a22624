"""What a status mentions and which hashtags it carries, kept in process memory so that a
page of statuses already seen costs neither query (see docs/performance.md).

Mentions and tags are written with the status's text (``composition.sync_mentions`` and
``sync_tags``, on creation and on each edit, local or remote), and the text is written
with them. An entry is therefore used only while the row read in the same request still
has the content and ``edited_at`` the entry was made from: an edit, even from a remote
server that sends no ``updated`` date, changes the content, and a deleted status is never
read. Nothing needs invalidating, and several server processes stay correct with their
own caches. The mentioned accounts themselves are not cached here (their rows are read
with the page), and a tag's name never changes once created.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gazouille.models import Status, Tag

LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Details:
    edited_at: datetime | None
    content: str
    mention_ids: tuple[int, ...]
    tags: tuple[Tag, ...]


_entries: dict[int, Details] = {}


def lookup(status: Status) -> Details | None:
    entry = _entries.get(status.id)
    if entry is None or entry.edited_at != status.edited_at or entry.content != status.content:
        return None
    return entry


def store(status: Status, mention_ids: Sequence[int], tags: Sequence[Tag]) -> None:
    if len(_entries) >= LIMIT:
        # Oldest first: dicts keep insertion order.
        for key in list(_entries)[: LIMIT // 10]:
            del _entries[key]
    # Copies that belong to no session: a rollback of the session that loaded a tag would
    # expire it, and a later request could not read it any more.
    copies = tuple(
        Tag(id=t.id, name=t.name, name_key=t.name_key, created_at=t.created_at) for t in tags
    )
    _entries[status.id] = Details(status.edited_at, status.content, tuple(mention_ids), copies)


def clear() -> None:
    _entries.clear()
