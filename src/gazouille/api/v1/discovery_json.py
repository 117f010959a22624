"""Discovery entities as Mastodon's JSON: Tag, FeaturedTag, Trends::Link, Suggestion."""

from __future__ import annotations

from typing import Any

from gazouille.api.serializers import account_json
from gazouille.core import urls
from gazouille.core.clock import iso
from gazouille.domains.suggestions.service import Suggestion
from gazouille.domains.tags.presenters import DayUse, FeaturedTagView, TagView
from gazouille.domains.trends.service import LinkTrend

# Mastodon's legacy single ``source`` of a suggestion, from its first reason.
LEGACY_SOURCE = {
    "featured": "staff",
    "most_followed": "global",
    "most_interactions": "global",
    "similar_to_recently_followed": "past_interactions",
    "friends_of_friends": "past_interactions",
}


def history_json(days: list[DayUse]) -> list[dict[str, str]]:
    return [{"day": str(d.day), "uses": str(d.uses), "accounts": str(d.accounts)} for d in days]


def tag_json(view: TagView) -> dict[str, Any]:
    tag = view.tag
    return {
        "id": str(tag.id) if tag.id else "",
        "name": tag.name,
        "url": urls.tag_url(tag.name),
        "history": history_json(view.history),
        "following": view.following,
        "featuring": view.featuring,
    }


def featured_tag_json(view: FeaturedTagView) -> dict[str, Any]:
    account_url = view.account.url or urls.account_url(view.account.username)
    return {
        "id": str(view.featured.id),
        "name": view.tag.name,
        "url": f"{account_url}/tagged/{view.tag.name_key}",
        "statuses_count": str(view.statuses_count),
        "last_status_at": view.last_status_at.date().isoformat() if view.last_status_at else None,
    }


def link_json(link: LinkTrend) -> dict[str, Any]:
    """A trending link; until its preview card was fetched, only the URL is known."""
    card = link.card
    image = card.image_key if card and (card.image_key or "").startswith("http") else None
    return {
        "url": link.url,
        "title": card.title if card and card.title else link.url,
        "description": card.description if card else "",
        "type": card.type if card else "link",
        "author_name": card.author_name if card else "",
        "author_url": card.author_url if card else "",
        "authors": (
            [{"name": card.author_name, "url": card.author_url, "account": None}]
            if card and card.author_name
            else []
        ),
        "provider_name": card.provider_name if card else "",
        "provider_url": card.provider_url if card else "",
        "html": card.html if card else "",
        "width": card.width if card else 0,
        "height": card.height if card else 0,
        "image": image,
        "image_description": card.image_description if card else "",
        "embed_url": card.embed_url if card else "",
        "blurhash": card.blurhash if card else None,
        "published_at": iso(card.published_at) if card else None,
        "missing_attribution": None,
        "history": [
            {k: str(d.get(k, 0)) for k in ("day", "uses", "accounts")} for d in link.history
        ],
    }


def suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "source": LEGACY_SOURCE.get(suggestion.source, "global"),
        "sources": [suggestion.source],
        "account": account_json(suggestion.account),
    }
