"""A real Celery worker and a real SMTP server: a worker SIGKILLed in the middle of a
2,000-member issue, a new one started: every member gets exactly one email, counted at
the SMTP server."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from community.models import Member, Membership, NewsletterDelivery, User
from community.models.newsletters import IssueStatus
from community.tasks import dispatch_newsletters_task, start_newsletter_task
from tests.conftest import CeleryWorkers
from tests.factories import CommunityFactory
from tests.newsletters.conftest import SMTPServer, coming_event, make_issue

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

MEMBERS = 2_000


def wait_until(condition: object, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def test_a_worker_killed_mid_run_leaves_every_member_exactly_one_email(
    restartable_celery_worker: CeleryWorkers, smtp_server: SMTPServer
) -> None:
    # given 2,000 members and an event coming in their community
    community = CommunityFactory(name="Grande communauté", slug="grande")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"learner{i}@example.org", password=password) for i in range(MEMBERS)
    )
    members = Member.objects.bulk_create(
        Member(user=u, handle=f"learner-{i}", display_name=f"Learner {i}")
        for i, u in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(member=m, community=community, joined_at=timezone.now()) for m in members
    )
    coming_event(community)
    issue = make_issue(community, status=IssueStatus.SCHEDULED, started_at=None)
    env = {
        "EMAIL_URL": smtp_server.url,
        "NEWSLETTER_CHUNK_SIZE": "100",
        "NEWSLETTER_CLAIM_TIMEOUT": "3",
    }
    first = restartable_celery_worker.start(**env)

    # when the issue leaves and the worker is killed in the middle of the run
    start_newsletter_task.delay(issue.pk)
    assert wait_until(lambda: smtp_server.count() >= 700, timeout=180)
    # at any moment of a message's life, not right after the server accepted one
    time.sleep(random.uniform(0, 0.3))
    restartable_celery_worker.kill(first)
    at_kill = smtp_server.count()
    assert first.returncode == -9
    restartable_celery_worker.start(**env)

    # then a new worker and the dispatcher (which re-queues what the dead one held once
    # its claims are older than NEWSLETTER_CLAIM_TIMEOUT) finish the run
    def finished() -> bool:
        issue.refresh_from_db()
        if issue.status == IssueStatus.SENT:
            return True
        dispatch_newsletters_task.delay()
        return False

    assert wait_until(finished, timeout=300, step=4)
    received = Counter(r.rcpt[0] for r in smtp_server.received)
    assert 0 < at_kill < MEMBERS
    assert len(received) == MEMBERS
    assert set(received.values()) == {1}
    assert sum(received.values()) == MEMBERS
    assert set(received) == {f"learner{i}@example.org" for i in range(MEMBERS)}
    assert NewsletterDelivery.objects.filter(newsletter=issue, status="sent").count() == MEMBERS
    assert NewsletterDelivery.objects.exclude(status="sent").count() == 0
    issue.refresh_from_db()
    assert issue.sent_count == MEMBERS
