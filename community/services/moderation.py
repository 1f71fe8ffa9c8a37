"""Moderation writes: flag, review, hide and restore, silence and suspend.

Each action checks that the person animates the content's community, writes one
`ModerationLog` row (append-only) and one `moderation.action` activity in the same
transaction, and tells the member concerned (a notification with the reason). Content is
reached only through the registry of `community.moderation`, so resources and forum posts
(and whatever is registered later) go through the same code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from community import moderation
from community.models import Community, Flag, Member, Membership, ModerationLog, ReviewItem
from community.models.communities import MembershipStatus, Role
from community.models.moderation import FlagReason, ModerationAction, ReviewStatus
from community.permissions import CommunityContext, can_animate, check_can_contribute
from community.services.activity import record_activity
from community.services.notifications import notify

DECISIONS = ("agree_hide", "agree_keep", "disagree", "ignore")
SANCTIONS = ("", "silence", "suspend")
MAX_SANCTION_DAYS = 3650


def _context(member: Member, community: Community) -> CommunityContext:
    from community.selectors.communities import get_community_context

    return get_community_context(member.user, community)


def check_animator(by: Member, community: Community) -> CommunityContext:
    ctx = _context(by, community)
    if not can_animate(ctx):
        raise PermissionDenied(_("Only the community's animators can do this."))
    return ctx


def _label(target: models.Model | None) -> str:
    if target is None:
        return ""
    try:
        return moderation.get_flaggable(target).excerpt(target)[:300]
    except ValueError:
        return str(target)[:300]


def log_action(
    *,
    by: Member | None,
    action: str,
    community: Community | None,
    target: models.Model | None = None,
    member_id: int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
) -> ModerationLog:
    """One moderation action: a log row and a `moderation.action` activity (call inside
    the action's transaction). Apps use it for their own actions (lock, move, merge...)."""
    if action not in ModerationAction.values:
        raise ValueError(f"Unknown moderation action {action!r}.")
    entry = ModerationLog(
        moderator=by,
        action=action,
        community=community,
        member_id=member_id,
        reason=reason,
        before=before or {},
        after=after or {},
        target_label=label if label is not None else _label(target),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = target.pk
    entry.save()
    record_activity(
        actor=by,
        verb=moderation.ACTION.key,
        community=community,
        target=target,
        payload={"action": action, "member_id": member_id, "reason": reason},
    )
    return entry


def _tell_author(
    kind: str, target: models.Model, community: Community, by: Member | None, reason: str
) -> None:
    spec = moderation.get_flaggable(target)
    author_id = spec.author_id(target)
    if author_id is None:
        return
    notify(
        recipients=[author_id],
        kind=kind,
        actor=by,
        community=community,
        target=target,
        payload={
            "title": spec.excerpt(target)[:120],
            "url": spec.url(target),
            "reason": reason,
            "community": community.name,
        },
    )


# --- Flags ----------------------------------------------------------------------------------


def flagger_standing(ctx: CommunityContext) -> int:
    """What a flag weighs beyond the one flagger: +1 for ambassadors and animators, +1 for
    members whose earlier flags animators mostly agreed with (3 or more agreed, more agreed
    than disagreed)."""
    standing = 0
    if ctx.role in (Role.AMBASSADOR, Role.ANIMATOR, Role.MANAGER):
        standing += 1
    if ctx.member is not None:
        past = Flag.objects.filter(
            flagger=ctx.member, review_item__community=ctx.community
        ).exclude(review_item__status=ReviewStatus.OPEN)
        agreed = past.filter(
            review_item__status__in=[ReviewStatus.AGREED_HIDDEN, ReviewStatus.AGREED_KEPT]
        ).count()
        disagreed = past.filter(review_item__status=ReviewStatus.DISAGREED).count()
        if agreed >= 3 and agreed > disagreed:
            standing += 1
    return standing


def _open_item(
    target: models.Model, community: Community, author_id: int | None
) -> tuple[ReviewItem, bool]:
    """The open review item of ``target``, locked; created if there is none."""
    ctype = ContentType.objects.get_for_model(target)
    lookup = {"target_type": ctype, "target_id": target.pk, "status": ReviewStatus.OPEN}
    item = ReviewItem.objects.select_for_update().filter(**lookup).first()
    if item is not None:
        return item, False
    try:
        with transaction.atomic():
            item = ReviewItem.objects.create(
                community=community,
                author_id=author_id,
                excerpt=_label(target),
                **lookup,
            )
            return item, True
    except IntegrityError:  # someone else opened it at the same moment
        return ReviewItem.objects.select_for_update().get(**lookup), False


def _tell_animators(community: Community, by: Member) -> None:
    """A new item in the queue: the community's animators are told (one grouped, unread
    notification per animator and community, counted up)."""
    from django.urls import reverse

    animators = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, role=Role.ANIMATOR
    ).values_list("member_id", flat=True)
    notify(
        recipients=list(animators),
        kind=moderation.REVIEW_NEEDED.key,
        actor=by,
        community=community,
        payload={
            "title": community.name,
            "community": community.name,
            "url": reverse("admin:community_reviewitem_changelist"),
        },
        group_key=f"moderation.review:{community.pk}",
    )


@transaction.atomic
def flag_content(*, target: models.Model, by: Member, reason: str, message: str = "") -> Flag:
    """A member flags content. One flag per member and target; the flags of a target add
    up in its one open review item. At the community's threshold of different flaggers
    the content is hidden until an animator reviews it, and its author is told."""
    try:
        spec = moderation.get_flaggable(target)
    except ValueError:
        raise ValidationError(_("This cannot be flagged."), code="not_flaggable") from None
    community = spec.community(target)
    ctx = _context(by, community)
    check_can_contribute(ctx)
    author_id = spec.author_id(target)
    if author_id == by.pk:
        raise ValidationError(_("You cannot flag what you wrote."), code="own")
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")}, code="invalid")
    message = message.strip()
    if reason == FlagReason.OTHER and not message:
        raise ValidationError({"message": _("Tell the animators what is wrong.")}, code="required")
    if len(message) > 1000:
        raise ValidationError(
            {"message": _("Keep the message under 1,000 characters.")}, code="max_length"
        )
    ctype = ContentType.objects.get_for_model(target)
    if Flag.objects.filter(flagger=by, target_type=ctype, target_id=target.pk).exists():
        raise ValidationError(_("You have already flagged this."), code="already")
    item, opened = _open_item(target, community, author_id)
    weight = 1 + flagger_standing(ctx)
    flag = Flag.objects.create(
        review_item=item,
        target_type=ctype,
        target_id=target.pk,
        flagger=by,
        reason=reason,
        message=message,
        weight=weight,
    )
    now = timezone.now()
    ReviewItem.objects.filter(pk=item.pk).update(
        flag_count=F("flag_count") + 1, weight=F("weight") + weight, updated_at=now
    )
    item.refresh_from_db(fields=["flag_count", "weight", "updated_at"])
    record_activity(
        actor=by,
        verb=moderation.FLAGGED.key,
        community=community,
        target=target,
        payload={"reason": reason, "for_member_id": author_id},
    )
    if opened:
        _tell_animators(community, by)
    threshold = community.auto_hide_flags
    if threshold and item.flag_count >= threshold and not spec.is_hidden(target):
        reason_text = _("Several members flagged it; an animator will review it.")
        spec.hide(target, reason_text)
        ReviewItem.objects.filter(pk=item.pk).update(auto_hidden=True)
        item.auto_hidden = True
        log_action(
            by=None,
            action=ModerationAction.AUTO_HIDE,
            community=community,
            target=target,
            member_id=author_id,
            reason=reason_text,
            before={"hidden": False, "flaggers": item.flag_count},
            after={"hidden": True},
        )
        _tell_author(moderation.CONTENT_HIDDEN.key, target, community, None, reason_text)
    return flag


# --- Hide, restore, edit ----------------------------------------------------------------------


@transaction.atomic
def hide_content(*, target: models.Model, by: Member, reason: str) -> None:
    spec = moderation.get_flaggable(target)
    community = spec.community(target)
    check_animator(by, community)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason: the author is told."), code="reason")
    if spec.is_hidden(target):
        return
    spec.hide(target, reason)
    log_action(
        by=by,
        action=ModerationAction.HIDE,
        community=community,
        target=target,
        member_id=spec.author_id(target),
        reason=reason,
        before={"hidden": False},
        after={"hidden": True},
    )
    _tell_author(moderation.CONTENT_HIDDEN.key, target, community, by, reason)


@transaction.atomic
def restore_content(*, target: models.Model, by: Member, reason: str = "") -> None:
    spec = moderation.get_flaggable(target)
    community = spec.community(target)
    check_animator(by, community)
    if not spec.is_hidden(target):
        return
    spec.restore(target)
    log_action(
        by=by,
        action=ModerationAction.RESTORE,
        community=community,
        target=target,
        member_id=spec.author_id(target),
        reason=reason.strip(),
        before={"hidden": True},
        after={"hidden": False},
    )
    _tell_author(moderation.CONTENT_RESTORED.key, target, community, by, reason.strip())


@transaction.atomic
def edit_content(
    *, target: models.Model, by: Member, text: str, reason: str, action: str = "edit"
) -> None:
    """An animator edits someone's content (the reason is logged and told to the author)."""
    spec = moderation.get_flaggable(target)
    community = spec.community(target)
    check_animator(by, community)
    if not text.strip():
        raise ValidationError({"edited_text": _("Write the edited text.")}, code="required")
    if not reason.strip():
        raise ValidationError(_("Give the reason: the author is told."), code="reason")
    before = spec.text(target)
    spec.edit(target, text, by, reason.strip())
    log_action(
        by=by,
        action=action,
        community=community,
        target=target,
        member_id=spec.author_id(target),
        reason=reason.strip(),
        before={"text": before},
        after={"text": text},
    )
    _tell_author(moderation.CONTENT_EDITED.key, target, community, by, reason.strip())


# --- The review queue -----------------------------------------------------------------------


@transaction.atomic
def resolve_review_item(
    *,
    item: ReviewItem,
    by: Member,
    decision: str,
    reason: str = "",
    edited_text: str = "",
    sanction: str = "",
    sanction_days: int = 0,
    sanction_reason: str = "",
) -> ReviewItem:
    """Close an open review item:

    - ``agree_hide``: the content is hidden (placeholder for others), the author told why;
    - ``agree_keep``: the content stays, with ``edited_text`` replacing its text;
    - ``disagree``: the content is shown again if it was hidden; nobody is told off;
    - ``ignore``: closed without a decision; the content stays as it is.

    Optionally the author is silenced in the community or suspended for
    ``sanction_days`` days, with ``sanction_reason`` (told to them).
    """
    item = (
        ReviewItem.objects.select_for_update()
        .select_related("community", "target_type")
        .get(pk=item.pk)
    )
    community = item.community
    check_animator(by, community)
    if item.status != ReviewStatus.OPEN:
        raise ValidationError(_("This item has already been reviewed."), code="resolved")
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose a decision.")}, code="invalid")
    if sanction not in SANCTIONS:
        raise ValidationError({"sanction": _("Choose a sanction from the list.")}, code="invalid")
    reason = reason.strip()
    target = item.target
    if target is None and decision != "ignore":
        raise ValidationError(_("The content no longer exists: ignore the item."), code="gone")
    if sanction and item.author_id is None:
        raise ValidationError(_("This content has no author to sanction."), code="no_author")
    status = ReviewStatus.IGNORED
    if decision == "agree_hide":
        spec = moderation.get_flaggable(target)  # type: ignore[arg-type]
        reason = reason or _("It breaks the community's charter.")
        if not spec.is_hidden(target):
            spec.hide(target, reason)
        log_action(
            by=by,
            action=ModerationAction.HIDE,
            community=community,
            target=target,
            member_id=item.author_id,
            reason=reason,
            before={"hidden": item.auto_hidden},
            after={"hidden": True},
        )
        _tell_author(moderation.CONTENT_HIDDEN.key, target, community, by, reason)  # type: ignore[arg-type]
        status = ReviewStatus.AGREED_HIDDEN
    elif decision == "agree_keep":
        spec = moderation.get_flaggable(target)  # type: ignore[arg-type]
        if not edited_text.strip():
            raise ValidationError(
                {"edited_text": _("Write the edited text to keep.")}, code="required"
            )
        reason = reason or _("Edited to follow the community's charter.")
        edit_content(
            target=target,  # type: ignore[arg-type]
            by=by,
            text=edited_text,
            reason=reason,
            action=ModerationAction.AGREE_KEEP,
        )
        if spec.is_hidden(target):
            spec.restore(target)
        status = ReviewStatus.AGREED_KEPT
    elif decision == "disagree":
        spec = moderation.get_flaggable(target)  # type: ignore[arg-type]
        was_hidden = spec.is_hidden(target)
        if was_hidden:
            spec.restore(target)
        log_action(
            by=by,
            action=ModerationAction.DISAGREE,
            community=community,
            target=target,
            member_id=item.author_id,
            reason=reason,
            before={"hidden": was_hidden},
            after={"hidden": False},
        )
        if was_hidden:
            _tell_author(moderation.CONTENT_RESTORED.key, target, community, by, reason)  # type: ignore[arg-type]
        status = ReviewStatus.DISAGREED
    else:
        log_action(
            by=by,
            action=ModerationAction.IGNORE,
            community=community,
            target=target,
            member_id=item.author_id,
            reason=reason,
            label=item.excerpt,
        )
    item.status = status
    item.resolved_by = by
    item.resolved_at = timezone.now()
    item.resolution_note = reason
    item.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    if sanction and item.author_id is not None:
        author = Member.objects.select_related("user").get(pk=item.author_id)
        if sanction == "silence":
            membership = Membership.objects.filter(member=author, community=community).first()
            if membership is None:
                raise ValidationError(_("The author is not a member of this community."))
            silence_member(membership=membership, by=by, days=sanction_days, reason=sanction_reason)
        else:
            suspend_member(
                member=author,
                by=by,
                community=community,
                days=sanction_days,
                reason=sanction_reason,
            )
    return item


# --- Silence and suspension -----------------------------------------------------------------


def _period(days: int, reason: str) -> tuple[datetime, str]:
    if not isinstance(days, int) or days < 1 or days > MAX_SANCTION_DAYS:
        raise ValidationError(
            {"sanction_days": _("Give a period between 1 and 3,650 days.")}, code="period"
        )
    if not reason.strip():
        raise ValidationError(
            {"sanction_reason": _("Give the reason: the member is told.")}, code="reason"
        )
    return timezone.now() + timedelta(days=days), reason.strip()


def _when(moment: datetime) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


@transaction.atomic
def silence_member(*, membership: Membership, by: Member, days: int, reason: str) -> Membership:
    """The member may read the community but not post in it until the end of the period."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("community", "member")
        .get(pk=membership.pk)
    )
    community = membership.community
    check_animator(by, community)
    if membership.member_id == by.pk:
        raise ValidationError(_("You cannot silence yourself."), code="self")
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("Only active members can be silenced."), code="not_active")
    until, reason = _period(days, reason)
    before = {
        "silenced_until": membership.silenced_until.isoformat()
        if membership.silenced_until
        else None
    }
    membership.silenced_until = until
    membership.silence_reason = reason
    membership.save(update_fields=["silenced_until", "silence_reason", "updated_at"])
    log_action(
        by=by,
        action=ModerationAction.SILENCE,
        community=community,
        target=membership,
        member_id=membership.member_id,
        reason=reason,
        before=before,
        after={"silenced_until": until.isoformat()},
        label=str(membership.member),
    )
    notify(
        recipients=[membership.member_id],
        kind=moderation.SILENCED.key,
        actor=by,
        community=community,
        target=membership,
        payload={
            "title": community.name,
            "community": community.name,
            "until": _when(until),
            "reason": reason,
            "url": community.get_absolute_url(),
        },
    )
    return membership


@transaction.atomic
def lift_silence(*, membership: Membership, by: Member, reason: str = "") -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("community", "member")
        .get(pk=membership.pk)
    )
    check_animator(by, membership.community)
    if membership.silenced_until is None:
        return membership
    before = {"silenced_until": membership.silenced_until.isoformat()}
    membership.silenced_until = None
    membership.save(update_fields=["silenced_until", "updated_at"])
    log_action(
        by=by,
        action=ModerationAction.UNSILENCE,
        community=membership.community,
        target=membership,
        member_id=membership.member_id,
        reason=reason.strip(),
        before=before,
        after={"silenced_until": None},
        label=str(membership.member),
    )
    return membership


def end_sessions(member: Member) -> int:
    """Log the member out everywhere: every session of theirs is deleted (from the
    cache and the database: sessions are `cached_db`)."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    ended = 0
    for session in UserSession.objects.filter(user_id=member.user_id):
        session.end()
        ended += 1
    # Sessions allauth did not track (made before tracking began, or by force_login).
    from importlib import import_module

    from django.conf import settings

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    user_id = str(member.user_id)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            store_class().delete(session.session_key)
            ended += 1
    return ended


@transaction.atomic
def suspend_member(
    *, member: Member, by: Member, community: Community, days: int, reason: str
) -> Member:
    """The member cannot log in until the end of the period; their sessions end now.

    An animator suspends members of a community they animate (platform-wide: an account
    cannot be half logged in)."""
    check_animator(by, community)
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.pk == by.pk:
        raise ValidationError(_("You cannot suspend yourself."), code="self")
    if member.user.is_superuser:
        raise PermissionDenied(_("Platform administrators cannot be suspended here."))
    if not Membership.objects.filter(member=member, community=community).exists():
        raise PermissionDenied(_("This person is not a member of this community."))
    until, reason = _period(days, reason)
    before = {
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None
    }
    member.suspended_until = until
    member.suspension_reason = reason
    member.save(update_fields=["suspended_until", "suspension_reason", "updated_at"])
    log_action(
        by=by,
        action=ModerationAction.SUSPEND,
        community=community,
        target=member,
        member_id=member.pk,
        reason=reason,
        before=before,
        after={"suspended_until": until.isoformat()},
        label=str(member),
    )
    notify(
        recipients=[member.pk],
        kind=moderation.SUSPENDED.key,
        actor=by,
        community=community,
        target=member,
        payload={
            "title": community.name,
            "community": community.name,
            "until": _when(until),
            "reason": reason,
            "url": "",
        },
    )
    transaction.on_commit(lambda: end_sessions(member))
    return member


@transaction.atomic
def lift_suspension(
    *, member: Member, by: Member, community: Community, reason: str = ""
) -> Member:
    check_animator(by, community)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.suspended_until is None:
        return member
    before = {"suspended_until": member.suspended_until.isoformat()}
    member.suspended_until = None
    member.save(update_fields=["suspended_until", "updated_at"])
    log_action(
        by=by,
        action=ModerationAction.UNSUSPEND,
        community=community,
        target=member,
        member_id=member.pk,
        reason=reason.strip(),
        before=before,
        after={"suspended_until": None},
        label=str(member),
    )
    return member
