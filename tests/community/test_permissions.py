from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community import permissions as p
from community.models.communities import JoinPolicy, MembershipStatus, Role, Visibility
from community.selectors import get_community_context
from tests.factories import (
    CommunityFactory,
    MemberFactory,
    MembershipFactory,
    UserFactory,
    with_charter,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("visibility", "anonymous_sees", "anonymous_reads"),
    [
        (Visibility.PUBLIC, True, True),
        (Visibility.MEMBERS, True, False),
        (Visibility.INVITATION, False, False),
    ],
)
def test_visibility_for_outsiders_and_members(
    visibility: str, anonymous_sees: bool, anonymous_reads: bool
) -> None:
    community = CommunityFactory(visibility=visibility)
    outsider = get_community_context(AnonymousUser(), community)
    assert (p.can_see_community(outsider), p.can_read_community(outsider)) == (
        anonymous_sees,
        anonymous_reads,
    )
    insider = get_community_context(MembershipFactory(community=community).member.user, community)
    assert (p.can_see_community(insider), p.can_read_community(insider)) == (True, True)


def test_a_pending_request_sees_an_invitation_community_but_cannot_read_it() -> None:
    community = CommunityFactory(visibility=Visibility.INVITATION)
    requested = MembershipFactory(community=community, status=MembershipStatus.REQUESTED)
    ctx = get_community_context(requested.member.user, community)
    assert p.can_see_community(ctx) is True
    assert p.can_read_community(ctx) is False


def test_platform_admin_sees_and_animates_everything() -> None:
    community = CommunityFactory(visibility=Visibility.INVITATION)
    admin = UserFactory(is_superuser=True, is_staff=True)
    MemberFactory(user=admin)
    ctx = get_community_context(admin, community)
    assert p.can_see_community(ctx) and p.can_read_community(ctx) and p.can_animate(ctx)


@pytest.mark.parametrize(
    ("role", "animate", "dashboard"),
    [
        (Role.MEMBER, False, False),
        (Role.AMBASSADOR, False, False),
        (Role.MANAGER, False, True),
        (Role.ANIMATOR, True, True),
    ],
)
def test_roles(role: str, animate: bool, dashboard: bool) -> None:
    membership = MembershipFactory(role=role)
    ctx = get_community_context(membership.member.user, membership.community)
    assert (p.can_animate(ctx), p.can_view_dashboard(ctx)) == (animate, dashboard)


def test_national_roles_carry_over_to_chapters_but_not_back() -> None:
    national = CommunityFactory()
    chapter = CommunityFactory(parent=national)
    animator = MembershipFactory(community=national, role=Role.ANIMATOR).member
    local_animator = MembershipFactory(community=chapter, role=Role.ANIMATOR).member
    assert p.can_animate(get_community_context(animator.user, chapter)) is True
    assert p.can_animate(get_community_context(local_animator.user, national)) is False


def test_an_inactive_role_counts_for_nothing() -> None:
    membership = MembershipFactory(role=Role.ANIMATOR, status=MembershipStatus.LEFT)
    ctx = get_community_context(membership.member.user, membership.community)
    assert p.can_animate(ctx) is False


def test_contribution_is_blocked_for_each_reason_in_order() -> None:
    community = CommunityFactory()
    with_charter(community)
    assert (
        p.contribution_blocked(get_community_context(AnonymousUser(), community))
        == p.Blocked.ANONYMOUS
    )
    outsider = MemberFactory()
    assert (
        p.contribution_blocked(get_community_context(outsider.user, community))
        == p.Blocked.NOT_MEMBER
    )
    membership = MembershipFactory(community=community, accepted_charter_version=0)
    ctx = get_community_context(membership.member.user, community)
    assert p.contribution_blocked(ctx) == p.Blocked.CHARTER
    membership.accepted_charter_version = 1
    membership.silenced_until = timezone.now() + timezone.timedelta(days=1)
    membership.save()
    assert (
        p.contribution_blocked(get_community_context(membership.member.user, community))
        == p.Blocked.SILENCED
    )
    member = membership.member
    member.suspended_until = timezone.now() + timezone.timedelta(days=1)
    member.save()
    assert (
        p.contribution_blocked(get_community_context(member.user, community)) == p.Blocked.SUSPENDED
    )


def test_an_expired_silence_no_longer_blocks() -> None:
    membership = MembershipFactory(silenced_until=timezone.now() - timezone.timedelta(minutes=1))
    assert (
        p.can_contribute(get_community_context(membership.member.user, membership.community))
        is True
    )


@pytest.mark.parametrize(
    ("policy", "status", "join", "ask"),
    [
        (JoinPolicy.OPEN, None, True, False),
        (JoinPolicy.REQUEST, None, False, True),
        (JoinPolicy.REQUEST, MembershipStatus.REQUESTED, False, False),
        (JoinPolicy.REQUEST, MembershipStatus.DECLINED, False, True),
        (JoinPolicy.INVITE, None, False, False),
        (JoinPolicy.OPEN, MembershipStatus.BANNED, False, False),
        (JoinPolicy.OPEN, MembershipStatus.ACTIVE, False, False),
        (JoinPolicy.OPEN, MembershipStatus.LEFT, True, False),
    ],
)
def test_join_and_request(policy: str, status: str | None, join: bool, ask: bool) -> None:
    community = CommunityFactory(join_policy=policy)
    member = MemberFactory()
    if status:
        MembershipFactory(community=community, member=member, status=status)
    ctx = get_community_context(member.user, community)
    assert (p.can_join(ctx), p.can_request_to_join(ctx)) == (join, ask)


def test_only_the_owner_edits_a_profile() -> None:
    alice, bob = MemberFactory(), MemberFactory()
    assert p.can_edit_profile(alice.user, alice) is True
    assert p.can_edit_profile(bob.user, alice) is False
    assert p.can_edit_profile(AnonymousUser(), alice) is False
