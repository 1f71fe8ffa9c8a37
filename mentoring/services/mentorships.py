from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Community, Member
from community.models.communities import MembershipStatus
from community.services.activity import record_activity
from community.services.notifications import notify
from mentoring.models import (
    DeclarationKind,
    Feedback,
    Goal,
    MentoringBlock,
    MentoringSession,
    Mentorship,
    MentorshipDirection,
    MentorshipStatus,
    Skill,
    SkillDeclaration,
)
from mentoring.services.skills import raise_learning_level


def mentorship_url(mentorship: Mentorship) -> str:
    return reverse(
        "mentoring:mentorship-detail",
        kwargs={"slug": mentorship.community.slug, "pk": mentorship.pk},
    )


def directions_payload(mentorship: Mentorship) -> list[dict[str, int]]:
    return [
        {"mentor_id": d.mentor_id, "learner_id": d.learner_id, "skill_id": d.skill_id}
        for d in mentorship.directions.order_by("id")
    ]


def _check_party(mentorship: Mentorship, member: Member) -> None:
    if member.pk not in (mentorship.member_a_id, mentorship.member_b_id):
        raise PermissionDenied(_("Only the two members of this mentorship can do this."))


def _lock(mentorship: Mentorship) -> Mentorship:
    locked = (
        Mentorship.objects.select_for_update().select_related("community").get(pk=mentorship.pk)
    )
    return locked


def _level(member_id: int, skill_id: int, kind: str) -> SkillDeclaration | None:
    return SkillDeclaration.objects.filter(
        member_id=member_id, skill_id=skill_id, kind=kind
    ).first()


def _open_between(a: int, b: int) -> bool:
    lo, hi = min(a, b), max(a, b)
    return Mentorship.objects.open().filter(member_a_id=lo, member_b_id=hi).exists()


def is_blocked(a: int, b: int) -> bool:
    return MentoringBlock.objects.filter(
        Q(member_id=a, blocked_id=b) | Q(member_id=b, blocked_id=a)
    ).exists()


@transaction.atomic
def create_mentorship(
    *,
    community: Community,
    directions: list[dict[str, Any]],
    status: str,
    round_id: int | None = None,
    requested_by: Member | None = None,
    message: str = "",
    weight: int = 0,
) -> Mentorship:
    """A proposed or requested relationship with its directions ({mentor_id, learner_id,
    skill_id, mentor_level, learner_level, weight})."""
    ids = {directions[0]["mentor_id"], directions[0]["learner_id"]}
    a, b = min(ids), max(ids)
    now = timezone.now()
    mentorship = Mentorship(
        community=community,
        round_id=round_id,
        member_a_id=a,
        member_b_id=b,
        status=status,
        reciprocal=len(directions) == 2,
        weight=weight,
        requested_by=requested_by,
        message=message,
    )
    if requested_by is not None:
        if requested_by.pk == a:
            mentorship.accepted_a_at = now
        else:
            mentorship.accepted_b_at = now
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError:
        raise ValidationError(_("You two already have a mentorship under way.")) from None
    for d in directions:
        target = _level(d["learner_id"], d["skill_id"], DeclarationKind.LEARN)
        MentorshipDirection.objects.create(
            mentorship=mentorship,
            mentor_id=d["mentor_id"],
            learner_id=d["learner_id"],
            skill_id=d["skill_id"],
            mentor_level=d.get("mentor_level", 0),
            learner_level=d.get("learner_level", 0),
            target_level=target.target_level if target else None,
            weight=d.get("weight", 0),
        )
    return mentorship


