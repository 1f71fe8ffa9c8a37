from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from community import activity, notifications
from community.markdown import render_markdown
from community.models import (
    CharterAcceptance,
    CharterVersion,
    Community,
    Member,
    Membership,
    Notification,
)
from community.models.accounts import User
from community.models.communities import JoinPolicy, MembershipStatus, Role
from community.permissions import can_animate
from community.services.activity import record_activity
from community.services.notifications import notify

INVITATION_SALT = "community.invitation"


def refresh_member_counts(*, community_ids: list[int]) -> None:
    """Recount active members of these communities (exact, one UPDATE)."""
    active = (
        Membership.objects.filter(community=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("community")
        .annotate(n=Count("id"))
        .values("n")
    )
    Community.objects.filter(pk__in=community_ids).update(
        member_count=Coalesce(Subquery(active), 0)
    )


def _sync_staff_status(user: User) -> None:
    """Animators get back-office access; it goes when their last animator role goes."""
    animates = Membership.objects.filter(
        member__user=user, role=Role.ANIMATOR, status=MembershipStatus.ACTIVE
    ).exists()
    wanted = user.is_superuser or animates
    if user.is_staff != wanted:
        User.objects.filter(pk=user.pk).update(is_staff=wanted)
        user.is_staff = wanted


def _check_animator(by: Member, community: Community) -> None:
    from community.selectors import get_community_context

    if not can_animate(get_community_context(by.user, community)):
        raise PermissionDenied(_("Only the community's animators can do this."))


def _animator_ids(community: Community) -> list[int]:
    scope = Q(community=community)
    if community.parent_id:
        scope |= Q(community_id=community.parent_id)
    return list(
        Membership.objects.active()
        .filter(scope, role=Role.ANIMATOR)
        .values_list("member_id", flat=True)
        .distinct()
    )


@transaction.atomic
def create_community(
    *,
    name: str,
    slug: str,
    by: Member | None = None,
    charter_text: str = "",
    **fields: Any,
) -> Community:
    community = Community(name=name, slug=slug, **fields)
    community.full_clean()
    community.save()
    if charter_text:
        publish_charter(community=community, text=charter_text, by=by, notify_members=False)
    return community


@transaction.atomic
def publish_charter(
    *, community: Community, text: str, by: Member | None, notify_members: bool = True
) -> CharterVersion:
    """A new charter version: every member must accept it before contributing again."""
    community = Community.objects.select_for_update().get(pk=community.pk)
    if not text.strip():
        raise ValidationError({"text": _("The charter cannot be empty.")}, code="required")
    version = community.charter_version + 1
    charter = CharterVersion.objects.create(
        community=community,
        version=version,
        text=text,
        text_html=render_markdown(text).html,
        published_by=by,
    )
    Community.objects.filter(pk=community.pk).update(charter_version=version)
    community.charter_version = version
    record_activity(
        actor=by,
        verb=activity.CHARTER_PUBLISHED.key,
        community=community,
        target=charter,
        payload={"version": version},
    )
    if notify_members and version > 1:
        from community.tasks import notify_charter_updated_task

        transaction.on_commit(lambda: notify_charter_updated_task.delay(community.pk, version))
    return charter


def notify_charter_updated(*, community_id: int, version: int) -> int:
    """Tell members who have not accepted ``version`` yet. Safe to run twice: a member who
    still has the unread notice is not told again (grouped by version)."""
    community = Community.objects.get(pk=community_id)
    group_key = f"charter:{community.pk}:{version}"
    already_told = Notification.objects.filter(group_key=group_key).values("recipient_id")
    recipients = list(
        Membership.objects.active()
        .filter(community=community, accepted_charter_version__lt=version)
        .exclude(member_id__in=already_told)
        .values_list("member_id", flat=True)
    )
    return notify(
        recipients=recipients,
        kind=notifications.CHARTER_UPDATED.key,
        community=community,
        payload={
            "community": community.name,
            "url": f"/c/{community.slug}/charter/",
            "version": version,
        },
        group_key=group_key,
    )


def _activate(membership: Membership, now: Any) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = now
    membership.left_at = None


@transaction.atomic
def join_community(*, member: Member, community: Community) -> Membership:
    """Join an open community at once."""
    if community.join_policy != JoinPolicy.OPEN:
        raise ValidationError(_("This community is not open: ask to join instead."), code="closed")
    membership, _created = Membership.objects.select_for_update().get_or_create(
        member=member, community=community, defaults={"status": MembershipStatus.LEFT}
    )
    if membership.status == MembershipStatus.BANNED:
        raise PermissionDenied(_("You cannot join this community."))
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    _activate(membership, timezone.now())
    membership.save()
    refresh_member_counts(community_ids=[community.pk])
    record_activity(actor=member, verb=activity.JOINED.key, community=community, target=membership)
    return membership


@transaction.atomic
def request_membership(*, member: Member, community: Community, message: str = "") -> Membership:
    if community.join_policy != JoinPolicy.REQUEST:
        raise ValidationError(_("This community does not take join requests."), code="closed")
    membership, _created = Membership.objects.select_for_update().get_or_create(
        member=member, community=community, defaults={"status": MembershipStatus.REQUESTED}
    )
    if membership.status == MembershipStatus.BANNED:
        raise PermissionDenied(_("You cannot join this community."))
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    membership.status = MembershipStatus.REQUESTED
    membership.request_message = message.strip()
    membership.requested_at = timezone.now()
    membership.full_clean()
    membership.save()
    record_activity(
        actor=member, verb=activity.JOIN_REQUESTED.key, community=community, target=membership
    )
    notify(
        recipients=_animator_ids(community),
        kind=notifications.JOIN_REQUEST.key,
        actor=member,
        community=community,
        target=membership,
        payload={"community": community.name, "url": f"/c/{community.slug}/requests/"},
        group_key=f"join_request:{community.pk}",
    )
    return membership


@transaction.atomic
def approve_membership(*, membership: Membership, by: Member) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("community").get(pk=membership.pk)
    )
    _check_animator(by, membership.community)
    if membership.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request is no longer pending."), code="not_pending")
    _activate(membership, timezone.now())
    membership.save()
    community = membership.community
    refresh_member_counts(community_ids=[community.pk])
    record_activity(
        actor=by,
        verb=activity.MEMBERSHIP_APPROVED.key,
        community=community,
        target=membership,
        payload={"member_id": membership.member_id},
    )
    record_activity(
        actor=membership.member, verb=activity.JOINED.key, community=community, target=membership
    )
    notify(
        recipients=[membership.member_id],
        kind=notifications.REQUEST_APPROVED.key,
        actor=by,
        community=community,
        target=membership,
        payload={"community": community.name, "url": f"/c/{community.slug}/"},
    )
    return membership


