"""The demo has a sent newsletter issue and a scheduled one, and seeding twice adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from community.models import Newsletter, NewsletterDelivery
from community.models.newsletters import IssueStatus

pytestmark = pytest.mark.django_db


def test_demo_has_a_sent_issue_and_a_scheduled_one(settings: object) -> None:
    settings.ALLOW_DEMO_DATA = True  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=StringIO())
    sent = Newsletter.objects.get(community__slug="reseau-formateurs")
    scheduled = Newsletter.objects.get(community__slug="data-guild")
    assert sent.status == IssueStatus.SENT and sent.sent_count > 20
    assert "<strong>trois ateliers</strong>" in sent.introduction_html
    assert (
        NewsletterDelivery.objects.filter(newsletter=sent, status="sent").count() == sent.sent_count
    )
    assert scheduled.status == IssueStatus.SCHEDULED and scheduled.scheduled_for is not None
    assert scheduled.period_start > sent.period_start
    before = (Newsletter.objects.count(), NewsletterDelivery.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Newsletter.objects.count(), NewsletterDelivery.objects.count()) == before