@transaction.atomic
def request_mentorship(
    *, requester: Member, mentor: Member, community: Community, skill: Skill, message: str = ""
) -> Mentorship:
    """Ask ``mentor`` to teach ``skill``; they are notified and accept or decline."""
    if requester.pk == mentor.pk:
        raise ValidationError(_("You cannot ask yourself."))
    if not mentor.memberships.filter(community=community, status=MembershipStatus.ACTIVE).exists():
        raise ValidationError(_("This person is not a member of the community."))
    teach = _level(mentor.pk, skill.pk, DeclarationKind.TEACH)
    if teach is None:
        raise ValidationError(_("This person does not offer to teach this skill."))
    if is_blocked(requester.pk, mentor.pk):
        raise ValidationError(_("This person cannot be asked."))
    if _open_between(requester.pk, mentor.pk):
        raise ValidationError(_("You two already have a mentorship under way."))
    learn = _level(requester.pk, skill.pk, DeclarationKind.LEARN)
    mentorship = create_mentorship(
        community=community,
        directions=[
            {
                "mentor_id": mentor.pk,
                "learner_id": requester.pk,
                "skill_id": skill.pk,
                "mentor_level": teach.level,
                "learner_level": learn.level if learn else 1,
            }
        ],
        status=MentorshipStatus.REQUESTED,
        requested_by=requester,
        message=message,
    )
    record_activity(
        actor=requester,
        verb="mentoring.mentorship_requested",
        community=community,
        target=mentorship,
        payload={"mentorship_id": mentorship.pk, "for_member_id": mentor.pk},
    )
    notify(
        recipients=[mentor.pk],
        kind="mentoring.request",
        actor=requester,
        community=community,
        target=mentorship,
        payload={
            "url": mentorship_url(mentorship),
            "skill": skill.name_en,
            "skill_fr": skill.name_fr,
        },
    )
    return mentorship


@transaction.atomic
def accept_mentorship(*, mentorship: Mentorship, member: Member) -> Mentorship:
    """Accept a proposal or a request; the mentorship starts when both have accepted."""
    mentorship = _lock(mentorship)
    _check_party(mentorship, member)
    if mentorship.status not in (MentorshipStatus.PROPOSED, MentorshipStatus.REQUESTED):
        raise ValidationError(_("This mentorship is no longer waiting for an answer."))
    if mentorship.has_accepted(member.pk):
        return mentorship
    now = timezone.now()
    if member.pk == mentorship.member_a_id:
        mentorship.accepted_a_at = now
    else:
        mentorship.accepted_b_at = now
    fields = ["accepted_a_at", "accepted_b_at"]
    if mentorship.accepted_a_at and mentorship.accepted_b_at:
        mentorship.status = MentorshipStatus.ACTIVE
        mentorship.started_at = now
        fields += ["status", "started_at"]
    mentorship.save(update_fields=fields)
    if mentorship.status == MentorshipStatus.ACTIVE:
        record_activity(
            actor=member,
            verb="mentoring.mentorship_started",
            community=mentorship.community,
            target=mentorship,
            payload={
                "mentorship_id": mentorship.pk,
                "reciprocal": mentorship.reciprocal,
                "member_ids": [mentorship.member_a_id, mentorship.member_b_id],
                "directions": directions_payload(mentorship),
            },
        )
        notify(
            recipients=[mentorship.other(member.pk)],
            kind="mentoring.accepted",
            actor=member,
            community=mentorship.community,
            target=mentorship,
            payload={"url": mentorship_url(mentorship)},
        )
    return mentorship


@transaction.atomic
def decline_mentorship(
    *, mentorship: Mentorship, member: Member, never_again: bool = False
) -> Mentorship:
    mentorship = _lock(mentorship)
    _check_party(mentorship, member)
    if mentorship.status not in (MentorshipStatus.PROPOSED, MentorshipStatus.REQUESTED):
        raise ValidationError(_("This mentorship is no longer waiting for an answer."))
    mentorship.status = MentorshipStatus.DECLINED
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["status", "ended_at"])
    if never_again:
        MentoringBlock.objects.get_or_create(member=member, blocked_id=mentorship.other(member.pk))
    return mentorship


