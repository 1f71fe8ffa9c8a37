"""The admin (award by hand with a message, revoke with a reason, scoped to animated
communities, grant counts), the demo (≥ 15 rules, idempotent), the nightly schedule, and a
real Celery worker turning an accepted answer into a badge and its notification."""

from __future__ import annotations

import importlib
import io
import time
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from community.activity import get_verb, register_verb
from community.models import ActivityEvent, Notification
from community.services import record_activity
from recognition.models import BadgeClass, BadgeGrant, Endorsement, Kudos
from recognition.services import awarding
from tests.community.test_admin import with_mfa
from tests.factories import CommunityFactory, MembershipFactory
from tests.recognition.factories import badge, post


@pytest.mark.django_db
def test_animator_awards_by_hand_with_a_message(folks, client_for):
    b = badge("", slug="pillar", name_en="Pillar", community=folks.community)
    client = client_for(with_mfa(folks.animator))
    response = client.post(
        reverse("admin:recognition_badgegrant_add"),
        {
            "badge": b.pk,
            "member": folks.bob.pk,
            "community": folks.community.pk,
            "reason": "For welcoming newcomers",
        },
    )
    assert response.status_code == 302
    grant = BadgeGrant.objects.get()
    assert (grant.member, grant.manual, grant.awarded_by, grant.reason, grant.community) == (
        folks.bob,
        True,
        folks.animator,
        "For welcoming newcomers",
        folks.community,
    )
    event = ActivityEvent.objects.get(verb="recognition.badge_granted")
    assert event.payload == {
        "badge_id": b.pk,
        "badge_slug": "pillar",
        "tier": "bronze",
        "manual": True,
        "by_id": folks.animator.pk,
        "backfill": False,
    }
    assert Notification.objects.get(kind="recognition.badge").recipient == folks.bob
    # twice: refused with a message, nothing changed
    response = client.post(
        reverse("admin:recognition_badgegrant_add"),
        {"badge": b.pk, "member": folks.bob.pk, "community": folks.community.pk, "reason": "Again"},
    )
    assert response.status_code == 200
    assert "This member already has this badge." in response.content.decode()
    assert BadgeGrant.objects.count() == 1
    # the grant count per badge
    listing = client.get(reverse("admin:recognition_badgeclass_changelist"))
    assert '<td class="field-holders">1</td>' in listing.content.decode()


@pytest.mark.django_db
def test_animator_revokes_with_a_reason_only_in_their_communities(folks, client_for):
    b = badge("first_post")
    post(folks.alice, folks.community)
    other = CommunityFactory(name="Elsewhere")
    stranger = MembershipFactory(community=other).member
    post(stranger, other)
    awarding.run_backfill()
    mine = BadgeGrant.objects.get(member=folks.alice)
    foreign = BadgeGrant.objects.get(member=stranger)
    client = client_for(with_mfa(folks.animator))
    url = reverse("admin:recognition_badgegrant_changelist")
    listing = client.get(url).content.decode()
    assert "Alice Martin" in listing and stranger.display_name not in listing
    assert (
        client.get(reverse("admin:recognition_badgegrant_change", args=[foreign.pk])).status_code
        == 404
    )
    # without a reason: refused
    client.post(url, {"action": "revoke", "_selected_action": [mine.pk], "reason": ""})
    mine.refresh_from_db()
    assert mine.revoked_at is None
    # another community's grant in the selection is ignored
    client.post(
        url,
        {
            "action": "revoke",
            "_selected_action": [mine.pk, foreign.pk],
            "reason": "Duplicate account",
        },
    )
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert (mine.revoked_reason, foreign.revoked_at) == ("Duplicate account", None)
    event = ActivityEvent.objects.get(verb="recognition.badge_revoked")
    assert event.actor == folks.animator
    assert event.payload == {
        "badge_id": b.pk,
        "badge_slug": b.slug,
        "member_id": folks.alice.pk,
        "reason": "Duplicate account",
    }


@pytest.mark.django_db
def test_demo_ships_fifteen_rules_with_grants_and_is_idempotent():
    from community import demo as community_demo
    from mentoring import demo as mentoring_demo
    from recognition import demo

    community_demo.seed(io.StringIO())
    mentoring_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    rules = set(BadgeClass.objects.exclude(rule="").values_list("rule", flat=True))
    assert len(rules) >= 15
    counts = (
        BadgeClass.objects.count(),
        BadgeGrant.objects.count(),
        Kudos.objects.count(),
        Endorsement.objects.count(),
    )
    assert counts[1] > 0 and counts[3] > 0
    demo.seed(io.StringIO())
    assert (
        BadgeClass.objects.count(),
        BadgeGrant.objects.count(),
        Kudos.objects.count(),
        Endorsement.objects.count(),
    ) == counts
    assert BadgeGrant.objects.filter(manual=True, badge__slug="pilier-reseau").count() == 1
    assert "recognition:" in out.getvalue()


@pytest.mark.django_db
def test_nightly_backfill_is_scheduled_once_even_if_created_again():
    migration = importlib.import_module("recognition.migrations.0002_schedule_and_activity_index")
    migration.create(global_apps, None)
    migration.create(global_apps, None)
    weekly = importlib.import_module("recognition.migrations.0003_badge_watermark")
    weekly.create(global_apps, None)
    weekly.create(global_apps, None)
    tasks = PeriodicTask.objects.filter(task="recognition.backfill").order_by("name")
    assert [(t.enabled, t.crontab.hour, t.crontab.day_of_week, t.kwargs) for t in tasks] == [
        (True, "2", "*", "{}"),  # nightly, incremental
        (True, "3", "0", '{"full": true}'),  # weekly, everyone
    ]


def _forum_verb_registered() -> None:
    """The forums contract's verb, registered as forums/ does (when it is not installed)."""
    try:
        get_verb("forums.answer_accepted")
    except ValueError:
        register_verb("forums.answer_accepted", "accepted an answer")


def test_an_accepted_answer_leads_to_the_badge_and_its_notification_on_a_real_worker(
    celery_worker_process: Any,
) -> None:
    _forum_verb_registered()
    community = CommunityFactory(name="Guild")
    asker = MembershipFactory(community=community).member
    author = MembershipFactory(community=community).member
    b = badge("first_accepted_answer", slug="first-answer", name_en="Helping hand")
    # when an answer is accepted (recorded in a committed transaction)
    with transaction.atomic():
        record_activity(
            actor=asker,
            verb="forums.answer_accepted",
            community=community,
            payload={
                "post_id": 7,
                "topic_id": 3,
                "for_member_id": author.pk,
                "question_author_id": asker.pk,
                "question_created_at": "2026-12-01T10:00:00+00:00",
                "tags": [],
            },
        )
    # then the worker grants the badge and notifies its author
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Notification.objects.filter(kind="recognition.badge", recipient=author).exists():
            break
        time.sleep(0.3)
    grant = BadgeGrant.objects.get(badge=b)
    assert (grant.member_id, grant.subject, grant.backfill) == (author.pk, "post:7", False)
    n = Notification.objects.get(kind="recognition.badge", recipient=author)
    assert n.payload["badge"] == "Helping hand"
    assert not BadgeGrant.objects.filter(member=asker).exists()
