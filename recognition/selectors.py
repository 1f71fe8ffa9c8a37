"""Reads of recognition/: the profile panel, the recognition wall, badge pages, a member's
badges, the monthly top contributors, ambassador suggestions, the data export."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import ActivityEvent, Community, Member, Membership
from community.models.communities import MembershipStatus, Visibility
from community.permissions import is_platform_admin
from recognition.models import (
    GROUP_ORDER,
    BadgeClass,
    BadgeGrant,
    BadgeGroup,
    CommunityRecognition,
    Endorsement,
    Kudos,
    RecognitionPreference,
)
from recognition.rules import FORUM_CONTRIBUTIONS
from recognition.subjects import attach_subject_urls


def live_grants() -> QuerySet[BadgeGrant]:
    return BadgeGrant.objects.filter(revoked_at__isnull=True, badge__enabled=True)


def _visible_in(community_ids: list[int]) -> Q:
    return Q(community__isnull=True) | Q(community_id__in=community_ids)


def profile_panel(member: Member, viewer: Any, community_ids: list[int]) -> dict[str, Any] | None:
    """Badges by group, titles, kudos received, endorsed skills (4 queries)."""
    own = getattr(viewer, "is_authenticated", False) and getattr(viewer, "pk", None) == (
        member.user_id
    )
    grants_qs = live_grants().filter(member=member).select_related("badge")
    kudos_qs = Kudos.objects.filter(receiver=member).select_related("giver")
    endorsements_qs = Endorsement.objects.filter(member=member).select_related("skill", "endorser")
    if not own:
        grants_qs = grants_qs.filter(_visible_in(community_ids), public=True)
        kudos_qs = kudos_qs.filter(community_id__in=community_ids)
        endorsements_qs = endorsements_qs.filter(community_id__in=community_ids)
    grants = list(grants_qs.order_by("-granted_at")[:200])
    kudos = list(kudos_qs.order_by("-created_at")[:5])
    attach_subject_urls(viewer, kudos)
    endorsements = list(endorsements_qs.order_by("-level", "skill__slug")[:50])
    if not grants and not kudos and not endorsements:
        return None
    groups = []
    labels = dict(BadgeGroup.choices)
    for key in GROUP_ORDER:
        rows = [g for g in grants if g.badge.group == key]
        if rows:
            groups.append({"label": labels[key], "grants": rows})
    titles = sorted({g.badge.name for g in grants if g.badge.titleable})
    best: dict[int, Endorsement] = {}
    for e in endorsements:
        if e.skill_id not in best or e.level > best[e.skill_id].level:
            best[e.skill_id] = e
    return {
        "member": member,
        "own": own,
        "groups": groups,
        "titles": titles,
        "kudos": kudos,
        "kudos_count": kudos_qs.count() if kudos else 0,
        "endorsements": sorted(best.values(), key=lambda e: (-e.level, e.skill.slug)),
    }


def _hidden_members() -> QuerySet[RecognitionPreference]:
    return RecognitionPreference.objects.filter(hide_from_wall=True)


MILESTONES = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
MILESTONE_VERBS = {
    "forums.answer_accepted": "answers",
    "mentoring.session_held": "sessions",
    "events.attended": "attendances",
    "resources.shared": "resources",
    "recognition.kudos_given": "kudos",
}


def community_milestones(community: Community) -> list[dict[str, Any]]:
    """The milestones the community itself reached (the 100th solved question...), with
    when: the time of the n-th event (one query)."""
    counts = dict(
        ActivityEvent.objects.filter(community=community, verb__in=MILESTONE_VERBS)
        .values_list("verb")
        .annotate(n=Count("id"))
        .values_list("verb", "n")
    )
    out = []
    for verb, key in MILESTONE_VERBS.items():
        reached = [m for m in MILESTONES if m <= counts.get(verb, 0)]
        if reached:
            out.append({"key": key, "count": reached[-1]})
    if community.member_count >= MILESTONES[0]:
        out.append(
            {"key": "members", "count": [m for m in MILESTONES if m <= community.member_count][-1]}
        )
    return out


def wall(community: Community, *, limit: int = 12, viewer: Any = None) -> dict[str, Any]:
    """Recent badges, kudos and endorsements of a community, without members who opted out
    (a bounded number of queries)."""
    hidden = _hidden_members().filter(member=OuterRef("member_id"))
    grants = list(
        live_grants()
        .filter(community=community, public=True, member__is_anonymized=False)
        .exclude(Exists(hidden))
        .select_related("badge", "member")
        .order_by("-granted_at", "-id")[:limit]
    )
    hidden_giver = _hidden_members().filter(member=OuterRef("giver_id"))
    hidden_receiver = _hidden_members().filter(member=OuterRef("receiver_id"))
    kudos = list(
        Kudos.objects.filter(community=community)
        .exclude(Exists(hidden_giver))
        .exclude(Exists(hidden_receiver))
        .select_related("giver", "receiver")
        .order_by("-created_at", "-id")[:limit]
    )
    attach_subject_urls(viewer, kudos)
    endorsements = list(
        Endorsement.objects.filter(community=community)
        .exclude(Exists(hidden))
        .select_related("member", "skill", "endorser")
        .order_by("-created_at", "-id")[:limit]
    )
    settings_row = CommunityRecognition.objects.filter(community=community).first()
    return {
        "grants": grants,
        "kudos": kudos,
        "endorsements": endorsements,
        "milestones": community_milestones(community),
        "top_enabled": bool(settings_row and settings_row.top_contributors),
    }


def month_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = timezone.localtime(now or timezone.now())
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def top_contributors(community: Community, *, limit: int = 10) -> list[dict[str, Any]]:
    """This month's members with the most contributions (only when the community turned it
    on; members who opted out of the wall are left out). Two queries."""
    from community.activity import contribution_verbs

    verbs = sorted(set(contribution_verbs()) | FORUM_CONTRIBUTIONS)
    start, end = month_bounds()
    hidden = set(_hidden_members().values_list("member_id", flat=True))
    rows = list(
        ActivityEvent.objects.filter(
            community=community,
            verb__in=verbs,
            occurred_at__gte=start,
            occurred_at__lt=end,
            actor__isnull=False,
            actor__is_anonymized=False,
        )
        .exclude(actor_id__in=hidden)
        .values("actor_id")
        .annotate(n=Count("id"))
        .order_by("-n", "actor_id")[:limit]
    )
    members = Member.objects.in_bulk([r["actor_id"] for r in rows])
    return [{"member": members[r["actor_id"]], "count": r["n"]} for r in rows]


def visible_community_ids(user: Any) -> list[int] | None:
    """Communities whose badges a person may see holders of (None = all)."""
    if is_platform_admin(user):
        return None
    public = Community.objects.filter(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
    ids = set(public)
    if getattr(user, "is_authenticated", False):
        ids |= set(
            Membership.objects.filter(
                member__user=user, status=MembershipStatus.ACTIVE
            ).values_list("community_id", flat=True)
        )
    return sorted(ids)


def get_badge(slug: str) -> BadgeClass:
    badge = BadgeClass.objects.filter(slug=slug, enabled=True).select_related("skill").first()
    if badge is None:
        raise Http404
    return badge


def list_holders(badge: BadgeClass, user: Any, *, limit: int = 60) -> dict[str, Any]:
    """Who holds a badge, only in communities the person may see (private communities stay
    private), public grants only."""
    qs = live_grants().filter(badge=badge, public=True, member__is_anonymized=False)
    ids = visible_community_ids(user)
    if ids is not None:
        qs = qs.filter(_visible_in(ids))
    return {
        "count": badge.grants.filter(revoked_at__isnull=True).count(),
        "holders": list(qs.select_related("member").order_by("-granted_at", "-id")[:limit]),
    }


def my_grants(member: Member) -> list[BadgeGrant]:
    return list(
        BadgeGrant.objects.filter(member=member)
        .select_related("badge", "community")
        .order_by("revoked_at", "-granted_at")
    )


def get_public_grant(uid: Any) -> BadgeGrant:
    """A grant served outside the platform: public, or 404."""
    grant = (
        BadgeGrant.objects.filter(uid=uid, public=True)
        .select_related("badge", "badge__skill", "member__user", "community")
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def suggest_ambassadors(community: Community, domain_id: int, *, limit: int = 10) -> list[Any]:
    """Members of the community ranked by their expertise badges and endorsements in the
    skills of a domain (one query)."""
    from mentoring.models import Skill

    skills = Skill.objects.filter(domain_id=domain_id)
    tag_keys = [f"tag:{slug}" for slug in skills.values_list("tag__slug", flat=True)]
    members = (
        Member.objects.filter(
            memberships__community=community,
            memberships__status=MembershipStatus.ACTIVE,
            is_anonymized=False,
        )
        .annotate(
            expertise=Count(
                "badge_grants",
                filter=Q(
                    badge_grants__revoked_at__isnull=True,
                    badge_grants__target_key__in=tag_keys,
                )
                | Q(
                    badge_grants__revoked_at__isnull=True,
                    badge_grants__badge__skill__domain_id=domain_id,
                ),
                distinct=True,
            ),
            endorsed=Count(
                "endorsements",
                filter=Q(endorsements__skill__domain_id=domain_id, endorsements__level__gte=3),
                distinct=True,
            ),
        )
        .filter(Q(expertise__gt=0) | Q(endorsed__gt=0))
        .order_by("-expertise", "-endorsed", "display_name")
    )
    return list(members[:limit])


def export_member_data(member: Member) -> dict[str, Any]:
    return {
        "badges": [
            {
                "badge": g.badge.slug,
                "granted_at": g.granted_at.isoformat(),
                "public": g.public,
                "revoked_at": g.revoked_at.isoformat() if g.revoked_at else None,
            }
            for g in BadgeGrant.objects.filter(member=member).select_related("badge")
        ],
        "kudos_received": [
            {"from": k.giver.handle, "message": k.message, "at": k.created_at.isoformat()}
            for k in Kudos.objects.filter(receiver=member).select_related("giver")
        ],
        "kudos_given": [
            {"to": k.receiver.handle, "message": k.message, "at": k.created_at.isoformat()}
            for k in Kudos.objects.filter(giver=member).select_related("receiver")
        ],
        "endorsements": [
            {"skill": e.skill.slug, "level": e.level, "evidence": e.evidence}
            for e in Endorsement.objects.filter(member=member).select_related("skill")
        ],
    }


def mentorship_panel(ctx: Any, view: Any, viewer: Member | None) -> dict[str, Any] | None:
    """On a mentorship's page: an "Endorse" link per skill the viewer may endorse (the
    mentor of that direction, or an animator, while active or completed) and the
    endorsements already given within that mentorship (1 query)."""
    from community.permissions import can_animate
    from mentoring.models import MentorshipStatus

    m = view.mentorship
    if viewer is None:
        return None
    endorsable = m.status in (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED)
    animator = can_animate(ctx)
    pair = {m.member_a_id: m.member_a, m.member_b_id: m.member_b}
    endorse = [
        {"learner": pair[d.learner_id], "skill": d.skill}
        for d in view.directions
        if endorsable and d.learner_id != viewer.pk and (d.mentor_id == viewer.pk or animator)
    ]
    given = list(
        Endorsement.objects.filter(mentorship=m, community=ctx.community)
        .select_related("member", "skill", "endorser")
        .order_by("-created_at", "-id")[:20]
    )
    if not endorse and not given:
        return None
    return {"endorse": endorse, "endorsements": given}