@transaction.atomic
def log_session(
    *,
    mentorship: Mentorship,
    by: Member,
    held_on: dt.date,
    duration_minutes: int,
    topic: str,
    notes: str = "",
    skill_ids: list[int] | None = None,
) -> MentoringSession:
    mentorship = _lock(mentorship)
    _check_party(mentorship, by)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(_("Sessions are logged while the mentorship is active."))
    if held_on > timezone.localdate():
        raise ValidationError(_("A session is logged once it has taken place."))
    directions = list(mentorship.directions.order_by("id"))
    allowed = {d.skill_id for d in directions}
    chosen = sorted(set(skill_ids or allowed))
    if not set(chosen) <= allowed:
        raise ValidationError(_("Choose the skills of this mentorship."))
    session = MentoringSession(
        mentorship=mentorship,
        held_on=held_on,
        duration_minutes=duration_minutes,
        topic=topic,
        notes=notes,
        logged_by=by,
    )
    session.full_clean()
    session.save()
    session.skills.set(chosen)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        session_count=F("session_count") + 1,
        last_session_on=Greatest(Coalesce("last_session_on", held_on), held_on),
    )
    worked = [d for d in directions if d.skill_id in chosen]
    record_activity(
        actor=by,
        verb="mentoring.session_held",
        community=mentorship.community,
        target=session,
        payload={
            "mentorship_id": mentorship.pk,
            "duration_minutes": duration_minutes,
            "mentor_ids": sorted({d.mentor_id for d in worked}),
            "learner_ids": sorted({d.learner_id for d in worked}),
            "skill_ids": chosen,
        },
    )
    return session


@transaction.atomic
def add_goal(*, direction: MentorshipDirection, by: Member, text: str) -> Goal:
    _check_party(direction.mentorship, by)
    if not direction.mentorship.is_open:
        raise ValidationError(_("This mentorship is over."))
    goal = Goal(direction=direction, text=text.strip())
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def set_goal_done(*, goal: Goal, by: Member, done: bool) -> Goal:
    _check_party(goal.direction.mentorship, by)
    goal.done_at = timezone.now() if done else None
    goal.save(update_fields=["done_at"])
    return goal


@transaction.atomic
def give_feedback(
    *,
    mentorship: Mentorship,
    member: Member,
    rating: int,
    comment: str = "",
    new_level: int | None = None,
) -> Feedback:
    """End-of-mentorship feedback, and the learner's self-assessed new level."""
    _check_party(mentorship, member)
    if mentorship.status not in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED):
        raise ValidationError(_("Feedback comes at the end of the mentorship."))
    feedback, _created = Feedback.objects.update_or_create(
        mentorship=mentorship, member=member, defaults={"rating": rating, "comment": comment}
    )
    if new_level:
        direction = mentorship.directions.filter(learner=member).first()
        if direction is not None:
            direction.new_level = new_level
            direction.save(update_fields=["new_level"])
            raise_learning_level(
                member=member,
                community=mentorship.community,
                skill_id=direction.skill_id,
                level=new_level,
                mentorship_id=mentorship.pk,
            )
    return feedback


def _close(mentorship: Mentorship, status: str, reason: str) -> None:
    mentorship.status = status
    mentorship.ended_at = timezone.now()
    mentorship.end_reason = reason
    mentorship.save(update_fields=["status", "ended_at", "end_reason"])


@transaction.atomic
def complete_mentorship(
    *,
    mentorship: Mentorship,
    by: Member,
    rating: int,
    comment: str = "",
    new_level: int | None = None,
) -> Mentorship:
    mentorship = _lock(mentorship)
    _check_party(mentorship, by)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(_("Only an active mentorship can be completed."))
    _close(mentorship, MentorshipStatus.COMPLETED, "")
    record_activity(
        actor=by,
        verb="mentoring.mentorship_completed",
        community=mentorship.community,
        target=mentorship,
        payload={
            "mentorship_id": mentorship.pk,
            "reciprocal": mentorship.reciprocal,
            "member_ids": [mentorship.member_a_id, mentorship.member_b_id],
            "directions": directions_payload(mentorship),
        },
    )
    give_feedback(
        mentorship=mentorship, member=by, rating=rating, comment=comment, new_level=new_level
    )
    return mentorship


@transaction.atomic
def end_mentorship(
    *, mentorship: Mentorship, by: Member, reason: str, as_animator: bool = False
) -> Mentorship:
    """End early (a member, with a reason; or an animator of the community)."""
    mentorship = _lock(mentorship)
    if not as_animator:
        _check_party(mentorship, by)
    if not reason.strip():
        raise ValidationError(_("Say in a few words why it ends."))
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(_("Only an active mentorship can be ended."))
    _close(mentorship, MentorshipStatus.ENDED, reason.strip())
    record_activity(
        actor=by,
        verb="mentoring.mentorship_ended",
        community=mentorship.community,
        target=mentorship,
        payload={
            "mentorship_id": mentorship.pk,
            "reason": mentorship.end_reason,
            "member_ids": [mentorship.member_a_id, mentorship.member_b_id],
        },
    )
    return mentorship


