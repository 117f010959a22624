"""Accounts limited by moderation, as SQL clauses that read paths add to their own query.

A suspended account's statuses are hidden from everyone (``author_suspended``, used by the
visibility rule). A silenced ("limited") account's statuses stay out of the public and
hashtag timelines, their streams and trends, except for the viewers who follow it
(``author_limited``). Admin domain blocks set both flags (domains/federation/domain_blocks).

The subqueries go through an alias of ``Account``, so that they never correlate with an
``Account`` the outer query joins (the hashtag timeline joins the author)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased

from gazouille.models import Account, Follow, Status


def author_suspended(table: Any = Status) -> ColumnElement[bool]:
    """The status's author is suspended, or, for a reblog, the reblogged status's author."""
    author = aliased(Account)
    original = aliased(Status)
    original_author = aliased(Account)
    return or_(
        exists().where(author.id == table.account_id, author.suspended_at.is_not(None)),
        and_(
            table.reblog_of_id.is_not(None),
            exists().where(
                original.id == table.reblog_of_id,
                original_author.id == original.account_id,
                original_author.suspended_at.is_not(None),
            ),
        ),
    )


def author_limited(viewer_id: Any, table: Any = Status) -> ColumnElement[bool]:
    """Public and hashtag timelines: the author is suspended, or silenced and neither the
    viewer nor followed by the viewer."""
    author = aliased(Account)
    silenced: Any = author.silenced_at.is_not(None)
    if viewer_id is not None:
        followed = exists().where(
            Follow.account_id == viewer_id, Follow.target_account_id == author.id
        )
        silenced = and_(silenced, author.id != viewer_id, ~followed)
    return exists().where(
        author.id == table.account_id, or_(author.suspended_at.is_not(None), silenced)
    )
