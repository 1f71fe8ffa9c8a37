from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from community import services
from community.models import (
    ActivityEvent,
    CharterAcceptance,
    Community,
    Member,
    Membership,
    Notification,
    User,
)
from community.models.communities import JoinPolicy, MembershipStatus, Role
from community.permissions import Blocked, contribution_blocked
from community.selectors import get_community_context
from tests.factories import (
    CommunityFactory,
    MemberFactory,
    MembershipFactory,
    refresh_counts,
    with_charter,
)

pytestmark = pytest.mark.django_db


def events(verb: str) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(verb=verb).order_by("id"))


def test_join_open_community_makes_an_active_member_and_records_it() -> None:
    # given
    community = CommunityFactory(join_policy=JoinPolicy.OPEN)
    member = MemberFactory()
    # when
    membership = services.join_community(member=member, community=community)
    # then
    community.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.role == Role.MEMBER
    assert community.member_count == 1
    [event] = events("community.joined")
    assert (event.actor_id, event.community_id, event.target_id) == (
        member.pk,
        community.pk,
        membership.pk,
    )


def test_joining_twice_changes_nothing() -> None:
    community = CommunityFactory()
    member = MemberFactory()
    services.join_community(member=member, community=community)
    services.join_community(member=member, community=community)
    assert Membership.objects.filter(member=member).count() == 1
    assert len(events("community.joined")) == 1


def test_join_closed_community_is_refused_and_changes_nothing() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    member = MemberFactory()
    with pytest.raises(ValidationError):
        services.join_community(member=member, community=community)
    assert not Membership.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_banned_member_cannot_join_again() -> None:
    membership = MembershipFactory(status=MembershipStatus.BANNED)
    with pytest.raises(PermissionDenied):
        services.join_community(member=membership.member, community=membership.community)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.BANNED
    assert not ActivityEvent.objects.exists()


def test_request_notifies_animators_once_grouped() -> None:
    # given a community on request, with an animator in it and one in its parent
    parent = CommunityFactory()
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST, parent=parent)
    local = MembershipFactory(community=community, role=Role.ANIMATOR).member
    national = MembershipFactory(community=parent, role=Role.ANIMATOR).member
    # when two people ask
    first, second = MemberFactory(), MemberFactory()
    services.request_membership(member=first, community=community, message="  Hello  ")
    services.request_membership(member=second, community=community)
    # then each animator has one unread notification counting both requests
    for animator in (local, national):
        [notice] = Notification.objects.filter(recipient=animator)
        assert notice.kind == "community.join_request"
        assert notice.count == 2
        assert notice.actor_id == second.pk
        animator.refresh_from_db()
        assert animator.unread_notifications == 1
    membership = Membership.objects.get(member=first)
    assert (membership.status, membership.request_message) == (MembershipStatus.REQUESTED, "Hello")
    assert len(events("community.join_requested")) == 2


def test_approve_activates_and_tells_the_member() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
    requester = MemberFactory()
    pending = services.request_membership(member=requester, community=community)
    # when
    services.approve_membership(membership=pending, by=animator)
    # then
    pending.refresh_from_db()
    community.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE
    assert pending.joined_at is not None
    assert community.member_count == 2
    assert [e.actor_id for e in events("community.membership_approved")] == [animator.pk]
    assert [e.actor_id for e in events("community.joined")] == [requester.pk]
    [notice] = Notification.objects.filter(recipient=requester)
    assert notice.kind == "community.request_approved"
    assert notice.email_wanted is True


def test_approve_by_a_plain_member_is_refused_and_changes_nothing() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    someone = MembershipFactory(community=community).member
    pending = services.request_membership(member=MemberFactory(), community=community)
    before = ActivityEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.approve_membership(membership=pending, by=someone)
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.REQUESTED
    assert ActivityEvent.objects.count() == before


def test_parent_animator_may_approve_in_a_chapter() -> None:
    parent = CommunityFactory()
    chapter = CommunityFactory(parent=parent, join_policy=JoinPolicy.REQUEST)
    national = MembershipFactory(community=parent, role=Role.ANIMATOR).member
    pending = services.request_membership(member=MemberFactory(), community=chapter)
    services.approve_membership(membership=pending, by=national)
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE


