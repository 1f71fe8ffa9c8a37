"""Celery tasks of mentoring/: each takes ids, calls one service, and is safe to run twice."""

from celery import shared_task

from mentoring.services import mentorships, rounds


@shared_task(name="mentoring.compute_round")
def compute_round_task(round_id: int) -> int:
    return rounds.compute_round(round_id=round_id)


@shared_task(name="mentoring.create_round_proposals")
def create_round_proposals_task(round_id: int) -> int:
    return rounds.create_round_proposals(round_id=round_id)


@shared_task(name="mentoring.remind_stalled_pairs")
def remind_stalled_pairs_task() -> int:
    return mentorships.remind_stalled_pairs()
