"""Sending an issue: who receives it, nothing qualifies → nothing sent, one row per
(issue, member) whatever the number of runs, claims, failures, and the SMTP path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from community.models import Newsletter, NewsletterDelivery, NewsletterPreference
from community.models.newsletters import DeliveryStatus, IssueStatus
from community.services import newsletters as services
from community.tasks import deliver_newsletter_chunk_task, dispatch_newsletters_task
from tests.factories import CommunityFactory, MembershipFactory
from tests.newsletters.conftest import Place, SMTPServer, coming_event, make_issue

pytestmark = pytest.mark.django_db


def deliver(issue: Newsletter, ids: list[int], claim: str = "task-1") -> services.ChunkResult:
    return services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=ids, claim=claim)


def everyone(place: Place) -> list[int]:
    return sorted([place.alice.pk, place.bob.pk, place.animator.pk])


def test_each_member_gets_the_digest_once_in_their_language(place: Place) -> None:
    # given an event coming in the community, and Bob reads English
    coming_event(place.community, "Atelier classe virtuelle")
    place.bob.preferred_language = "en"
    place.bob.save()
    issue = make_issue(place.community, introduction_html="<p>Bonne rentrée à tous</p>")
    # when
    result = deliver(issue, everyone(place))
    # then
    assert (result.sent, result.skipped, result.failed) == (3, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [place.alice.user.email, place.bob.user.email, place.animator.user.email]
    )
    by_to = {m.to[0]: m for m in mail.outbox}
    bob, alice = by_to["bob@example.org"], by_to["alice@example.org"]
    assert "Coming events" in bob.body and "Hello Bob Leroy," in bob.body
    assert "Événements à venir" in alice.body and "Bonjour Alice Martin," in alice.body
    assert "Bonne rentrée à tous" in alice.body
    html = alice.alternatives[0][0]  # type: ignore[index]
    assert alice.alternatives[0][1] == "text/html"  # type: ignore[index]
    assert 'href="http://testserver/c/formateurs-lyon/events/' in html
    assert "Atelier classe virtuelle" in html
    assert set(NewsletterDelivery.objects.values_list("status", flat=True)) == {"sent"}
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count, issue.skipped_count) == (IssueStatus.SENT, 3, 0)


def test_unsubscribe_headers_follow_rfc_8058(place: Place) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    deliver(issue, [place.alice.pk])
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://testserver/u/") and header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = header[len("<http://testserver/u/") : -2]
    assert services.read_unsubscribe_token(token) == (place.alice.pk, place.community.pk)


def test_nothing_qualifies_nothing_is_sent(place: Place) -> None:
    # given no event, no resource, no mentoring: even with an introduction
    issue = make_issue(place.community, introduction_html="<p>Un mot</p>")
    result = deliver(issue, everyone(place))
    assert mail.outbox == []
    assert (result.sent, result.skipped) == (0, 3)
    assert set(NewsletterDelivery.objects.values_list("status", flat=True)) == {"skipped"}
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count, issue.skipped_count) == (IssueStatus.SENT, 0, 3)


def test_running_a_chunk_twice_sends_nothing_more(place: Place) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    deliver(issue, everyone(place), claim="first")
    Newsletter.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    again = deliver(issue, everyone(place), claim="second")
    same_task_again = deliver(issue, everyone(place), claim="first")
    assert len(mail.outbox) == 3
    assert again.sent == same_task_again.sent == 0
    assert NewsletterDelivery.objects.count() == 3


def test_a_fresh_claim_of_another_task_is_left_alone_a_stale_one_is_taken_over(
    place: Place, settings: object
) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    now = timezone.now()
    NewsletterDelivery.objects.create(
        newsletter=issue, member=place.alice, status="claimed", claim="other", claimed_at=now
    )
    NewsletterDelivery.objects.create(
        newsletter=issue,
        member=place.bob,
        status="claimed",
        claim="killed",
        claimed_at=now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 1),  # type: ignore[attr-defined]
    )
    result = deliver(issue, [place.alice.pk, place.bob.pk], claim="mine")
    assert (result.sent, result.not_mine) == (1, 1)
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    rows = dict(NewsletterDelivery.objects.values_list("member_id", "claim"))
    assert rows == {place.alice.pk: "other", place.bob.pk: "mine"}
    # the redelivered task of the same id takes its own fresh claim back
    result = deliver(issue, [place.alice.pk], claim="other")
    assert result.sent == 1 and len(mail.outbox) == 2


def test_who_receives_it(place: Place, settings: object, make_member: object) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    # Bob left the digest of this community; the animator wants it weekly
    NewsletterPreference.objects.create(
        member=place.bob, community=place.community, frequency="never"
    )
    NewsletterPreference.objects.create(
        member=place.animator, community=place.community, frequency="weekly"
    )
    asleep = MembershipFactory(community=place.community).member
    asleep.user.date_joined = timezone.now() - timedelta(days=400)
    asleep.user.last_login = timezone.now() - timedelta(days=181)
    asleep.user.save()
    awake = MembershipFactory(community=place.community).member
    awake.user.date_joined = timezone.now() - timedelta(days=400)
    awake.user.last_login = timezone.now() - timedelta(days=10)
    awake.user.save()
    left = MembershipFactory(community=place.community, status="left").member
    closed = MembershipFactory(community=place.community).member
    closed.user.is_active = False
    closed.user.save()
    suspended = MembershipFactory(community=place.community).member
    suspended.suspended_until = timezone.now() + timedelta(days=3)
    suspended.save()
    outsider = MembershipFactory().member
    assert sorted(services.recipients(issue).values_list("pk", flat=True)) == sorted(
        [place.alice.pk, awake.pk]
    )
    weekly = make_issue(place.community, frequency="weekly")
    assert list(services.recipients(weekly).values_list("pk", flat=True)) == [place.animator.pk]
    # ids handed to a chunk are filtered again: nobody outside the list gets it
    result = deliver(
        issue,
        [place.bob.pk, asleep.pk, left.pk, closed.pk, suspended.pk, outsider.pk, place.alice.pk],
    )
    assert result.sent == 1 and [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_start_queues_chunks_and_dispatch_finishes_scheduled_issues(
    place: Place, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.NEWSLETTER_CHUNK_SIZE = 2  # type: ignore[attr-defined]
    coming_event(place.community)
    due = make_issue(
        place.community,
        status=IssueStatus.SCHEDULED,
        scheduled_for=timezone.now() - timedelta(minutes=1),
    )
    later = make_issue(
        place.community,
        frequency="weekly",
        status=IssueStatus.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        dispatch_newsletters_task.delay()
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.sent_count) == (IssueStatus.SENT, 3)
    assert later.status == IssueStatus.SCHEDULED
    assert len(mail.outbox) == 3
    # a second dispatch sends nothing more
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        dispatch_newsletters_task.delay()
    assert len(mail.outbox) == 3


def test_dispatch_creates_the_issues_of_the_month_that_ended_once(place: Place) -> None:
    from datetime import datetime, time

    from community.models import Community

    tz = timezone.get_default_timezone()
    first = timezone.localdate().replace(day=1)
    now = datetime.combine(first + timedelta(days=1), time(10), tzinfo=tz)
    Community.objects.filter(pk=place.community.pk).update(created_at=now - timedelta(days=90))
    newer = CommunityFactory()  # created after the month ended: no issue for it
    Community.objects.filter(pk=newer.pk).update(created_at=now - timedelta(hours=1))
    NewsletterPreference.objects.create(
        member=place.bob, community=place.community, frequency="weekly"
    )
    created = services.ensure_period_issues(now=now)
    again = services.ensure_period_issues(now=now)
    start, end = services.period_that_ended("monthly", first + timedelta(days=1))
    monthly = Newsletter.objects.get(community=place.community, frequency="monthly")
    weekly = Newsletter.objects.get(community=place.community, frequency="weekly")
    assert (created, again) == (2, 0)
    assert not Newsletter.objects.filter(community=newer).exists()
    assert (monthly.period_start, monthly.period_end, monthly.status) == (
        start,
        end,
        IssueStatus.SCHEDULED,
    )
    assert timezone.localtime(monthly.scheduled_for) == datetime.combine(
        end + timedelta(days=3), time(9), tzinfo=tz
    )
    assert (weekly.period_end - weekly.period_start).days == 7
    assert weekly.period_end.weekday() == 0


def test_no_stale_issue_is_created_long_after_its_sending_day(place: Place) -> None:
    from datetime import datetime, time

    from community.models import Community

    tz = timezone.get_default_timezone()
    first = timezone.localdate().replace(day=1)
    Community.objects.filter(pk=place.community.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    late = datetime.combine(first + timedelta(days=11), time(10), tzinfo=tz)
    services.ensure_period_issues(now=late)
    assert not Newsletter.objects.filter(frequency="monthly").exists()


def test_periods() -> None:
    from datetime import date

    assert services.period_that_ended("monthly", date(2026, 3, 15)) == (
        date(2026, 2, 1),
        date(2026, 3, 1),
    )
    assert services.period_that_ended("monthly", date(2026, 1, 1)) == (
        date(2025, 12, 1),
        date(2026, 1, 1),
    )
    # 2026-03-18 is a Wednesday: the week that ended is Monday 9 to Monday 16
    assert services.period_that_ended("weekly", date(2026, 3, 18)) == (
        date(2026, 3, 9),
        date(2026, 3, 16),
    )


def test_the_eager_task_claims_under_its_own_id(place: Place) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    assert deliver_newsletter_chunk_task.delay(issue.pk, [place.alice.pk]).get() == 1
    row = NewsletterDelivery.objects.get()
    assert row.claim and row.status == DeliveryStatus.SENT and row.attempts == 1


def test_real_smtp_path_sends_both_parts_and_the_headers(
    place: Place, smtp_settings: SMTPServer
) -> None:
    coming_event(place.community, "Atelier « classe virtuelle »")
    issue = make_issue(place.community)
    result = deliver(issue, everyone(place))
    assert result.sent == 3
    assert sorted(r.rcpt[0] for r in smtp_settings.received) == sorted(
        ["alice@example.org", "bob@example.org", place.animator.user.email]
    )
    message = next(r.message for r in smtp_settings.received if r.rcpt == ["alice@example.org"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://testserver/u/")
    assert message.get_body(("plain",)).get_content().count("Atelier « classe virtuelle »") == 1  # type: ignore[union-attr]
    assert "Atelier « classe virtuelle »" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_a_refused_recipient_is_failed_then_retried_up_to_the_limit(
    place: Place, smtp_settings: SMTPServer, settings: object
) -> None:
    coming_event(place.community)
    issue = make_issue(place.community)
    smtp_settings.refuse = {"bob@example.org"}
    result = deliver(issue, everyone(place), claim="a")
    assert (result.sent, result.failed) == (2, 1)
    bob = NewsletterDelivery.objects.get(member=place.bob)
    assert (bob.status, bob.attempts) == (DeliveryStatus.FAILED, 1)
    assert "550" in bob.error
    # the next run retries Bob only; he is accepted this time
    smtp_settings.refuse = set()
    result = deliver(issue, everyone(place), claim="b")
    assert (result.sent, result.failed) == (1, 0)
    assert sorted(r.rcpt[0] for r in smtp_settings.received).count("bob@example.org") == 1
    assert NewsletterDelivery.objects.filter(status="sent").count() == 3


def test_a_message_refused_after_its_final_dot_is_failed_then_retried(
    place: Place, smtp_settings: SMTPServer
) -> None:
    # the row was committed as sent before the dot; the server's "no" turns it to failed
    coming_event(place.community)
    issue = make_issue(place.community)
    smtp_settings.reject_data = {"alice@example.org"}
    result = deliver(issue, [place.alice.pk, place.bob.pk], claim="a")
    assert (result.sent, result.failed) == (1, 1)
    alice = NewsletterDelivery.objects.get(member=place.alice)
    assert (alice.status, alice.attempts) == (DeliveryStatus.FAILED, 1)
    assert "554" in alice.error
    smtp_settings.reject_data = set()
    Newsletter.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    assert deliver(issue, [place.alice.pk, place.bob.pk], claim="b").sent == 1
    assert sorted(r.rcpt[0] for r in smtp_settings.received) == [
        "alice@example.org",
        "bob@example.org",
    ]
