"""community/ models, one module per domain; import them from here."""

from community.models.accounts import Member, User
from community.models.activity import ActivityEvent
from community.models.bookmarks import Bookmark
from community.models.communities import (
    CharterAcceptance,
    CharterVersion,
    Community,
    Membership,
)
from community.models.events import Event, EventFeedback, EventSeries, Registration
from community.models.moderation import Flag, ModerationLog, ReviewItem
from community.models.newsletters import Newsletter, NewsletterDelivery, NewsletterPreference
from community.models.notifications import Notification, NotificationPreference
from community.models.resources import Collection, CollectionItem, Resource, ResourceVote
from community.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)

__all__ = [
    "ActivityEvent",
    "Bookmark",
    "CharterAcceptance",
    "CharterVersion",
    "Collection",
    "CollectionItem",
    "Community",
    "Event",
    "EventFeedback",
    "EventSeries",
    "Flag",
    "Member",
    "Membership",
    "ModerationLog",
    "Newsletter",
    "NewsletterDelivery",
    "NewsletterPreference",
    "Notification",
    "NotificationPreference",
    "Registration",
    "Resource",
    "ResourceVote",
    "ReviewItem",
    "Survey",
    "SurveyAnswer",
    "SurveyParticipation",
    "SurveyQuestion",
    "SurveyResponse",
    "User",
]
