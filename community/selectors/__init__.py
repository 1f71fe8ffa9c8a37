"""Reads: `get_*` one thing, `list_*` many (already joined, bounded query count),
`access_*` fetch and check permission (raising 404/403)."""

from community.selectors.communities import (
    access_community,
    animated_community_ids,
    directory_facets,
    get_community_context,
    get_community_overview,
    get_pending_request,
    list_community_leaders,
    list_directory,
    list_discoverable_communities,
    list_my_memberships,
    list_pending_requests,
    list_recent_members,
    search_communities,
)
from community.selectors.members import (
    export_member_data,
    get_member_profile,
    list_member_activity,
)
from community.selectors.notifications import (
    get_notification_preferences,
    list_notifications,
)

__all__ = [
    "access_community",
    "animated_community_ids",
    "directory_facets",
    "export_member_data",
    "get_community_context",
    "get_community_overview",
    "get_member_profile",
    "get_notification_preferences",
    "get_pending_request",
    "list_community_leaders",
    "list_directory",
    "list_discoverable_communities",
    "list_member_activity",
    "list_my_memberships",
    "list_notifications",
    "list_pending_requests",
    "list_recent_members",
    "search_communities",
]
