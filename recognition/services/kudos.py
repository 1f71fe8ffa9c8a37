"""Kudos: a member thanks another for a contribution, with a short message."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member, Membership
from community.models.communities import MembershipStatus
from community.permissions import CommunityContext, check_can_contribute
from community.services import notify, record_activity
from recognition.models import Kudos, KudosAbout

MESSAGE_MAX = 280


def kudos_per_day() -> int:
    return int(getattr(settings, "RECOGNITION_KUDOS_PER_DAY", 5))


def kudos_left_today(member: Member) -> int:
    since = timezone.now() - timedelta(days=1)
    given = Kudos.objects.filter(giver=member, created_at__gte=since).count()
    return max(0, kudos_per_day() - given)


@transaction.atomic
def give_kudos(
    *,
    ctx: CommunityContext,
    giver: Member,
    receiver: Member,
    message: str,
    about: str = KudosAbout.GENERAL,
    about_id: int | None = None,
) -> Kudos:
    """Thank ``receiver`` (an active member of the community). At most
    ``RECOGNITION_KUDOS_PER_DAY`` in 24 hours, so that kudos stay meaningful."""
    check_can_contribute(ctx)
    message = message.strip()
    if receiver.pk == giver.pk:
        raise ValidationError(_("You cannot thank yourself."))
    if not message:
        raise ValidationError(_("Write a few words of thanks."))
    if len(message) > MESSAGE_MAX:
        raise ValidationError(_("Keep it short: at most %(n)d characters.") % {"n": MESSAGE_MAX})
    if about not in KudosAbout.values:
        raise ValidationError(_("Choose what you thank them for."))
    if about == KudosAbout.GENERAL:
        about_id = None
    is_member = Membership.objects.filter(
        member=receiver, community=ctx.community, status=MembershipStatus.ACTIVE
    ).exists()
    if not is_member or receiver.is_anonymized:
        raise PermissionDenied
    # Lock the giver's row so that two requests at once cannot pass the limit together.
    Member.objects.select_for_update().filter(pk=giver.pk).first()
    if kudos_left_today(giver) <= 0:
        raise ValidationError(
            _("You have given %(n)d kudos in the last 24 hours: come back tomorrow.")
            % {"n": kudos_per_day()}
        )
    kudos = Kudos.objects.create(
        giver=giver,
        receiver=receiver,
        community=ctx.community,
        about=about,
        about_id=about_id,
        message=message,
    )
    record_activity(
        actor=giver,
        verb="recognition.kudos_given",
        community=ctx.community,
        target=kudos,
        payload={"kudos_id": kudos.pk, "for_member_id": receiver.pk, "about": about},
    )
    notify(
        recipients=[receiver.pk],
        kind="recognition.kudos",
        actor=giver,
        community=ctx.community,
        target=kudos,
        payload={
            "url": reverse("recognition:wall", kwargs={"slug": ctx.community.slug}),
            "message": message[:120],
        },
    )
    return kudos
