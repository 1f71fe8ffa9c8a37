from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Community, Member
from mentoring.models import (
    Goal,
    MentoringSession,
    Mentorship,
    MentorshipDirection,
    MentorshipStatus,
    Skill,
)
from mentoring.reasons import Reason, reasons_for


@dataclass
class MentorshipView:
    mentorship: Mentorship
    partner: Member
    reasons: list[Reason]
    directions: list[MentorshipDirection] = field(default_factory=list)

    @property
    def awaiting_me(self) -> bool:
        return self.mentorship.status in (
            MentorshipStatus.PROPOSED,
            MentorshipStatus.REQUESTED,
        ) and not self.mentorship.has_accepted(self._viewer)

    _viewer: int = 0


def _views(rows: list[Mentorship], viewer: Member) -> list[MentorshipView]:
    views = []
    for m in rows:
        directions = list(m.directions.all())
        names = {m.member_a_id: m.member_a.display_name, m.member_b_id: m.member_b.display_name}
        skills = {d.skill_id: d.skill.name for d in directions}
        payload: list[dict[str, Any]] = [
            {
                "mentor_id": d.mentor_id,
                "learner_id": d.learner_id,
                "skill_id": d.skill_id,
                "mentor_level": d.mentor_level,
                "learner_level": d.learner_level,
            }
            for d in directions
        ]
        view = MentorshipView(
            mentorship=m,
            partner=m.member_b if m.member_a_id == viewer.pk else m.member_a,
            reasons=reasons_for(payload, viewer.pk, names, skills),
            directions=directions,
        )
        view._viewer = viewer.pk
        views.append(view)
    return views


def _base(community: Community) -> Any:
    return (
        Mentorship.objects.filter(community=community)
        .select_related("member_a", "member_b", "community")
        .prefetch_related(
            Prefetch(
                "directions",
                queryset=MentorshipDirection.objects.select_related("skill").order_by("id"),
            )
        )
    )


def list_my_mentorships(member: Member, community: Community) -> dict[str, list[MentorshipView]]:
    """Proposals and requests waiting, active pairs, and the last finished ones
    (3 queries whatever the numbers)."""
    rows = list(
        _base(community)
        .involving(member.pk)
        .filter(
            Q(
                status__in=[
                    MentorshipStatus.PROPOSED,
                    MentorshipStatus.REQUESTED,
                    MentorshipStatus.ACTIVE,
                ]
            )
        )
        .order_by("-created_at", "-id")[:100]
    )
    past = list(
        _base(community)
        .involving(member.pk)
        .filter(status__in=[MentorshipStatus.COMPLETED, MentorshipStatus.ENDED])
        .order_by("-ended_at", "-id")[:20]
    )
    views = _views(rows, member)
    return {
        "waiting": [v for v in views if v.mentorship.status != MentorshipStatus.ACTIVE],
        "active": [v for v in views if v.mentorship.status == MentorshipStatus.ACTIVE],
        "past": _views(past, member),
    }


def access_mentorship(member: Member | None, community: Community, pk: int) -> MentorshipView:
    """A mentorship of this community seen by one of its two members; 404 for anyone else
    (its existence and its notes are the pair's business)."""
    if member is None:
        raise Http404(_("No such mentorship."))
    row = _base(community).involving(member.pk).filter(pk=pk).first()
    if row is None:
        raise Http404(_("No such mentorship."))
    return _views([row], member)[0]


def get_mentorship_page(view: MentorshipView) -> dict[str, Any]:
    m = view.mentorship
    goals: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(direction__mentorship=m).order_by("created_at", "id"):
        goals.setdefault(goal.direction_id, []).append(goal)
    sessions = list(
        MentoringSession.objects.filter(mentorship=m)
        .select_related("logged_by")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("slug")))
        .order_by("-held_on", "-id")[:50]
    )
    feedback = list(m.feedback.all())
    return {
        "goals": [(d, goals.get(d.pk, [])) for d in view.directions],
        "sessions": sessions,
        "feedback": feedback,
    }