@transaction.atomic
def decline_membership(*, membership: Membership, by: Member) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("community").get(pk=membership.pk)
    )
    _check_animator(by, membership.community)
    if membership.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request is no longer pending."), code="not_pending")
    membership.status = MembershipStatus.DECLINED
    membership.save()
    record_activity(
        actor=by,
        verb=activity.MEMBERSHIP_DECLINED.key,
        community=membership.community,
        target=membership,
        payload={"member_id": membership.member_id},
    )
    return membership


@transaction.atomic
def leave_community(*, member: Member, community: Community) -> Membership:
    membership = (
        Membership.objects.select_for_update().filter(member=member, community=community).first()
    )
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("You are not a member of this community."), code="not_member")
    membership.status = MembershipStatus.LEFT
    membership.left_at = timezone.now()
    was_animator = membership.role == Role.ANIMATOR
    membership.role = Role.MEMBER
    membership.save()
    refresh_member_counts(community_ids=[community.pk])
    if was_animator:
        _sync_staff_status(member.user)
    record_activity(actor=member, verb=activity.LEFT.key, community=community, target=membership)
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: Member) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="invalid")
    membership = (
        Membership.objects.select_for_update()
        .select_related("community", "member__user")
        .get(pk=membership.pk)
    )
    _check_animator(by, membership.community)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("Only active members can be given a role."), code="not_active")
    previous = membership.role
    if previous == role:
        return membership
    membership.role = role
    membership.save()
    _sync_staff_status(membership.member.user)
    record_activity(
        actor=by,
        verb=activity.ROLE_CHANGED.key,
        community=membership.community,
        target=membership,
        payload={"member_id": membership.member_id, "from": previous, "to": role},
    )
    notify(
        recipients=[membership.member_id],
        kind=notifications.ROLE_CHANGED.key,
        actor=by,
        community=membership.community,
        target=membership,
        payload={
            "community": membership.community.name,
            "role": role,
            "role_label": str(Role(role).label),
            "url": f"/c/{membership.community.slug}/",
        },
    )
    return membership


