"""Writes of analytics/: computing and storing monthly snapshots."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from analytics import metrics
from analytics.models import MonthlySnapshot
from analytics.months import add_months, bounds, current_month, first_day
from analytics.registry import Scope, Value, all_metrics
from community.activity import contribution_verbs
from community.models import Community


def build_scope(community: Community, month: date) -> Scope:
    """The community, its chapters (a national community's figures cover them), and the
    communities whose animators are animators here (itself and its parent)."""
    ids = [community.pk, *Community.objects.filter(parent=community).values_list("pk", flat=True)]
    role_ids = [*ids, community.parent_id] if community.parent_id else ids
    start, end = bounds(month)
    previous_start, _ = bounds(add_months(month, -1))
    verbs = sorted(set(contribution_verbs()) | set(metrics.CONTRACT_CONTRIBUTIONS))
    return Scope(
        community_id=community.pk,
        community_ids=sorted(ids),
        role_community_ids=sorted(role_ids),
        month=month,
        start=start,
        end=end,
        previous_start=previous_start,
        time_zone=settings.TIME_ZONE,
        contribution_verbs=verbs,
    )


def compute_figures(scope: Scope) -> dict[str, Value]:
    figures: dict[str, Value] = {}
    for metric in all_metrics():
        figures.update(metric.compute(scope))
    return figures


def _count(value: Value) -> int:
    return int(value) if isinstance(value, int | float) else 0


def compute_snapshot(*, community_id: int, month: date) -> MonthlySnapshot:
    """Compute every figure of one community-month and store it (update or create the
    one row): running it twice gives the same row. A month not over yet is provisional."""
    month = first_day(month)
    if month > current_month():
        raise ValueError("A month that has not begun has no figures.")
    community = Community.objects.get(pk=community_id)
    scope = build_scope(community, month)
    figures = compute_figures(scope)
    with transaction.atomic():
        snapshot, _ = MonthlySnapshot.objects.update_or_create(
            community=community,
            month=month,
            defaults={
                "provisional": month >= current_month(),
                "computed_at": timezone.now(),
                "members_total": _count(figures["members_total"]),
                "members_active": _count(figures["members_active"]),
                "members_new": _count(figures["members_new"]),
                "contributions": _count(figures["contributions"]),
                "figures": figures,
            },
        )
    cache.delete(recompute_key(community_id, month))
    return snapshot


def recompute_key(community_id: int, month: date) -> str:
    return f"analytics:recompute:{community_id}:{month:%Y-%m}"


def request_recompute(*, community_id: int, month: date) -> None:
    """Mark the community-month as being recomputed (the dashboard shows progress) and
    enqueue the task once the caller's transaction commits."""
    from analytics.tasks import compute_snapshot_task

    cache.set(recompute_key(community_id, month), timezone.now().isoformat(), 15 * 60)
    transaction.on_commit(lambda: compute_snapshot_task.delay(community_id, month.isoformat()))


def recompute_pending(community_id: int, month: date) -> bool:
    return cache.get(recompute_key(community_id, month)) is not None


def community_ids_to_compute() -> list[int]:
    return list(Community.objects.order_by("pk").values_list("pk", flat=True))