def test_decline_keeps_the_member_out() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
    pending = services.request_membership(member=MemberFactory(), community=community)
    services.decline_membership(membership=pending, by=animator)
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.DECLINED
    with pytest.raises(ValidationError):
        services.approve_membership(membership=pending, by=animator)


def test_leave_recounts_and_removes_back_office_access() -> None:
    community = CommunityFactory()
    membership = MembershipFactory(community=community, role=Role.ANIMATOR)
    refresh_counts(community)
    assert community.member_count == 1
    services.leave_community(member=membership.member, community=community)
    community.refresh_from_db()
    membership.refresh_from_db()
    user = User.objects.get(pk=membership.member.user_id)
    assert (membership.status, membership.role) == (MembershipStatus.LEFT, Role.MEMBER)
    assert community.member_count == 0
    assert user.is_staff is False
    assert len(events("community.left")) == 1


def test_change_role_gives_and_takes_back_office_access() -> None:
    community = CommunityFactory()
    admin = MembershipFactory(community=community, role=Role.ANIMATOR).member
    membership = MembershipFactory(community=community)
    services.change_role(membership=membership, role=Role.ANIMATOR, by=admin)
    assert User.objects.get(pk=membership.member.user_id).is_staff is True
    services.change_role(membership=membership, role=Role.AMBASSADOR, by=admin)
    assert User.objects.get(pk=membership.member.user_id).is_staff is False
    [first, second] = events("community.role_changed")
    assert (first.payload["from"], first.payload["to"]) == ("member", "animator")
    assert (second.payload["from"], second.payload["to"]) == ("animator", "ambassador")
    assert (
        Notification.objects.filter(
            recipient=membership.member, kind="community.role_changed"
        ).count()
        == 2
    )


def test_ban_needs_a_reason_and_cannot_target_oneself() -> None:
    community = CommunityFactory()
    animator_membership = MembershipFactory(community=community, role=Role.ANIMATOR)
    animator = animator_membership.member
    target = MembershipFactory(community=community)
    with pytest.raises(ValidationError):
        services.ban_member(membership=target, by=animator, reason="  ")
    with pytest.raises(ValidationError):
        services.ban_member(membership=animator_membership, by=animator, reason="test")
    target.refresh_from_db()
    assert target.status == MembershipStatus.ACTIVE
    services.ban_member(membership=target, by=animator, reason="Spam, repeatedly")
    target.refresh_from_db()
    assert (target.status, target.ban_reason) == (MembershipStatus.BANNED, "Spam, repeatedly")


def test_new_charter_version_asks_members_to_accept_again() -> None:
    # given a member who accepted version 1
    community = CommunityFactory()
    with_charter(community, "Version one")
    membership = MembershipFactory(community=community)
    ctx = get_community_context(membership.member.user, community)
    assert contribution_blocked(ctx) is None
    # when version 2 is published
    charter = services.publish_charter(community=community, text="## Version two", by=None)
    community.refresh_from_db()
    # then they must accept again
    assert (charter.version, community.charter_version) == (2, 2)
    assert charter.text_html == "<h3>Version two</h3>\n"
    ctx = get_community_context(membership.member.user, community)
    assert contribution_blocked(ctx) == Blocked.CHARTER
    services.accept_charter(member=membership.member, community=community)
    services.accept_charter(member=membership.member, community=community)
    ctx = get_community_context(membership.member.user, community)
    assert contribution_blocked(ctx) is None
    assert CharterAcceptance.objects.filter(member=membership.member, version=2).count() == 1
    assert len(events("community.charter_accepted")) == 1


