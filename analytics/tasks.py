"""Celery tasks of analytics/: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from analytics import services
from analytics.months import add_months, current_month


@shared_task(name="analytics.compute_snapshot")
def compute_snapshot_task(community_id: int, month: str) -> int:
    """One community-month (``month`` as ``YYYY-MM-DD``, its first day)."""
    return services.compute_snapshot(community_id=community_id, month=date.fromisoformat(month)).pk


@shared_task(name="analytics.snapshot_previous_month")
def snapshot_previous_month_task() -> int:
    """On the 1st: the final figures of the month that just ended, one task per community."""
    month = add_months(current_month(), -1)
    ids = services.community_ids_to_compute()
    for community_id in ids:
        compute_snapshot_task.delay(community_id, month.isoformat())
    return len(ids)


@shared_task(name="analytics.refresh_current_month")
def refresh_current_month_task() -> int:
    """Daily: the provisional figures of the month under way, one task per community."""
    month = current_month()
    ids = services.community_ids_to_compute()
    for community_id in ids:
        compute_snapshot_task.delay(community_id, month.isoformat())
    return len(ids)
