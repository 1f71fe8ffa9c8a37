"""community/'s own newsletter sections: upcoming events and new resources of the
member's communities. Each fetches what a whole chunk of recipients needs in one query
(`prepare`) and picks the member's part in `build`."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Community, Event, Member, Resource
from community.models.events import EventStatus
from community.newsletters import DigestPeriod, NewsletterSection, absolute_url, register_section

PER_COMMUNITY = 5
SHOWN = 5


def _horizon(period: DigestPeriod) -> timedelta:
    return timedelta(days=8 if period.frequency == "weekly" else 31)


def prepare_events(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[int, list[Event]]:
    now = timezone.now()
    rows = (
        Event.objects.filter(
            community__in=communities,
            status=EventStatus.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + _horizon(period),
        )
        .select_related("community")
        .order_by("starts_at", "id")
    )
    found: dict[int, list[Event]] = defaultdict(list)
    for event in rows[: PER_COMMUNITY * max(len(communities), 1) * 4]:
        if len(found[event.community_id]) < PER_COMMUNITY:
            found[event.community_id].append(event)
    return found


def build_events(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    by_community = period.data.get("community.events")
    if by_community is None:  # called without prepare (e.g. directly in a test)
        by_community = prepare_events([member], communities, period)
    events = sorted(
        (e for c in communities for e in by_community.get(c.pk, [])),
        key=lambda e: (e.starts_at, e.pk),
    )[:SHOWN]
    if not events:
        return None
    tz = timezone.get_default_timezone()
    return {
        "events": [
            {
                "title": e.title,
                "url": absolute_url(e.get_absolute_url()),
                "starts_at": timezone.localtime(e.starts_at, tz),
                "community": e.community.name,
                "online": e.is_online,
                "place": e.place,
            }
            for e in events
        ],
        "many_communities": len(communities) > 1,
    }


def prepare_resources(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[int, list[Resource]]:
    rows = (
        Resource.objects.filter(
            Q(community__in=communities),
            is_hidden=False,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .select_related("community", "author")
        .order_by("-useful_count", "-created_at", "-id")
    )
    found: dict[int, list[Resource]] = defaultdict(list)
    for resource in rows[: PER_COMMUNITY * max(len(communities), 1) * 4]:
        if len(found[resource.community_id]) < PER_COMMUNITY:
            found[resource.community_id].append(resource)
    return found


def build_resources(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    by_community = period.data.get("community.resources")
    if by_community is None:
        by_community = prepare_resources([member], communities, period)
    resources = sorted(
        (r for c in communities for r in by_community.get(c.pk, [])),
        key=lambda r: (-r.useful_count, -r.created_at.timestamp(), -r.pk),
    )[:SHOWN]
    if not resources:
        return None
    return {
        "resources": [
            {
                "title": r.title,
                "url": absolute_url(r.get_absolute_url()),
                "summary": r.summary,
                "kind": r.get_kind_display(),
                "author": r.author.display_name if r.author else "",
                "community": r.community.name,
                "useful": r.useful_count,
            }
            for r in resources
        ],
        "many_communities": len(communities) > 1,
    }


def export_member_newsletters(member: Member) -> dict[str, Any]:
    """The member's part of the GDPR download: their choices and what they were sent."""
    from community.models import NewsletterDelivery, NewsletterPreference

    return {
        "preferences": [
            {"community": name or None, "frequency": frequency}
            for name, frequency in NewsletterPreference.objects.filter(member=member)
            .order_by("community__name")
            .values_list("community__name", "frequency")
        ],
        "deliveries": [
            {
                "community": name or None,
                "period_start": start.isoformat(),
                "status": status,
                "sent_at": sent_at.isoformat() if sent_at else None,
            }
            for name, start, status, sent_at in NewsletterDelivery.objects.filter(member=member)
            .order_by("newsletter__period_start", "newsletter_id")
            .values_list(
                "newsletter__community__name", "newsletter__period_start", "status", "sent_at"
            )
        ],
    }


def register() -> None:
    from community.selectors.members import DATA_EXPORTERS

    DATA_EXPORTERS["newsletters"] = export_member_newsletters
    register_section(
        NewsletterSection(
            "community.events",
            _("Coming events"),
            40,
            build=build_events,
            template="community/newsletter/events.html",
            prepare=prepare_events,
        )
    )
    register_section(
        NewsletterSection(
            "community.resources",
            _("New in the library"),
            50,
            build=build_resources,
            template="community/newsletter/resources.html",
            prepare=prepare_resources,
        )
    )
