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
from community.models.notifications import Notification, NotificationPreference

__all__ = [
    "ActivityEvent",
    "Bookmark",
    "CharterAcceptance",
    "CharterVersion",
    "Community",
    "Member",
    "Membership",
    "Notification",
    "NotificationPreference",
    "User",
]
