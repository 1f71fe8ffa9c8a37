from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import ActivityEvent, Member, Membership
from community.models.communities import MembershipStatus, Visibility
from community.permissions import is_platform_admin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User


def get_member_profile(
    handle: str, viewer: User | AnonymousUser
) -> tuple[Member, list[Membership]]:
    """A member and the memberships the viewer may see (public communities, or ones the
    viewer belongs to). Anonymised accounts have no profile."""
    member = (
        Member.objects.select_related("user").filter(handle=handle, is_anonymized=False).first()
    )
    if member is None:
        raise Http404(_("No such member."))
    memberships = Membership.objects.filter(
        member=member, status=MembershipStatus.ACTIVE
    ).select_related("community")
    if not is_platform_admin(viewer) and not (
        viewer.is_authenticated and viewer.pk == member.user_id
    ):
        visible = Q(community__visibility=Visibility.PUBLIC)
        if viewer.is_authenticated:
            visible |= Q(
                community__memberships__member__user=viewer,
                community__memberships__status=MembershipStatus.ACTIVE,
            )
        memberships = memberships.filter(visible).distinct()
    return member, list(memberships.order_by("community__name"))


def list_member_activity(
    member: Member, community_ids: list[int], *, limit: int = 20
) -> list[ActivityEvent]:
    """The member's recent actions in the given communities (those the viewer may see)."""
    return list(
        ActivityEvent.objects.filter(actor=member, community_id__in=community_ids)
        .select_related("community")
        .order_by("-occurred_at", "-id")[:limit]
    )


# Apps add their own parts of a member's data export here (AppConfig.ready()).
DATA_EXPORTERS: dict[str, Any] = {}


def export_member_data(member: Member) -> dict[str, Any]:
    """Everything the platform holds about a member, for their GDPR download."""
    data: dict[str, Any] = {
        "profile": {
            "email": member.user.email,
            "handle": member.handle,
            "display_name": member.display_name,
            "bio": member.bio,
            "team": member.team,
            "site": member.site,
            "languages": member.languages,
            "preferred_language": member.preferred_language,
            "timezone": member.timezone,
            "created_at": member.created_at.isoformat(),
        },
        "memberships": [
            {
                "community": m.community.slug,
                "role": m.role,
                "status": m.status,
                "joined_at": m.joined_at.isoformat() if m.joined_at else None,
                "accepted_charter_version": m.accepted_charter_version,
            }
            for m in member.memberships.select_related("community").order_by("id")
        ],
        "activity": [
            {
                "verb": e.verb,
                "community_id": e.community_id,
                "occurred_at": e.occurred_at.isoformat(),
                "payload": e.payload,
            }
            for e in ActivityEvent.objects.filter(actor=member).order_by("occurred_at", "id")[
                :50000
            ]
        ],
    }
    for name, exporter in DATA_EXPORTERS.items():
        data[name] = exporter(member)
    return data
