"""The home timeline's rule, as one SQL clause over ``Status``: which statuses the home
timeline of ``viewer`` shows. ``viewer`` may be an account id or a column (the feed fan-out
applies the rule to every candidate feed in one INSERT … SELECT), so the read path, the
fan-out, the feed rebuild and the streaming all use the very same rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, true

from gazouille.domains.lists.timeline import in_exclusive_list
from gazouille.domains.relationships.exclusions import ALL, Kinds, status_hidden_from_feeds
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Follow, Status, StatusTag, TagFollow


def home_rule(viewer: Any, kinds: Kinds = ALL) -> ColumnElement[bool]:
    """Own statuses and those of followed accounts, with Mastodon's filters: replies only
    when addressed to someone the viewer follows (or to the viewer, or self-replies);
    reblogs only from follows that show them; private/direct only when visible; public
    statuses with a followed hashtag; blocks, mutes and blocked domains; members of
    exclusive lists go to their list only. ``kinds`` (read with ``exclusions.kinds_of``)
    leaves out the clauses about kinds of exclusion the viewer has none of."""

    def follows(account: Any) -> Any:
        # A probe of the (account_id, target_account_id) index per row rather than
        # ``IN (the viewer's follows)``, which SQLite builds as a list on every run: a
        # read checks some 40 candidates, and some viewers follow thousands.
        return exists().where(Follow.account_id == viewer, Follow.target_account_id == account)

    reblogs_shown = exists().where(
        Follow.account_id == viewer,
        Follow.target_account_id == Status.account_id,
        Follow.show_reblogs.is_(True),
    )
    followed_tag = exists().where(
        StatusTag.status_id == Status.id,
        StatusTag.tag_id == TagFollow.tag_id,
        TagFollow.account_id == viewer,
    )
    return and_(
        or_(
            Status.account_id == viewer,
            follows(Status.account_id),
            and_(Status.visibility == "public", followed_tag),
        ),
        visible_to(viewer),
        or_(
            Status.in_reply_to_account_id.is_(None),
            Status.in_reply_to_account_id == Status.account_id,
            Status.in_reply_to_account_id == viewer,
            Status.account_id == viewer,
            follows(Status.in_reply_to_account_id),
        ),
        or_(Status.reblog_of_id.is_(None), Status.account_id == viewer, reblogs_shown),
        ~status_hidden_from_feeds(viewer, kinds),
        or_(Status.account_id == viewer, ~in_exclusive_list(viewer))
        if kinds.exclusive_lists
        else true(),
    )
