"""Flags, the review item they add up to, automatic hiding, each review decision,
silence and suspension, and the activity contract of moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from community.models import (
    ActivityEvent,
    Community,
    Flag,
    Member,
    Membership,
    ModerationLog,
    Notification,
    Resource,
    ReviewItem,
)
from community.permissions import Blocked, contribution_blocked
from community.selectors.communities import get_community_context
from community.services import moderation as services
from community.services.resources import share_resource
from tests.factories import PASSWORD, CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _verbs() -> list[tuple[str, int | None, dict]]:
    return list(ActivityEvent.objects.order_by("pk").values_list("verb", "actor_id", "payload"))


def test_a_flag_opens_one_review_item_and_later_flags_add_weight(
    place: Community, resource: Resource, author: Member, alice: Member, bob: Member
) -> None:
    flag = services.flag_content(target=resource, by=alice, reason="spam", message=" Pub ")
    item = ReviewItem.objects.get()
    assert (item.status, item.flag_count, item.weight, item.author_id) == ("open", 1, 1, author.pk)
    assert item.community_id == place.pk
    assert item.excerpt == "Achetez mes pilules — Promo !!!"
    assert (flag.review_item_id, flag.message, flag.weight) == (item.pk, "Pub", 1)
    # An ambassador's flag weighs more (their standing in the community).
    Membership.objects.filter(member=bob, community=place).update(role="ambassador")
    services.flag_content(target=resource, by=bob, reason="off_topic")
    item.refresh_from_db()
    assert (ReviewItem.objects.count(), item.flag_count, item.weight) == (1, 2, 3)
    assert _verbs() == [
        ("moderation.flagged", alice.pk, {"reason": "spam", "for_member_id": author.pk}),
        ("moderation.flagged", bob.pk, {"reason": "off_topic", "for_member_id": author.pk}),
    ]
    resource.refresh_from_db()
    assert resource.is_hidden is False  # two flaggers, the threshold is three


def test_animators_are_told_once_per_new_item_grouped_by_community(
    place: Community,
    resource: Resource,
    author: Member,
    alice: Member,
    bob: Member,
    animator: Member,
) -> None:
    services.flag_content(target=resource, by=alice, reason="spam")
    services.flag_content(target=resource, by=bob, reason="spam")  # same item: no new notice
    services.flag_content(
        target=ResourceFactory(community=place, author=author), by=bob, reason="off_topic"
    )
    note = Notification.objects.get(recipient=animator)
    assert (note.kind, note.count, note.actor_id) == ("moderation.review_needed", 2, bob.pk)
    assert note.payload["url"] == "/admin/community/reviewitem/"


def test_members_whose_flags_were_upheld_weigh_more(
    place: Community, alice: Member, author: Member, animator: Member
) -> None:
    for n in range(3):
        target = ResourceFactory(community=place, author=author, title=f"Spam {n}")
        services.flag_content(target=target, by=alice, reason="spam")
        services.resolve_review_item(
            item=ReviewItem.objects.get(target_id=target.pk), by=animator, decision="agree_hide"
        )
    fresh = ResourceFactory(community=place, author=author)
    flag = services.flag_content(target=fresh, by=alice, reason="spam")
    assert flag.weight == 2


def test_one_flag_per_member_and_target_and_never_ones_own(
    resource: Resource, alice: Member, author: Member, bob: Member
) -> None:
    services.flag_content(target=resource, by=alice, reason="spam")
    with pytest.raises(ValidationError) as error:
        services.flag_content(target=resource, by=alice, reason="other", message="Encore")
    assert error.value.messages == ["You have already flagged this."]
    with pytest.raises(ValidationError) as error:
        services.flag_content(target=resource, by=author, reason="spam")
    assert error.value.messages == ["You cannot flag what you wrote."]
    with pytest.raises(ValidationError) as error:
        services.flag_content(target=resource, by=bob, reason="bogus")
    assert error.value.message_dict == {"reason": ["Choose a reason from the list."]}
    assert Flag.objects.count() == 1
    assert ReviewItem.objects.get().flag_count == 1


def test_other_needs_a_message_and_outsiders_cannot_flag(
    place: Community, resource: Resource, alice: Member
) -> None:
    with pytest.raises(ValidationError) as error:
        services.flag_content(target=resource, by=alice, reason="other", message="  ")
    assert error.value.message_dict == {"message": ["Tell the animators what is wrong."]}
    with pytest.raises(PermissionDenied):
        services.flag_content(target=resource, by=MemberFactory(), reason="spam")
    assert (Flag.objects.count(), ReviewItem.objects.count(), ActivityEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_enough_independent_flaggers_hide_the_content_and_tell_the_author(
    place: Community,
    resource: Resource,
    author: Member,
    alice: Member,
    bob: Member,
    carol: Member,
) -> None:
    for who in (alice, bob, carol):
        services.flag_content(target=resource, by=who, reason="spam")
    resource.refresh_from_db()
    item = ReviewItem.objects.get()
    assert resource.is_hidden is True
    assert (item.auto_hidden, item.status, item.flag_count) == (True, "open", 3)
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator_id, entry.member_id, entry.target_id) == (
        "auto_hide",
        None,
        author.pk,
        resource.pk,
    )
    assert (entry.before, entry.after) == ({"hidden": False, "flaggers": 3}, {"hidden": True})
    assert _verbs()[-1] == (
        "moderation.action",
        None,
        {
            "action": "auto_hide",
            "member_id": author.pk,
            "reason": "Several members flagged it; an animator will review it.",
        },
    )
    note = Notification.objects.get(recipient=author)
    assert note.kind == "moderation.content_hidden"
    assert note.payload["url"] == resource.get_absolute_url()
    author.refresh_from_db()
    assert author.unread_notifications == 1


def test_a_threshold_of_zero_never_hides_automatically(
    place: Community, resource: Resource, alice: Member, bob: Member, carol: Member
) -> None:
    Community.objects.filter(pk=place.pk).update(auto_hide_flags=0)
    resource.community.refresh_from_db()
    for who in (alice, bob, carol):
        services.flag_content(target=resource, by=who, reason="spam")
    resource.refresh_from_db()
    assert resource.is_hidden is False
    assert ModerationLog.objects.count() == 0


def test_agree_and_hide(
    resource: Resource, author: Member, alice: Member, animator: Member
) -> None:
    services.flag_content(target=resource, by=alice, reason="spam")
    item = services.resolve_review_item(
        item=ReviewItem.objects.get(), by=animator, decision="agree_hide", reason="Publicité"
    )
    resource.refresh_from_db()
    assert resource.is_hidden is True
    assert (item.status, item.resolved_by_id, item.resolution_note) == (
        "agreed_hidden",
        animator.pk,
        "Publicité",
    )
    assert item.resolved_at is not None
    assert list(ModerationLog.objects.values_list("action", "moderator_id", "reason")) == [
        ("hide", animator.pk, "Publicité")
    ]
    assert _verbs()[-1] == (
        "moderation.action",
        animator.pk,
        {"action": "hide", "member_id": author.pk, "reason": "Publicité"},
    )
    note = Notification.objects.get(recipient=author)
    assert (note.kind, note.payload["reason"], note.actor_id) == (
        "moderation.content_hidden",
        "Publicité",
        animator.pk,
    )
    with pytest.raises(ValidationError) as error:
        services.resolve_review_item(item=item, by=animator, decision="ignore")
    assert error.value.messages == ["This item has already been reviewed."]


def test_agree_and_keep_with_an_edited_text(
    resource: Resource, author: Member, alice: Member, bob: Member, carol: Member, animator: Member
) -> None:
    for who in (alice, bob, carol):  # hidden automatically first
        services.flag_content(target=resource, by=who, reason="inappropriate")
    with pytest.raises(ValidationError):
        services.resolve_review_item(
            item=ReviewItem.objects.get(), by=animator, decision="agree_keep", edited_text=" "
        )
    services.resolve_review_item(
        item=ReviewItem.objects.get(),
        by=animator,
        decision="agree_keep",
        edited_text="Un guide sur les pilules de savoir.",
        reason="Ton publicitaire retiré",
    )
    resource.refresh_from_db()
    assert (resource.is_hidden, resource.summary) == (False, "Un guide sur les pilules de savoir.")
    assert ReviewItem.objects.get().status == "agreed_kept"
    entry = ModerationLog.objects.get(action="agree_keep")
    assert (entry.before, entry.after) == (
        {"text": "Promo !!!"},
        {"text": "Un guide sur les pilules de savoir."},
    )
    assert list(
        Notification.objects.filter(recipient=author).order_by("pk").values_list("kind", flat=True)
    ) == ["moderation.content_hidden", "moderation.content_edited"]


def test_disagree_restores_and_tells_nobody_off(
    resource: Resource, author: Member, alice: Member, bob: Member, carol: Member, animator: Member
) -> None:
    for who in (alice, bob, carol):
        services.flag_content(target=resource, by=who, reason="spam")
    services.resolve_review_item(item=ReviewItem.objects.get(), by=animator, decision="disagree")
    resource.refresh_from_db()
    assert resource.is_hidden is False
    assert ReviewItem.objects.get().status == "disagreed"
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "auto_hide",
        "disagree",
    ]
    # The flaggers hear nothing; the author learns the content is back.
    assert not Notification.objects.filter(recipient__in=[alice, bob, carol]).exists()
    assert list(
        Notification.objects.filter(recipient=author).order_by("pk").values_list("kind", flat=True)
    ) == ["moderation.content_hidden", "moderation.content_restored"]


def test_ignore_closes_the_item_and_leaves_the_content(
    resource: Resource, author: Member, alice: Member, animator: Member
) -> None:
    services.flag_content(target=resource, by=alice, reason="off_topic")
    services.resolve_review_item(item=ReviewItem.objects.get(), by=animator, decision="ignore")
    resource.refresh_from_db()
    assert (resource.is_hidden, ReviewItem.objects.get().status) == (False, "ignored")
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["ignore"]
    assert not Notification.objects.filter(recipient=author).exists()
    # A new flag (from someone else) opens a new item.
    services.flag_content(
        target=resource, by=MembershipFactory(community=resource.community).member, reason="spam"
    )
    assert list(ReviewItem.objects.order_by("pk").values_list("status", flat=True)) == [
        "ignored",
        "open",
    ]


def test_only_the_communitys_animators_resolve(
    resource: Resource, alice: Member, bob: Member, snapshot: object
) -> None:
    services.flag_content(target=resource, by=alice, reason="spam")
    elsewhere = MembershipFactory(community=CommunityFactory(), role="animator").member
    before = snapshot()  # type: ignore[operator]
    for who in (bob, elsewhere):
        with pytest.raises(PermissionDenied):
            services.resolve_review_item(
                item=ReviewItem.objects.get(), by=who, decision="agree_hide"
            )
        with pytest.raises(PermissionDenied):
            services.hide_content(target=resource, by=who, reason="Non")
    assert snapshot() == before  # type: ignore[operator]


def test_silence_with_the_review_blocks_contribution_in_that_community_only(
    place: Community, resource: Resource, author: Member, alice: Member, animator: Member
) -> None:
    other = CommunityFactory()
    MembershipFactory(community=other, member=author)
    services.flag_content(target=resource, by=alice, reason="spam")
    services.resolve_review_item(
        item=ReviewItem.objects.get(),
        by=animator,
        decision="agree_hide",
        sanction="silence",
        sanction_days=7,
        sanction_reason="Publicité répétée",
    )
    membership = Membership.objects.get(member=author, community=place)
    assert membership.silenced_until is not None
    assert (
        timedelta(days=6, hours=23)
        < membership.silenced_until - timezone.now()
        <= timedelta(days=7)
    )
    assert membership.silence_reason == "Publicité répétée"
    author.refresh_from_db()
    assert contribution_blocked(get_community_context(author.user, place)) == Blocked.SILENCED
    assert contribution_blocked(get_community_context(author.user, other)) is None
    with pytest.raises(PermissionDenied):
        share_resource(community=place, by=author, kind="link", title="Encore", url="https://x.org")
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "silence",
    ]
    silenced = Notification.objects.get(recipient=author, kind="moderation.silenced")
    assert silenced.payload["reason"] == "Publicité répétée"
    assert "Publicité répétée" in silenced.payload["reason"]
    services.lift_silence(membership=membership, by=animator)
    assert contribution_blocked(get_community_context(author.user, place)) is None


def test_sanctions_need_a_period_and_a_reason(
    resource: Resource, alice: Member, animator: Member, snapshot: object
) -> None:
    services.flag_content(target=resource, by=alice, reason="spam")
    before = snapshot()  # type: ignore[operator]
    with pytest.raises(ValidationError) as error:
        services.resolve_review_item(
            item=ReviewItem.objects.get(),
            by=animator,
            decision="agree_hide",
            sanction="suspend",
            sanction_days=0,
            sanction_reason="x",
        )
    assert error.value.message_dict == {
        "sanction_days": ["Give a period between 1 and 3,650 days."]
    }
    assert snapshot() == before  # type: ignore[operator]  (the whole decision rolled back)


def test_suspension_refuses_login_and_ends_every_session(
    place: Community,
    author: Member,
    animator: Member,
    django_capture_on_commit_callbacks: object,
) -> None:
    from django.conf import settings
    from django.contrib.sessions.models import Session

    browsing = Client()
    assert browsing.login(email=author.user.email, password=PASSWORD) is True
    assert browsing.get("/notifications/").status_code == 200  # a tracked session
    other_device = Client()
    other_device.force_login(author.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    assert Session.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.suspend_member(
            member=author, by=animator, community=place, days=3, reason="Insultes"
        )
    author.refresh_from_db()
    assert author.is_suspended() and author.suspension_reason == "Insultes"
    assert Session.objects.count() == 0
    for client in (browsing, other_device):
        response = client.get("/notifications/")
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert Client().login(email=author.user.email, password=PASSWORD) is False
    assert list(ModerationLog.objects.values_list("action", "member_id", "reason")) == [
        ("suspend", author.pk, "Insultes")
    ]
    note = Notification.objects.get(recipient=author)
    assert (note.kind, note.payload["reason"]) == ("moderation.suspended", "Insultes")
    assert _verbs()[-1] == (
        "moderation.action",
        animator.pk,
        {"action": "suspend", "member_id": author.pk, "reason": "Insultes"},
    )
    services.lift_suspension(member=author, by=animator, community=place)
    assert Client().login(email=author.user.email, password=PASSWORD) is True


def test_animators_cannot_suspend_themselves_or_strangers(
    place: Community, animator: Member, snapshot: object
) -> None:
    stranger = MemberFactory()
    before = snapshot()  # type: ignore[operator]
    with pytest.raises(ValidationError):
        services.suspend_member(member=animator, by=animator, community=place, days=1, reason="x")
    with pytest.raises(PermissionDenied):
        services.suspend_member(member=stranger, by=animator, community=place, days=1, reason="x")
    assert snapshot() == before  # type: ignore[operator]


def test_the_log_is_append_only(resource: Resource, alice: Member, animator: Member) -> None:
    services.hide_content(target=resource, by=animator, reason="Hors charte")
    entry = ModerationLog.objects.get()
    entry.reason = "autre chose"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        ModerationLog.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(TypeError):
        ModerationLog.objects.all().delete()
    assert ModerationLog.objects.get().reason == "Hors charte"


def test_hide_and_restore_are_logged_with_their_reason(
    resource: Resource, author: Member, animator: Member
) -> None:
    with pytest.raises(ValidationError):
        services.hide_content(target=resource, by=animator, reason="  ")
    services.hide_content(target=resource, by=animator, reason="Hors charte")
    services.hide_content(target=resource, by=animator, reason="Deux fois")  # no-op
    services.restore_content(target=resource, by=animator, reason="Erreur")
    resource.refresh_from_db()
    assert resource.is_hidden is False
    assert list(ModerationLog.objects.order_by("pk").values_list("action", "reason")) == [
        ("hide", "Hors charte"),
        ("restore", "Erreur"),
    ]
    assert [v[2]["action"] for v in _verbs()] == ["hide", "restore"]
