"""Who may do what, per community.

`can_*` answer with a bool, `check_*` raise `PermissionDenied`. Both take a
`CommunityContext`: the community, the person looking, and their memberships in the
community and in its parent, fetched once by `selectors.access_community`, so that no
check runs a query. Roles in a national community carry over to its chapters for
animators and managers (they animate and read the dashboards of the whole network).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.communities import JoinPolicy, MembershipStatus, Role, Visibility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import Community, Member, Membership, User


@dataclass
class CommunityContext:
    community: Community
    user: User | AnonymousUser
    member: Member | None
    membership: Membership | None
    parent_membership: Membership | None = None

    @property
    def is_active_member(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.ACTIVE

    @property
    def role(self) -> str | None:
        return self.membership.role if self.is_active_member and self.membership else None

    def _has_role(self, *roles: str) -> bool:
        if self.is_active_member and self.membership and self.membership.role in roles:
            return True
        parent = self.parent_membership
        return bool(parent and parent.status == MembershipStatus.ACTIVE and parent.role in roles)


class Blocked(enum.StrEnum):
    """Why someone may not contribute; views turn each into the right next step."""

    ANONYMOUS = "anonymous"
    NOT_MEMBER = "not_member"
    CHARTER = "charter"
    SILENCED = "silenced"
    SUSPENDED = "suspended"


BLOCKED_MESSAGES = {
    Blocked.ANONYMOUS: _("Log in to take part."),
    Blocked.NOT_MEMBER: _("Join this community to take part."),
    Blocked.CHARTER: _("Please read and accept the community's charter first."),
    Blocked.SILENCED: _(
        "You have been silenced in this community for now: you can read, not post."
    ),
    Blocked.SUSPENDED: _("Your account is suspended."),
}


def is_platform_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_see_community(ctx: CommunityContext) -> bool:
    """May this person know the community exists (its front page)?"""
    if ctx.community.visibility != Visibility.INVITATION or is_platform_admin(ctx.user):
        return True
    return ctx.membership is not None and ctx.membership.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.REQUESTED,
    )


def can_read_community(ctx: CommunityContext) -> bool:
    """May this person read what members write (forums, directory, events)?"""
    if ctx.community.visibility == Visibility.PUBLIC:
        return True
    return ctx.is_active_member or is_platform_admin(ctx.user) or can_animate(ctx)


def contribution_blocked(ctx: CommunityContext) -> Blocked | None:
    if not ctx.user.is_authenticated or ctx.member is None:
        return Blocked.ANONYMOUS
    if ctx.member.is_suspended():
        return Blocked.SUSPENDED
    if not ctx.is_active_member or ctx.membership is None:
        return Blocked.NOT_MEMBER
    if not ctx.membership.has_accepted_charter(ctx.community):
        return Blocked.CHARTER
    if ctx.membership.is_silenced():
        return Blocked.SILENCED
    return None


def can_contribute(ctx: CommunityContext) -> bool:
    return contribution_blocked(ctx) is None


def check_can_contribute(ctx: CommunityContext) -> None:
    blocked = contribution_blocked(ctx)
    if blocked is not None:
        raise PermissionDenied(BLOCKED_MESSAGES[blocked])


def can_join(ctx: CommunityContext) -> bool:
    """May join at once (open policy)."""
    return (
        ctx.user.is_authenticated
        and ctx.community.join_policy == JoinPolicy.OPEN
        and _may_become_member(ctx)
    )


def can_request_to_join(ctx: CommunityContext) -> bool:
    return (
        ctx.user.is_authenticated
        and ctx.community.join_policy == JoinPolicy.REQUEST
        and _may_become_member(ctx)
        and not (ctx.membership and ctx.membership.status == MembershipStatus.REQUESTED)
    )


def can_accept_invitation(ctx: CommunityContext) -> bool:
    return ctx.user.is_authenticated and _may_become_member(ctx)


def _may_become_member(ctx: CommunityContext) -> bool:
    if ctx.member is None or ctx.member.is_suspended():
        return False
    if ctx.membership is None:
        return True
    return ctx.membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.BANNED)


def can_leave(ctx: CommunityContext) -> bool:
    return ctx.is_active_member


def can_animate(ctx: CommunityContext) -> bool:
    """Moderate, approve requests, invite, run events and matching rounds."""
    return is_platform_admin(ctx.user) or ctx._has_role(Role.ANIMATOR)


def check_can_animate(ctx: CommunityContext) -> None:
    if not can_animate(ctx):
        raise PermissionDenied(_("Only the community's animators can do this."))


def can_view_dashboard(ctx: CommunityContext) -> bool:
    return is_platform_admin(ctx.user) or ctx._has_role(Role.MANAGER, Role.ANIMATOR)


def check_can_view_dashboard(ctx: CommunityContext) -> None:
    if not can_view_dashboard(ctx):
        raise PermissionDenied(_("Only the community's managers and animators can see this."))


def can_edit_profile(user: User | AnonymousUser, member: Member) -> bool:
    return bool(user.is_authenticated and user.pk == member.user_id and not member.is_anonymized)


def is_member_suspended(member: Member | None) -> bool:
    return bool(member and member.suspended_until and member.suspended_until > timezone.now())
