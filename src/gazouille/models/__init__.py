"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from gazouille.models.accounts import Account, User
from gazouille.models.base import Base
from gazouille.models.content import (
    AccountConversation,
    Filter,
    FilterKeyword,
    FilterStatus,
    PreviewCard,
    Report,
    ScheduledStatus,
    StatusEdit,
    StatusSearch,
    TrendSnapshot,
)
from gazouille.models.discovery import AccountSearch, SuggestionDismissal
from gazouille.models.federation import DomainBlock, InboxActivity, Instance
from gazouille.models.feeds import FeedState, HomeFeedEntry
from gazouille.models.instance import InstanceSetting
from gazouille.models.jobs import Job
from gazouille.models.media import MediaAttachment
from gazouille.models.notifications import Notification
from gazouille.models.oauth import OAuthAccessToken, OAuthApplication, OAuthAuthorizationCode
from gazouille.models.polls import Poll, PollVote
from gazouille.models.relationships import Follow, FollowRequest
from gazouille.models.social import (
    AccountNote,
    Block,
    ConversationMute,
    Endorsement,
    FeaturedTag,
    List,
    ListAccount,
    Marker,
    Mute,
    StatusPin,
    TagFollow,
    UserDomainBlock,
)
from gazouille.models.statuses import (
    Bookmark,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
    StatusTag,
    Tag,
)
from gazouille.models.web import MailMessage, WebSession

__all__ = [
    "Account",
    "AccountConversation",
    "AccountNote",
    "AccountSearch",
    "Base",
    "Block",
    "Bookmark",
    "ConversationMute",
    "DomainBlock",
    "Endorsement",
    "Favourite",
    "FeaturedTag",
    "FeedState",
    "Filter",
    "FilterKeyword",
    "FilterStatus",
    "Follow",
    "FollowRequest",
    "HomeFeedEntry",
    "IdempotencyKey",
    "InboxActivity",
    "Instance",
    "InstanceSetting",
    "Job",
    "List",
    "ListAccount",
    "MailMessage",
    "Marker",
    "MediaAttachment",
    "Mention",
    "Mute",
    "Notification",
    "OAuthAccessToken",
    "OAuthApplication",
    "OAuthAuthorizationCode",
    "Poll",
    "PollVote",
    "PreviewCard",
    "Report",
    "ScheduledStatus",
    "Status",
    "StatusEdit",
    "StatusPin",
    "StatusSearch",
    "StatusTag",
    "SuggestionDismissal",
    "Tag",
    "TagFollow",
    "TrendSnapshot",
    "User",
    "UserDomainBlock",
    "WebSession",
]
