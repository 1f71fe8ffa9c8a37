"""Skill endorsements (internal certifications) and recognition settings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from community.models import Community, Member, Membership
from community.models.communities import MembershipStatus
from community.permissions import CommunityContext, can_animate
from community.services import notify, record_activity
from mentoring.models import Mentorship, MentorshipDirection, MentorshipStatus, Skill
from recognition.models import CommunityRecognition, Endorsement, RecognitionPreference


def mentor_direction(
    mentorship: Mentorship | None, endorser: Member, member: Member, skill: Skill
) -> MentorshipDirection | None:
    """The direction of ``mentorship`` where ``endorser`` mentors ``member`` in ``skill``
    (an active or completed mentorship), or None."""
    if mentorship is None or mentorship.status not in (
        MentorshipStatus.ACTIVE,
        MentorshipStatus.COMPLETED,
    ):
        return None
    return MentorshipDirection.objects.filter(
        mentorship=mentorship, mentor=endorser, learner=member, skill=skill
    ).first()


def can_endorse(
    ctx: CommunityContext,
    endorser: Member,
    member: Member,
    skill: Skill,
    mentorship: Mentorship | None,
) -> bool:
    if endorser.pk == member.pk:
        return False
    if mentorship is not None and mentorship.community_id != ctx.community.pk:
        return False
    if can_animate(ctx):
        return True
    return mentor_direction(mentorship, endorser, member, skill) is not None


@transaction.atomic
def endorse_skill(
    *,
    ctx: CommunityContext,
    endorser: Member,
    member: Member,
    skill: Skill,
    level: int,
    evidence: str = "",
    mentorship: Mentorship | None = None,
) -> Endorsement:
    """The mentor of that mentorship, or an animator of the community, validates that
    ``member`` reached ``level`` in ``skill``. Endorsing again updates the level."""
    if not can_endorse(ctx, endorser, member, skill, mentorship):
        raise PermissionDenied
    if not Membership.objects.filter(
        member=member, community=ctx.community, status=MembershipStatus.ACTIVE
    ).exists():
        raise PermissionDenied
    if level not in range(1, 6):
        raise ValidationError(_("Choose a level from 1 to 5."))
    evidence = evidence.strip()
    if len(evidence) > 2000:
        raise ValidationError(_("Keep the evidence under 2000 characters."))
    endorsement, _created = Endorsement.objects.update_or_create(
        member=member,
        skill=skill,
        endorser=endorser,
        defaults={
            "level": level,
            "evidence": evidence,
            "mentorship": mentorship,
            "community": ctx.community,
        },
    )
    record_activity(
        actor=endorser,
        verb="recognition.skill_endorsed",
        community=ctx.community,
        target=endorsement,
        payload={
            "endorsement_id": endorsement.pk,
            "member_id": member.pk,
            "skill_id": skill.pk,
            "level": level,
            "mentorship_id": mentorship.pk if mentorship else None,
        },
    )
    notify(
        recipients=[member.pk],
        kind="recognition.endorsed",
        actor=endorser,
        community=ctx.community,
        target=endorsement,
        payload={
            "url": reverse("recognition:mine"),
            "skill": skill.name_en,
            "skill_fr": skill.name_fr,
            "level": level,
        },
    )
    return endorsement


@transaction.atomic
def set_wall_opt_out(*, member: Member, hidden: bool) -> None:
    RecognitionPreference.objects.update_or_create(
        member=member, defaults={"hide_from_wall": hidden}
    )


@transaction.atomic
def set_top_contributors(*, ctx: CommunityContext, enabled: bool) -> None:
    if not can_animate(ctx):
        raise PermissionDenied
    community: Community = ctx.community
    CommunityRecognition.objects.update_or_create(
        community=community, defaults={"top_contributors": enabled}
    )