def test_charter_update_notice_is_sent_once_even_when_run_twice() -> None:
    from community.services.communities import notify_charter_updated

    community = CommunityFactory()
    with_charter(community)
    with_charter(community, "v2")
    MembershipFactory(community=community, accepted_charter_version=1)
    MembershipFactory(community=community, accepted_charter_version=2)
    assert notify_charter_updated(community_id=community.pk, version=2) == 1
    assert notify_charter_updated(community_id=community.pk, version=2) == 0
    assert Notification.objects.filter(kind="community.charter_updated").count() == 1


def test_accepting_a_charter_needs_membership() -> None:
    community = CommunityFactory()
    with_charter(community)
    with pytest.raises(ValidationError):
        services.accept_charter(member=MemberFactory(), community=community)
    assert not CharterAcceptance.objects.exists()


def test_invitation_token_lets_someone_into_an_invite_only_community() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.INVITE)
    animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
    token = services.make_invitation_token(community=community, by=animator)
    assert services.read_invitation_token(token) == community.pk
    guest = MemberFactory()
    membership = services.accept_invitation(member=guest, token=token)
    assert membership.status == MembershipStatus.ACTIVE
    assert events("community.joined")[-1].payload == {"via": "invitation"}


def test_tampered_or_expired_invitations_are_refused() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.INVITE)
    animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
    token = services.make_invitation_token(community=community, by=animator)
    translation.activate("en")
    with pytest.raises(ValidationError, match="not valid"):
        services.read_invitation_token(token[:-3] + "abc")
    with (
        override_settings(INVITATION_MAX_AGE_DAYS=-1),
        pytest.raises(ValidationError, match="expired"),
    ):
        services.read_invitation_token(token)
    assert Membership.objects.filter(community=community).count() == 1


def test_only_animators_make_invitations() -> None:
    community = CommunityFactory(join_policy=JoinPolicy.INVITE)
    someone = MembershipFactory(community=community).member
    with pytest.raises(PermissionDenied):
        services.make_invitation_token(community=community, by=someone)
    assert not events("community.invitation_created")


def test_record_activity_refuses_unknown_verbs() -> None:
    with pytest.raises(ValueError, match="Unknown activity verb"), transaction.atomic():
        services.record_activity(actor=None, verb="community.typo")
    assert not ActivityEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_activity_must_run_inside_the_actions_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        services.record_activity(actor=None, verb="community.joined")
    assert not ActivityEvent.objects.exists()


def test_update_profile_records_what_changed() -> None:
    member = MemberFactory(team="Sales")
    services.update_profile(
        member=member, display_name="Hélène  Durand", team=" Data  Team ", bio="Hi"
    )
    member.refresh_from_db()
    assert (member.display_name, member.team, member.search_name) == (
        "Hélène  Durand",
        "Data Team",
        "helene  durand",
    )
    [event] = events("member.profile_updated")
    assert event.payload == {"fields": ["bio", "display_name", "team"]}
    services.update_profile(member=member, team="Data Team")
    assert len(events("member.profile_updated")) == 1


def test_update_profile_turns_any_image_into_a_256px_png(tmp_path: object) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), "orange").save(buffer, format="JPEG")
    member = MemberFactory()
    services.update_profile(member=member, avatar=SimpleUploadedFile("me.jpg", buffer.getvalue()))
    member.refresh_from_db()
    with Image.open(member.avatar.path) as saved:
        assert (saved.format, saved.size) == ("PNG", (256, 256))
    assert member.avatar.name.startswith("avatars/") and "me" not in member.avatar.name


def test_delete_account_anonymises_but_keeps_the_member_row() -> None:
    community = CommunityFactory()
    membership = MembershipFactory(
        community=community, member=MemberFactory(display_name="Jane Roe", bio="bio")
    )
    refresh_counts(community)
    member = membership.member
    services.delete_account(member=member)
    member.refresh_from_db()
    user = User.objects.get(pk=member.user_id)
    community.refresh_from_db()
    assert member.is_anonymized is True
    assert (member.display_name, member.bio) == ("—", "")
    assert member.handle.startswith("former-")
    assert user.is_active is False and not user.has_usable_password()
    assert user.email.endswith("@deleted.invalid")
    assert community.member_count == 0
    assert Member.objects.filter(pk=member.pk).exists()


