"""Celery tasks of recognition/: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from recognition.services import awarding


@shared_task(name="recognition.evaluate_events")
def evaluate_events_task(event_ids: list[int]) -> int:
    return awarding.evaluate_events(event_ids).granted


@shared_task(name="recognition.backfill")
def backfill_task(full: bool = False) -> int:
    """Nightly: incremental (members with new activity); ``full=True``: everyone."""
    return sum(o.granted for o in awarding.run_backfill(full=full).values())


def on_activity(event_ids: list[int]) -> None:
    """The listener registered with community.activity: runs after commit."""
    evaluate_events_task.delay(event_ids)
