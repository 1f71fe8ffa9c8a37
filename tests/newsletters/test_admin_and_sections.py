"""The animators' back office (write, preview for a member, send now; scoped to their
communities), the sections of community/ and mentoring/, and the registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community.models import Newsletter, NewsletterDelivery
from community.models.newsletters import IssueStatus
from community.newsletters import (
    DigestPeriod,
    NewsletterSection,
    all_sections,
    register_section,
    unregister_section,
)
from community.services import newsletters as services
from mentoring.models import Mentorship
from tests.factories import CommunityFactory, MembershipFactory
from tests.life.factories import ResourceFactory
from tests.mentoring.factories import learns, make_skill, teaches
from tests.newsletters.conftest import Place, coming_event, last_month, make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(place: Place, settings: object) -> Client:
    settings.ADMIN_REQUIRE_MFA = False  # type: ignore[attr-defined]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(place.animator.user, backend="community.backends.AuthenticationBackend")
    return client


def issue_form(community_id: object, **extra: object) -> dict[str, object]:
    start, end = last_month()
    return {
        "community": community_id,
        "frequency": "monthly",
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "introduction": "Bonne **rentrée** à tous !",
        "scheduled_for_0": "",
        "scheduled_for_1": "",
        **extra,
    }


def test_an_animator_writes_an_introduction_rendered_once(
    admin_client: Client, place: Place
) -> None:
    response = admin_client.post("/admin/community/newsletter/add/", issue_form(place.community.pk))
    assert response.status_code == 302
    issue = Newsletter.objects.get()
    assert issue.introduction_html == "<p>Bonne <strong>rentrée</strong> à tous !</p>\n"
    assert issue.status == IssueStatus.DRAFT
    assert issue.created_by == place.animator


def test_an_animator_may_not_write_a_platform_issue_nor_another_communitys(
    admin_client: Client, place: Place
) -> None:
    other = CommunityFactory()
    response = admin_client.post("/admin/community/newsletter/add/", issue_form(""))
    assert response.status_code == 200
    assert "Choose one of your communities" in response.content.decode()
    response = admin_client.post("/admin/community/newsletter/add/", issue_form(other.pk))
    assert response.status_code == 200
    assert Newsletter.objects.count() == 0
    theirs = make_issue(other, status=IssueStatus.DRAFT)
    assert admin_client.get(f"/admin/community/newsletter/{theirs.pk}/change/").status_code == 404
    assert admin_client.get(f"/admin/community/newsletter/{theirs.pk}/preview/").status_code == 404
    assert admin_client.post(f"/admin/community/newsletter/{theirs.pk}/send/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == IssueStatus.DRAFT


def test_preview_for_a_member_renders_without_sending(admin_client: Client, place: Place) -> None:
    coming_event(place.community, "Atelier classe virtuelle")
    issue = make_issue(place.community, status=IssueStatus.DRAFT, introduction_html="<p>Mot</p>")
    page = admin_client.get(f"/admin/community/newsletter/{issue.pk}/preview/?member=alice")
    html = page.content.decode()
    assert page.status_code == 200
    assert "As Alice Martin (alice@example.org) will receive it." in html
    assert f"/admin/community/newsletter/{issue.pk}/preview/email/?member=alice" in html
    email = admin_client.get(f"/admin/community/newsletter/{issue.pk}/preview/email/?member=alice")
    assert email.status_code == 200
    assert "Atelier classe virtuelle" in email.content.decode()
    assert "sandbox" in email["Content-Security-Policy"]
    assert email["X-Frame-Options"] == "SAMEORIGIN"
    missing = admin_client.get(f"/admin/community/newsletter/{issue.pk}/preview/?member=nobody")
    assert "No member of this community has this handle or address." in missing.content.decode()
    assert mail.outbox == [] and NewsletterDelivery.objects.count() == 0


def test_preview_says_when_nothing_qualifies(admin_client: Client, place: Place) -> None:
    issue = make_issue(place.community, status=IssueStatus.DRAFT)
    page = admin_client.get(f"/admin/community/newsletter/{issue.pk}/preview/?member=bob")
    assert "Nothing qualifies for Bob Leroy in this issue" in page.content.decode()


def test_send_now_from_the_admin(
    admin_client: Client, place: Place, django_capture_on_commit_callbacks: object
) -> None:
    coming_event(place.community)
    issue = make_issue(place.community, status=IssueStatus.DRAFT, started_at=None)
    assert admin_client.get(f"/admin/community/newsletter/{issue.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = admin_client.post(f"/admin/community/newsletter/{issue.pk}/send/")
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.SENT, 3)
    assert len(mail.outbox) == 3
    # a sent issue can no longer change
    response = admin_client.post(
        f"/admin/community/newsletter/{issue.pk}/change/",
        issue_form(place.community.pk, introduction="Trop tard"),
    )
    assert "This issue has left already" in response.content.decode()
    issue.refresh_from_db()
    assert issue.introduction == ""


def test_the_data_migration_creates_the_dispatch_schedule() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("community.migrations.0008_newsletter_schedule")
    migration.create(apps, None)
    migration.create(apps, None)  # idempotent
    task = PeriodicTask.objects.get(name="Dispatch newsletters")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "community.dispatch_newsletters",
        True,
        10,
        "minutes",
    )


def test_sections_registered_in_order() -> None:
    keys = [s.key for s in all_sections()]
    ours = [k for k in keys if k in {"community.events", "community.resources", "mentoring.pairs"}]
    assert ours == ["community.events", "community.resources", "mentoring.pairs"]


def test_new_resources_of_the_period_only(place: Place) -> None:
    start, _end = last_month()
    tz = timezone.get_current_timezone()
    inside = timezone.datetime.combine(start, timezone.datetime.min.time(), tzinfo=tz)
    ResourceFactory(
        community=place.community, title="Dans la période", created_at=inside + timedelta(days=2)
    )
    ResourceFactory(
        community=place.community, title="Trop tôt", created_at=inside - timedelta(days=1)
    )
    ResourceFactory(community=place.community, title="Masquée", created_at=inside, is_hidden=True)
    ResourceFactory(community=CommunityFactory(), title="Ailleurs", created_at=inside)
    issue = make_issue(place.community)
    digest = services.preview_newsletter(newsletter=issue, member=place.alice)
    assert digest is not None
    assert "Dans la période" in digest.html
    assert "Trop tôt" not in digest.html and "Masquée" not in digest.html
    assert "Ailleurs" not in digest.html


def test_platform_issue_covers_every_community_of_the_member(place: Place) -> None:
    other = CommunityFactory(name="Data Guild")
    MembershipFactory(member=place.alice, community=other)
    coming_event(place.community, "Atelier Lyon")
    coming_event(other, "Office hours")
    issue = make_issue(None)
    digest = services.preview_newsletter(newsletter=issue, member=place.alice)
    assert digest is not None
    assert "Atelier Lyon" in digest.html and "Office hours" in digest.html
    bob_digest = services.preview_newsletter(newsletter=issue, member=place.bob)
    assert bob_digest is not None and "Office hours" not in bob_digest.html


def test_mentoring_section_active_pairs_and_teachers(place: Place) -> None:
    skill = make_skill("Public speaking", name_fr="Prise de parole")
    learns(place.alice, skill)
    teaches(place.bob, skill)
    issue = make_issue(place.community)
    digest = services.preview_newsletter(newsletter=issue, member=place.alice)
    assert digest is not None
    assert "1 membre peut vous apprendre : Prise de parole" in digest.text
    # once Alice and Bob are a pair: a reminder instead of a suggestion
    Mentorship.objects.create(
        community=place.community,
        member_a=min(place.alice, place.bob, key=lambda m: m.pk),
        member_b=max(place.alice, place.bob, key=lambda m: m.pk),
        status="active",
        started_at=timezone.now(),
        session_count=2,
    )
    digest = services.preview_newsletter(newsletter=issue, member=place.alice)
    assert digest is not None
    assert "Votre binôme avec Bob Leroy" in digest.text
    assert "2 séances jusqu’ici" in digest.text
    assert "peut vous apprendre" not in digest.text


def test_a_section_registered_by_another_app_joins_the_digest(place: Place) -> None:
    seen: list[tuple[str, list[str], str]] = []

    def build(member: object, communities: list, period: DigestPeriod) -> dict | None:
        seen.append((member.display_name, [c.name for c in communities], period.frequency))  # type: ignore[attr-defined]
        return {
            "events": [
                {"title": "Du registre", "url": "http://testserver/x/", "starts_at": timezone.now()}
            ]
        }

    register_section(
        NewsletterSection(
            "tests.extra", "Extra", 5, build=build, template="community/newsletter/events.html"
        )
    )
    try:
        issue = make_issue(place.community)
        digest = services.preview_newsletter(newsletter=issue, member=place.alice)
    finally:
        unregister_section("tests.extra")
    assert seen == [("Alice Martin", ["Formateurs de Lyon"], "monthly")]
    assert digest is not None and "Du registre" in digest.text
    assert "http://testserver/x/" in digest.text


def test_a_failing_section_does_not_stop_the_others(place: Place) -> None:
    def broken(member: object, communities: list, period: DigestPeriod) -> dict | None:
        raise RuntimeError("boom")

    register_section(
        NewsletterSection(
            "tests.broken", "Broken", 1, build=broken, template="community/newsletter/events.html"
        )
    )
    try:
        coming_event(place.community, "Toujours là")
        digest = services.preview_newsletter(
            newsletter=make_issue(place.community), member=place.alice
        )
    finally:
        unregister_section("tests.broken")
    assert digest is not None and "Toujours là" in digest.html


def test_queries_per_chunk_do_not_grow_with_the_chunk(
    place: Place, django_assert_max_num_queries: object
) -> None:
    coming_event(place.community)
    ResourceFactory(community=place.community, created_at=timezone.now() - timedelta(days=1))
    few = [MembershipFactory(community=place.community).member.pk for _ in range(5)]
    many = [MembershipFactory(community=place.community).member.pk for _ in range(40)]
    issue = make_issue(place.community)
    # per chunk: ~12 fixed queries, up to 8 for the forums, recognition and analytics
    # sections, then BEGIN + UPDATE + COMMIT per message
    with django_assert_max_num_queries(22 + 3 * 5):  # type: ignore[operator]
        services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=few, claim="a")
    with django_assert_max_num_queries(22 + 3 * 40):  # type: ignore[operator]
        services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=many, claim="b")
    assert len(mail.outbox) == 45
