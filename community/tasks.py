"""Celery tasks of community/: each takes ids, calls one service, and is safe to run twice."""

import uuid

from celery import Task, shared_task

from community import services
from community.services.communities import notify_charter_updated


@shared_task(name="community.send_notification_emails")
def send_notification_emails_task() -> int:
    return services.send_pending_notification_emails()


@shared_task(name="community.notify_charter_updated")
def notify_charter_updated_task(community_id: int, version: int) -> int:
    return notify_charter_updated(community_id=community_id, version=version)


@shared_task(name="community.send_event_reminders")
def send_event_reminders_task() -> int:
    from community.services.events import send_event_reminders

    return send_event_reminders()


@shared_task(name="community.notify_event_participants")
def notify_event_participants_task(event_id: int, kind: str, key: str, message: str = "") -> int:
    from community.services.events import notify_event_participants

    return notify_event_participants(event_id=event_id, kind=kind, key=key, message=message)


@shared_task(name="community.send_survey_invitations")
def send_survey_invitations_task() -> int:
    from community.services.surveys import send_survey_invitations

    return send_survey_invitations()


@shared_task(name="community.invite_to_survey")
def invite_to_survey_task(survey_id: int, reminder: str = "") -> int:
    from community.services.surveys import invite_to_survey

    return invite_to_survey(survey_id=survey_id, reminder=reminder)


@shared_task(name="community.ask_event_feedback")
def ask_event_feedback_task(event_id: int) -> int:
    from community.services.events import ask_event_feedback

    return ask_event_feedback(event_id=event_id)


@shared_task(name="community.dispatch_newsletters")
def dispatch_newsletters_task() -> int:
    from community.services.newsletters import dispatch_newsletters

    return dispatch_newsletters()


@shared_task(name="community.start_newsletter")
def start_newsletter_task(newsletter_id: int) -> int:
    from community.services.newsletters import start_newsletter

    return start_newsletter(newsletter_id=newsletter_id)


@shared_task(name="community.deliver_newsletter_chunk", bind=True, acks_late=True)
def deliver_newsletter_chunk_task(self: Task, newsletter_id: int, member_ids: list[int]) -> int:
    """Claims by the task id: a redelivered message (same id) takes its own claims back."""
    from community.services.newsletters import deliver_newsletter_chunk

    claim = str(self.request.id or f"eager-{uuid.uuid4()}")
    return deliver_newsletter_chunk(
        newsletter_id=newsletter_id, member_ids=member_ids, claim=claim
    ).sent
