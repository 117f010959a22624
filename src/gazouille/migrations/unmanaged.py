"""Database objects that migrations create by hand and the models do not describe (SQLite
FTS5 tables and their shadow tables, PostgreSQL expression indexes for full-text search).
Their names start with ``fts_`` so that autogenerate and the models/migrations comparison
leave them alone."""

from __future__ import annotations

from typing import Any

UNMANAGED_PREFIX = "fts_"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (name or "").startswith(UNMANAGED_PREFIX)
