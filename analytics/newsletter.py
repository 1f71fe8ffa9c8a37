"""analytics/'s newsletter section: a few figures of the community's month (its
snapshot), compared with the month before. Only in monthly issues, and only when the
month's snapshot exists. One query per chunk."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.models import MonthlySnapshot
from analytics.months import add_months, first_day
from community.models import Community, Member
from community.newsletters import DigestPeriod, NewsletterSection, absolute_url, register_section

KEY = "analytics.month"
# (figure key in the snapshot, label) in the order shown.
FIGURES = [
    ("members_active", _("Active members")),
    ("members_new", _("New members")),
    ("contributions", _("Contributions")),
    ("questions_solved", _("Questions solved")),
]


def _month(period: DigestPeriod) -> Any:
    return first_day(timezone.localtime(period.start).date())


def prepare(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[tuple[int, Any], MonthlySnapshot]:
    if period.frequency != "monthly" or not communities:
        return {}
    month = _month(period)
    rows = MonthlySnapshot.objects.filter(
        community_id__in=[c.pk for c in communities],
        month__in=[month, add_months(month, -1)],
    ).only("community_id", "month", "figures")
    return {(s.community_id, s.month): s for s in rows}


def _value(snapshot: MonthlySnapshot | None, key: str) -> int | None:
    if snapshot is None:
        return None
    value = snapshot.figures.get(key)
    return int(value) if isinstance(value, int | float) else None


def build(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    if period.frequency != "monthly":
        return None
    data = period.data.get(KEY)
    if data is None:
        data = prepare([member], communities, period)
    month = _month(period)
    before = add_months(month, -1)
    shown = []
    for community in communities:
        snapshot = data.get((community.pk, month))
        if snapshot is None:
            continue
        previous = data.get((community.pk, before))
        figures = []
        for key, label in FIGURES:
            value = _value(snapshot, key)
            if value is None:
                continue
            last = _value(previous, key)
            figures.append(
                {"label": label, "value": value, "delta": None if last is None else value - last}
            )
        if figures:
            shown.append(
                {
                    "name": community.name,
                    "url": absolute_url(community.get_absolute_url()),
                    "figures": figures,
                }
            )
    if not shown:
        return None
    return {"communities": shown, "month": month}


def register() -> None:
    register_section(
        NewsletterSection(
            KEY,
            _("Your community’s month"),
            70,
            build=build,
            template="analytics/newsletter/month.html",
            prepare=prepare,
        )
    )