@transaction.atomic
def ban_member(*, membership: Membership, by: Member, reason: str) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("community", "member__user")
        .get(pk=membership.pk)
    )
    _check_animator(by, membership.community)
    if membership.member_id == by.pk:
        raise ValidationError(_("You cannot ban yourself."), code="self")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the ban: the member is told."), code="reason")
    previous = membership.status
    membership.status = MembershipStatus.BANNED
    membership.ban_reason = reason.strip()
    membership.role = Role.MEMBER
    membership.save()
    refresh_member_counts(community_ids=[membership.community_id])
    _sync_staff_status(membership.member.user)
    record_activity(
        actor=by,
        verb=activity.MEMBER_BANNED.key,
        community=membership.community,
        target=membership,
        payload={"member_id": membership.member_id, "from": previous, "reason": reason.strip()},
    )
    return membership


@transaction.atomic
def accept_charter(*, member: Member, community: Community) -> CharterAcceptance:
    membership = (
        Membership.objects.select_for_update().filter(member=member, community=community).first()
    )
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(
            _("Join the community before accepting its charter."), code="not_member"
        )
    version = community.charter_version
    if version == 0:
        raise ValidationError(_("This community has no charter yet."), code="no_charter")
    acceptance, created = CharterAcceptance.objects.get_or_create(
        member=member, community=community, version=version
    )
    if membership.accepted_charter_version < version:
        membership.accepted_charter_version = version
        membership.save(update_fields=["accepted_charter_version", "updated_at"])
    if created:
        record_activity(
            actor=member,
            verb=activity.CHARTER_ACCEPTED.key,
            community=community,
            target=acceptance,
            payload={"version": version},
        )
    return acceptance


def make_invitation_token(*, community: Community, by: Member) -> str:
    """A signed link token; it expires after INVITATION_MAX_AGE_DAYS."""
    _check_animator(by, community)
    with transaction.atomic():
        record_activity(actor=by, verb=activity.INVITATION_CREATED.key, community=community)
    return signing.dumps({"c": community.pk, "by": by.pk}, salt=INVITATION_SALT, compress=True)


def read_invitation_token(token: str) -> int:
    """The community id inside a valid, unexpired token, else ValidationError."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_DAYS * 86400
        )
        return int(data["c"])
    except signing.SignatureExpired:
        raise ValidationError(
            _("This invitation has expired. Ask for a new one."), code="expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from None


@transaction.atomic
def accept_invitation(*, member: Member, token: str) -> Membership:
    community = Community.objects.get(pk=read_invitation_token(token))
    membership, _created = Membership.objects.select_for_update().get_or_create(
        member=member, community=community, defaults={"status": MembershipStatus.LEFT}
    )
    if membership.status == MembershipStatus.BANNED:
        raise PermissionDenied(_("You cannot join this community."))
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    _activate(membership, timezone.now())
    membership.save()
    refresh_member_counts(community_ids=[community.pk])
    record_activity(
        actor=member,
        verb=activity.JOINED.key,
        community=community,
        target=membership,
        payload={"via": "invitation"},
    )
    return membership
