"""Mastodon JSON for the social layer: lists, muted accounts, familiar followers, reports,
conversations and filters."""

from __future__ import annotations

from typing import Any

from gazouille.api.filter_json import filter_json
from gazouille.api.serializers import account_json, status_json
from gazouille.core.clock import iso
from gazouille.domains.conversations.service import ConversationView
from gazouille.domains.filters.service import FilterView
from gazouille.domains.relationships.mutes import MutedAccount
from gazouille.models import Account, Filter, FilterKeyword, FilterStatus, List, Report, User


def list_json(row: List) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "title": row.title,
        "replies_policy": row.replies_policy,
        "exclusive": row.exclusive,
    }


def muted_account_json(muted: MutedAccount) -> dict[str, Any]:
    data = account_json(muted.account)
    data["mute_expires_at"] = iso(muted.expires_at)
    return data


def familiar_followers_json(account_id: int, accounts: list[Account]) -> dict[str, Any]:
    return {"id": str(account_id), "accounts": [account_json(a) for a in accounts]}


def report_json(report: Report, target: Account) -> dict[str, Any]:
    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": iso(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": iso(report.created_at),
        "status_ids": [str(i) for i in report.status_ids or []],
        "rule_ids": [str(i) for i in report.rule_ids] if report.rule_ids else None,
        "collection_ids": None,
        "target_account": account_json(target),
    }


def conversation_json(view: ConversationView) -> dict[str, Any]:
    return {
        "id": str(view.conversation.id),
        "unread": view.conversation.unread,
        "accounts": [account_json(a) for a in view.accounts],
        "last_status": status_json(view.last_status) if view.last_status else None,
    }


def filter_keyword_json(keyword: FilterKeyword) -> dict[str, Any]:
    return {"id": str(keyword.id), "keyword": keyword.keyword, "whole_word": keyword.whole_word}


def filter_status_json(item: FilterStatus) -> dict[str, Any]:
    return {"id": str(item.id), "status_id": str(item.status_id)}


def full_filter_json(view: FilterView) -> dict[str, Any]:
    data = filter_json(view.filter)
    data["keywords"] = [filter_keyword_json(k) for k in view.keywords]
    data["statuses"] = [filter_status_json(s) for s in view.statuses]
    return data


def v1_filter_json(keyword: FilterKeyword, row: Filter) -> dict[str, Any]:
    return {
        "id": str(keyword.id),
        "phrase": keyword.keyword,
        "context": list(row.context or []),
        "whole_word": keyword.whole_word,
        "expires_at": iso(row.expires_at),
        "irreversible": row.action == "hide",
    }


def preferences_json(user: User) -> dict[str, Any]:
    return {
        "posting:default:visibility": user.default_privacy,
        "posting:default:sensitive": user.default_sensitive,
        "posting:default:language": user.default_language or None,
        "reading:expand:media": user.expand_media,
        "reading:expand:spoilers": user.expand_spoilers,
        "reading:autoplay:gifs": False,
    }
