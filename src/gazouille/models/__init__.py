"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from gazouille.models.accounts import Account, User
from gazouille.models.base import Base
from gazouille.models.instance import InstanceSetting
from gazouille.models.jobs import Job
from gazouille.models.notifications import Notification
from gazouille.models.oauth import OAuthAccessToken, OAuthApplication, OAuthAuthorizationCode
from gazouille.models.relationships import Follow, FollowRequest
from gazouille.models.statuses import (
    Bookmark,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
    StatusTag,
    Tag,
)

__all__ = [
    "Account",
    "Base",
    "Bookmark",
    "Favourite",
    "Follow",
    "FollowRequest",
    "IdempotencyKey",
    "InstanceSetting",
    "Job",
    "Mention",
    "Notification",
    "OAuthAccessToken",
    "OAuthApplication",
    "OAuthAuthorizationCode",
    "Status",
    "StatusTag",
    "Tag",
    "User",
]
