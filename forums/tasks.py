"""Celery tasks of forums/: each takes ids, calls one service, and is safe to run twice."""

from celery import shared_task

from forums.services.notifications import fan_out_post


@shared_task(name="forums.fan_out_post")
def fan_out_post_task(post_id: int) -> int:
    return fan_out_post(post_id=post_id)