def stalled_since(now: dt.datetime | None = None, days: int | None = None) -> dt.date:
    days = settings.MENTORING_STALLED_DAYS if days is None else days
    return timezone.localdate(now or timezone.now()) - dt.timedelta(days=days)


def remind_stalled_pairs(*, now: dt.datetime | None = None) -> int:
    """Remind both members of active pairs that have not met for MENTORING_STALLED_DAYS
    (once per period: `reminded_at` is set). Safe to run twice. Returns pairs reminded."""
    now = now or timezone.now()
    days = settings.MENTORING_STALLED_DAYS
    limit = stalled_since(now, days)
    again = now - dt.timedelta(days=days)
    reminded = 0
    candidates = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .annotate(last=Coalesce("last_session_on", "started_at__date"))
        .filter(last__lte=limit)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=again))
        .select_related("community", "member_a", "member_b")
        .order_by("id")[:500]
    )
    for mentorship in candidates:
        with transaction.atomic():
            claimed = (
                Mentorship.objects.filter(pk=mentorship.pk)
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=again))
                .update(reminded_at=now)
            )
            if not claimed:
                continue
            for me, other in (
                (mentorship.member_a, mentorship.member_b),
                (mentorship.member_b, mentorship.member_a),
            ):
                notify(
                    recipients=[me.pk],
                    kind="mentoring.reminder",
                    community=mentorship.community,
                    target=mentorship,
                    payload={
                        "url": mentorship_url(mentorship),
                        "partner": other.display_name,
                        "days": days,
                    },
                    group_key=f"mentoring-reminder:{mentorship.pk}",
                )
            reminded += 1
    return reminded


@transaction.atomic
def repair_mentorship(*, mentorship: Mentorship, by: Member, reason: str) -> list[Mentorship]:
    """An animator ends a pair and proposes each member their best available partner."""
    from mentoring.selectors.find import suggest_partners

    mentorship = end_mentorship(mentorship=mentorship, by=by, reason=reason, as_animator=True)
    community = mentorship.community
    created: list[Mentorship] = []
    for member in (mentorship.member_a, mentorship.member_b):
        for suggestion in suggest_partners(member, community, limit=5):
            partner = suggestion.member
            if partner.pk in (mentorship.member_a_id, mentorship.member_b_id):
                continue
            if _open_between(member.pk, partner.pk):
                continue
            directions = _directions_between(member.pk, partner.pk)
            if not directions:
                continue
            proposal = create_mentorship(
                community=community,
                directions=directions,
                status=MentorshipStatus.PROPOSED,
                weight=suggestion.weight,
            )
            url = mentorship_url(proposal)
            for me, other in ((member, partner), (partner, member)):
                notify(
                    recipients=[me.pk],
                    kind="mentoring.proposal",
                    community=community,
                    target=proposal,
                    payload={"url": url, "partner": other.display_name},
                )
            created.append(proposal)
            break
    return created


def _directions_between(learner_id: int, mentor_id: int) -> list[dict[str, int]]:
    """The best skill each can teach the other (learner's side first)."""
    from mentoring.matching import arc_weight

    out = []
    for mentor, learner in ((mentor_id, learner_id), (learner_id, mentor_id)):
        teach = dict(
            SkillDeclaration.objects.filter(
                member_id=mentor, kind=DeclarationKind.TEACH
            ).values_list("skill_id", "level")
        )
        best = None
        for skill_id, lv, tg, pr in SkillDeclaration.objects.filter(
            member_id=learner, kind=DeclarationKind.LEARN, skill_id__in=list(teach)
        ).values_list("skill_id", "level", "target_level", "priority"):
            w = int(
                arc_weight(
                    teacher_level=teach[skill_id],
                    learner_level=lv,
                    target=tg or 5,
                    priority=pr,
                    strategic=1.0,
                )
            )
            if w > 0 and (best is None or w > best["weight"]):
                best = {
                    "mentor_id": mentor,
                    "learner_id": learner,
                    "skill_id": skill_id,
                    "mentor_level": teach[skill_id],
                    "learner_level": lv,
                    "weight": w,
                }
        if best is not None:
            out.append(best)
    return out
