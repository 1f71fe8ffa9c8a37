"""Writes: every change goes through one named function here, which validates, writes,
records the activity in the same transaction, and queues side effects after commit."""

from community.services.activity import record_activity
from community.services.communities import (
    accept_charter,
    accept_invitation,
    approve_membership,
    ban_member,
    change_role,
    create_community,
    decline_membership,
    join_community,
    leave_community,
    make_invitation_token,
    publish_charter,
    read_invitation_token,
    request_membership,
)
from community.services.members import (
    create_member,
    delete_account,
    ensure_member,
    set_preferred_language,
    update_profile,
)
from community.services.notifications import (
    mark_all_notifications_read,
    mark_notification_read,
    notify,
    send_pending_notification_emails,
    set_notification_preferences,
)

__all__ = [
    "accept_charter",
    "accept_invitation",
    "approve_membership",
    "ban_member",
    "change_role",
    "create_community",
    "create_member",
    "decline_membership",
    "delete_account",
    "ensure_member",
    "join_community",
    "leave_community",
    "make_invitation_token",
    "mark_all_notifications_read",
    "mark_notification_read",
    "notify",
    "publish_charter",
    "read_invitation_token",
    "record_activity",
    "request_membership",
    "send_pending_notification_emails",
    "set_notification_preferences",
    "set_preferred_language",
    "update_profile",
]
