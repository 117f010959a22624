"""The Filter and FilterResult entities as a Status carries them in ``filtered``."""

from __future__ import annotations

from typing import Any

from gazouille.core.clock import iso
from gazouille.domains.filters.matching import FilterMatch
from gazouille.models import Filter


def filter_json(row: Filter) -> dict[str, Any]:
    """Without keywords and statuses: Mastodon leaves them out of a FilterResult."""
    return {
        "id": str(row.id),
        "title": row.title,
        "context": list(row.context or []),
        "expires_at": iso(row.expires_at),
        "filter_action": row.action,
    }


def filter_result_json(found: FilterMatch) -> dict[str, Any]:
    return {
        "filter": filter_json(found.filter),
        "keyword_matches": found.keyword_matches,
        "status_matches": [str(i) for i in found.status_matches] if found.status_matches else None,
    }
