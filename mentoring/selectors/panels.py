"""What mentoring/ adds to other apps' pages: the community front page, profiles, global
search and the personal-data download."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from community.global_search import Hit, Section
from community.models import Community, Member
from community.models.communities import MembershipStatus, Visibility
from community.permissions import CommunityContext, is_platform_admin
from mentoring.models import (
    DeclarationKind,
    Feedback,
    MentoringSession,
    Mentorship,
    MentorshipStatus,
    RoundStatus,
    SkillDeclaration,
)


def overview_panel(ctx: CommunityContext) -> dict[str, Any] | None:
    community = ctx.community
    active = Mentorship.objects.filter(community=community, status=MentorshipStatus.ACTIVE).count()
    open_round = (
        community.matching_rounds.filter(status=RoundStatus.DRAFT).order_by("-created_at").first()
    )
    if not active and open_round is None:
        return None
    return {"community": community, "active": active, "open_round": open_round}


def profile_panel(member: Member, viewer: Any, community_ids: list[int]) -> dict[str, Any] | None:
    rows = list(
        SkillDeclaration.objects.filter(member=member, skill__merged_into__isnull=True)
        .select_related("skill")
        .order_by("-level", "skill__slug")
    )
    if not rows:
        return None
    return {
        "teach": [r for r in rows if r.kind == DeclarationKind.TEACH],
        "learn": [r for r in rows if r.kind == DeclarationKind.LEARN],
    }


def search_people(user: Any, text: str, limit: int) -> Section:
    """Members who can teach a skill matching the text, in communities the person may read."""
    text = text.strip()[:60]
    if not text:
        return Section()
    skill_match = Q(skill__name_fr__icontains=text) | Q(skill__name_en__icontains=text)
    visible = Q(member__memberships__community__visibility=Visibility.PUBLIC)
    if is_platform_admin(user):
        visible = Q()
    elif user.is_authenticated:
        viewer_communities = Community.objects.filter(
            memberships__member__user=user, memberships__status=MembershipStatus.ACTIVE
        )
        visible |= Q(member__memberships__community__in=viewer_communities)
    rows = list(
        SkillDeclaration.objects.filter(skill_match, kind=DeclarationKind.TEACH)
        .filter(visible, member__memberships__status=MembershipStatus.ACTIVE)
        .filter(member__is_anonymized=False, skill__merged_into__isnull=True)
        .select_related("member", "skill")
        .order_by("-level", "member__display_name", "id")
        .distinct()[: limit * 3]
    )
    hits, seen = [], set()
    for row in rows:
        if row.member_id in seen:
            continue
        seen.add(row.member_id)
        hits.append(
            Hit(
                title=row.member.display_name,
                url=row.member.get_absolute_url(),
                snippet=_("Can teach %(skill)s (level %(level)d)")
                % {"skill": row.skill.name, "level": row.level},
            )
        )
    return Section(
        hits=hits[:limit], more_url=f"{reverse('community:search')}?{urlencode({'q': text})}"
    )


def export_member_data(member: Member) -> dict[str, Any]:
    mentorships = Mentorship.objects.involving(member.pk)
    return {
        "skills": [
            {"skill": d.skill.slug, "kind": d.kind, "level": d.level, "target": d.target_level}
            for d in SkillDeclaration.objects.filter(member=member).select_related("skill")
        ],
        "mentorships": [
            {"id": m.pk, "status": m.status, "created_at": m.created_at.isoformat()}
            for m in mentorships.order_by("id")
        ],
        "sessions": [
            {
                "held_on": s.held_on.isoformat(),
                "minutes": s.duration_minutes,
                "topic": s.topic,
                "notes": s.notes,
            }
            for s in MentoringSession.objects.filter(mentorship__in=mentorships).order_by("id")
        ],
        "feedback": [
            {"mentorship": f.mentorship_id, "rating": f.rating, "comment": f.comment}
            for f in Feedback.objects.filter(member=member)
        ],
    }
