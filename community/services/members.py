from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from community import activity
from community.models import Member, Membership, Notification, NotificationPreference
from community.models.accounts import User
from community.services.activity import record_activity
from community.uploads import make_avatar

PROFILE_FIELDS = {
    "display_name",
    "bio",
    "team",
    "site",
    "languages",
    "preferred_language",
    "timezone",
}


def _unique_handle(display_name: str) -> str:
    base = (slugify(display_name) or "member")[:32].strip("-") or "member"
    if not Member.objects.filter(handle=base).exists():
        return base
    for n in range(2, 50):
        candidate = f"{base}-{n}"
        if not Member.objects.filter(handle=candidate).exists():
            return candidate
    return f"{base}-{uuid.uuid4().hex[:6]}"


def _clean_label(value: str) -> str:
    """Teams and sites are compared for equality (filters, "not my own team")."""
    return " ".join(value.split())


@transaction.atomic
def create_member(
    *, user: User, display_name: str, preferred_language: str = "", **fields: Any
) -> Member:
    display_name = " ".join(display_name.split()) or user.email.split("@")[0]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                member = Member(
                    user=user,
                    handle=_unique_handle(display_name),
                    display_name=display_name,
                    preferred_language=preferred_language,
                    **fields,
                )
                member.team = _clean_label(member.team)
                member.site = _clean_label(member.site)
                member.full_clean(exclude=["user"])
                member.save()
                return member
        except IntegrityError:  # two sign-ups raced for the same handle: pick again
            continue
    raise IntegrityError("Could not find a free handle.")


def ensure_member(user: User) -> Member:
    """The user's profile, created if an account has none (e.g. `createsuperuser`)."""
    member = Member.objects.filter(user=user).first()
    if member is not None:
        return member
    return create_member(user=user, display_name=user.email.split("@")[0])


@transaction.atomic
def update_profile(
    *,
    member: Member,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
    **fields: Any,
) -> Member:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    changed = sorted(k for k, v in fields.items() if getattr(member, k) != v)
    for key, value in fields.items():
        setattr(member, key, value)
    member.team = _clean_label(member.team)
    member.site = _clean_label(member.site)
    old_avatar = member.avatar.name if member.avatar else ""
    if avatar is not None:
        processed = make_avatar(avatar)
        member.avatar.save(processed.name or "avatar.png", processed, save=False)
        changed.append("avatar")
    elif remove_avatar and member.avatar:
        member.avatar = ""
        changed.append("avatar")
    member.full_clean(exclude=["user", "avatar"])
    member.save()
    if old_avatar and "avatar" in changed:
        transaction.on_commit(lambda: member.avatar.storage.delete(old_avatar))
    if changed:
        record_activity(
            actor=member, verb=activity.PROFILE_UPDATED.key, payload={"fields": changed}
        )
    return member


def set_preferred_language(*, member: Member, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")
    Member.objects.filter(pk=member.pk).update(preferred_language=language)
    member.preferred_language = language


@transaction.atomic
def delete_account(*, member: Member) -> None:
    """Delete what identifies the person; keep their contributions under an anonymous
    name (GDPR erasure with the community's knowledge kept)."""
    user = member.user
    record_activity(actor=member, verb=activity.ACCOUNT_DELETED.key)
    name = member.avatar.name if member.avatar else ""
    if name:
        transaction.on_commit(lambda: member.avatar.storage.delete(name))
    anonymous = f"former-{uuid.uuid4().hex[:10]}"
    Member.objects.filter(pk=member.pk).update(
        handle=anonymous,
        display_name="—",
        avatar="",
        bio="",
        team="",
        site="",
        languages=[],
        is_anonymized=True,
        unread_notifications=0,
        updated_at=timezone.now(),
    )
    Notification.objects.filter(recipient=member).delete()
    NotificationPreference.objects.filter(member=member).delete()
    Membership.objects.filter(member=member).update(status="left", left_at=timezone.now())
    user.email = f"{anonymous}@deleted.invalid"
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()
    # The user row stays (inactive, unusable): contributions point to it.
    from community.services.communities import refresh_member_counts

    refresh_member_counts(
        community_ids=list(member.memberships.values_list("community_id", flat=True))
    )