def test_a_chapter_cannot_have_chapters() -> None:
    national = CommunityFactory()
    chapter = CommunityFactory(parent=national)
    with pytest.raises(ValidationError):
        services.create_community(name="Too deep", slug="too-deep", parent=chapter)
    assert not Community.objects.filter(slug="too-deep").exists()


class TestNotifications:
    def test_actor_is_never_notified_and_counters_follow(self) -> None:
        alice, bob = MemberFactory(), MemberFactory()
        sent = services.notify(
            recipients=[alice.pk, bob.pk],
            kind="community.role_changed",
            actor=alice,
            payload={"url": "/x/"},
        )
        assert sent == 1
        bob.refresh_from_db()
        alice.refresh_from_db()
        assert (alice.unread_notifications, bob.unread_notifications) == (0, 1)

    def test_reading_resets_the_counter(self) -> None:
        bob = MemberFactory()
        services.notify(recipients=[bob.pk], kind="community.role_changed", payload={})
        services.notify(recipients=[bob.pk], kind="community.role_changed", payload={})
        first = Notification.objects.filter(recipient=bob).first()
        assert first is not None
        services.mark_notification_read(member=bob, notification_id=first.pk)
        bob.refresh_from_db()
        assert bob.unread_notifications == 1
        assert services.mark_all_notifications_read(member=bob) == 1
        bob.refresh_from_db()
        assert bob.unread_notifications == 0

    def test_someone_elses_notification_cannot_be_read(self) -> None:
        alice, bob = MemberFactory(), MemberFactory()
        services.notify(recipients=[bob.pk], kind="community.role_changed", payload={})
        notice = Notification.objects.get(recipient=bob)
        assert services.mark_notification_read(member=alice, notification_id=notice.pk) is None
        notice.refresh_from_db()
        assert notice.read_at is None

    def test_preferences_decide_the_email(self) -> None:
        alice, bob = MemberFactory(), MemberFactory()
        services.set_notification_preferences(
            member=bob, email_kinds={"community.role_changed": True}
        )
        services.notify(recipients=[alice.pk, bob.pk], kind="community.role_changed", payload={})
        wanted = dict(Notification.objects.values_list("recipient_id", "email_wanted"))
        assert wanted == {alice.pk: False, bob.pk: True}

    def test_pending_emails_go_once_per_member_and_skip_what_was_read(self) -> None:
        alice, bob = MemberFactory(display_name="Alice"), MemberFactory(display_name="Bob")
        kind = "community.request_approved"  # emailed by default
        services.notify(
            recipients=[alice.pk, bob.pk],
            kind=kind,
            payload={"community": "Lyon", "url": "/c/lyon/"},
        )
        services.notify(
            recipients=[alice.pk], kind=kind, payload={"community": "Nantes", "url": "/c/nantes/"}
        )
        services.mark_all_notifications_read(member=bob)
        later = timezone.now() + timezone.timedelta(hours=1)
        # when
        sent = services.send_pending_notification_emails(now=later)
        again = services.send_pending_notification_emails(now=later)
        # then Alice gets one email with both, Bob (who read his) none, and never twice
        assert (sent, again) == (1, 0)
        [message] = mail.outbox
        assert message.to == [alice.user.email]
        assert "Lyon" in message.body and "Nantes" in message.body
        assert "http://testserver/c/lyon/" in message.body
        assert not Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).exists()

    def test_email_waits_for_the_batching_delay(self) -> None:
        alice = MemberFactory()
        services.notify(recipients=[alice.pk], kind="community.request_approved", payload={})
        assert services.send_pending_notification_emails() == 0
        assert mail.outbox == []

    def test_emails_speak_the_members_language(self) -> None:
        alice = MemberFactory(preferred_language="fr")
        services.notify(
            recipients=[alice.pk], kind="community.request_approved", payload={"community": "Lyon"}
        )
        services.send_pending_notification_emails(now=timezone.now() + timezone.timedelta(hours=1))
        [message] = mail.outbox
        assert "Bonjour" in message.body
