"""Celery tasks of community/: each takes ids, calls one service, and is safe to run twice."""

from celery import shared_task

from community import services
from community.services.communities import notify_charter_updated


@shared_task(name="community.send_notification_emails")
def send_notification_emails_task() -> int:
    return services.send_pending_notification_emails()


@shared_task(name="community.notify_charter_updated")
def notify_charter_updated_task(community_id: int, version: int) -> int:
    return notify_charter_updated(community_id=community_id, version=version)
