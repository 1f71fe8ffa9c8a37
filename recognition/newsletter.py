"""recognition/'s newsletter section: the badges the member earned during the period
(not revoked) and the kudos they received, in the issue's communities. Platform badges
(without a community) go in the platform issue only. Two queries per chunk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.models import Community, Member
from community.newsletters import DigestPeriod, NewsletterSection, absolute_url, register_section
from recognition.models import BadgeGrant, Kudos

KEY = "recognition.month"
SHOWN = 5


def prepare(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[str, Any]:
    ids = [m.pk for m in members]
    community_ids = [c.pk for c in communities]
    platform_issue = period.newsletter is not None and period.newsletter.community_id is None
    grants: dict[int, list[BadgeGrant]] = defaultdict(list)
    rows = BadgeGrant.objects.filter(
        member_id__in=ids,
        granted_at__gte=period.start,
        granted_at__lt=period.end,
        revoked_at__isnull=True,
    )
    if platform_issue:
        rows = rows.filter(community_id__in=community_ids) | rows.filter(community__isnull=True)
    else:
        rows = rows.filter(community_id__in=community_ids)
    for grant in rows.select_related("badge", "community").order_by("-granted_at", "-id"):
        grants[grant.member_id].append(grant)
    kudos: dict[int, list[Kudos]] = defaultdict(list)
    for row in (
        Kudos.objects.filter(
            receiver_id__in=ids,
            community_id__in=community_ids,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .select_related("giver", "community")
        .order_by("-created_at", "-id")
    ):
        kudos[row.receiver_id].append(row)
    return {"grants": grants, "kudos": kudos}


def build(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    data = period.data.get(KEY) or prepare([member], communities, period)
    in_scope = {c.pk for c in communities}
    grants = [
        g
        for g in data["grants"].get(member.pk, [])
        if g.community_id is None or g.community_id in in_scope
    ]
    kudos = [k for k in data["kudos"].get(member.pk, []) if k.community_id in in_scope]
    if not grants and not kudos:
        return None
    return {
        "badges": [
            {
                "name": g.badge.name,
                "url": absolute_url(reverse("recognition:badge", kwargs={"slug": g.badge.slug})),
                "tier": g.badge.get_tier_display(),
            }
            for g in grants[:SHOWN]
        ],
        "more_badges": max(len(grants) - SHOWN, 0),
        "kudos": [
            {
                "from": k.giver.display_name,
                "message": k.message,
                "community": k.community.name,
                "url": absolute_url(reverse("recognition:wall", kwargs={"slug": k.community.slug})),
            }
            for k in kudos[:SHOWN]
        ],
        "kudos_count": len(kudos),
        "mine_url": absolute_url(reverse("recognition:mine")),
        "many_communities": len(communities) > 1,
    }


def register() -> None:
    register_section(
        NewsletterSection(
            KEY,
            _("Your recognition this month"),
            30,
            build=build,
            template="recognition/newsletter/month.html",
            prepare=prepare,
        )
    )
