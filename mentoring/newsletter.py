"""mentoring/'s newsletter section: a reminder of the member's active pairs (sessions so
far, the last one) and, for members who want to learn and have no open pair, how many
members of the community can teach them what they asked for."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.models import Community, Member
from community.models.communities import MembershipStatus
from community.newsletters import DigestPeriod, NewsletterSection, absolute_url, register_section
from mentoring.models import (
    OPEN_STATUSES,
    DeclarationKind,
    Mentorship,
    MentorshipStatus,
    SkillDeclaration,
)

KEY = "mentoring.pairs"


def prepare(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[str, Any]:
    ids = [m.pk for m in members]
    community_ids = [c.pk for c in communities]
    pairs: dict[int, list[Mentorship]] = defaultdict(list)
    open_ids: set[int] = set()
    rows = (
        Mentorship.objects.filter(
            Q(member_a_id__in=ids) | Q(member_b_id__in=ids),
            community_id__in=community_ids,
            status__in=OPEN_STATUSES,
        )
        .select_related("member_a", "member_b", "community")
        .order_by("-started_at", "id")
    )
    for m in rows:
        for side in (m.member_a_id, m.member_b_id):
            open_ids.add(side)
            if m.status == MentorshipStatus.ACTIVE:
                pairs[side].append(m)
    wanted: dict[int, list[Any]] = defaultdict(list)
    for decl in (
        SkillDeclaration.objects.filter(
            member_id__in=ids, kind=DeclarationKind.LEARN, skill__merged_into__isnull=True
        )
        .select_related("skill")
        .order_by("member_id", "priority", "skill_id")
    ):
        wanted[decl.member_id].append(decl.skill)
    skill_ids = {s.pk for skills in wanted.values() for s in skills}
    teachers: dict[tuple[int, int], int] = {}
    if skill_ids:
        for skill_id, community_id, n in (
            SkillDeclaration.objects.filter(
                kind=DeclarationKind.TEACH,
                skill_id__in=skill_ids,
                member__is_anonymized=False,
                member__memberships__community_id__in=community_ids,
                member__memberships__status=MembershipStatus.ACTIVE,
            )
            .values_list("skill_id", "member__memberships__community_id")
            .annotate(n=Count("member_id", distinct=True))
            .order_by()
        ):
            teachers[(skill_id, community_id)] = n
    return {"pairs": pairs, "open": open_ids, "wanted": wanted, "teachers": teachers}


def build(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    data = period.data.get(KEY) or prepare([member], communities, period)
    in_scope = {c.pk for c in communities}
    active = []
    for m in data["pairs"].get(member.pk, []):
        if m.community_id not in in_scope:
            continue
        other = m.member_b if m.member_a_id == member.pk else m.member_a
        active.append(
            {
                "with": other.display_name,
                "url": absolute_url(
                    reverse(
                        "mentoring:mentorship-detail",
                        kwargs={"slug": m.community.slug, "pk": m.pk},
                    )
                ),
                "sessions": m.session_count,
                "last": m.last_session_on,
            }
        )
    suggestions = []
    if member.pk not in data["open"]:
        for community in communities:
            for skill in data["wanted"].get(member.pk, []):
                n = data["teachers"].get((skill.pk, community.pk), 0)
                if n > 0:
                    suggestions.append(
                        {
                            "skill": skill.name,
                            "count": n,
                            "community": community.name,
                            "url": absolute_url(
                                reverse("mentoring:find", kwargs={"slug": community.slug})
                                + f"?skill={skill.slug}"
                            ),
                        }
                    )
        suggestions = suggestions[:3]
    if not active and not suggestions:
        return None
    return {"active": active, "suggestions": suggestions}


def register() -> None:
    register_section(
        NewsletterSection(
            KEY,
            _("Mentoring: your pairs and who could teach you"),
            60,
            build=build,
            template="mentoring/newsletter/pairs.html",
            prepare=prepare,
        )
    )
