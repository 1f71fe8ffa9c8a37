"""The demo of community life: believable, complete, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import Event, Membership, Resource, Survey
from community.selectors.surveys import survey_results
from community.selectors.welcome import list_newcomers

pytestmark = pytest.mark.django_db


def test_demo_has_events_a_library_a_closed_survey_and_newcomers(settings: object) -> None:
    settings.ALLOW_DEMO_DATA = True  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=StringIO())
    counts = (Event.objects.count(), Resource.objects.count(), Survey.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Event.objects.count(), Resource.objects.count(), Survey.objects.count()) == counts

    now = timezone.now()
    past = Event.objects.filter(ends_at__lt=now)
    assert past.count() >= 5
    assert all(e.attended_count > 0 for e in past)
    assert Event.objects.filter(starts_at__gt=now, waitlist_count__gt=0).exists()
    assert Event.objects.filter(series__isnull=False).count() == 6
    assert 40 <= Resource.objects.count() <= 60
    assert Resource.objects.filter(event__isnull=False, kind="document").count() == past.count()
    assert set(Resource.objects.values_list("kind", flat=True)) == {
        "document",
        "link",
        "video",
        "podcast",
        "article",
    }
    closed = Survey.objects.get(closes_at__lt=now)
    assert closed.response_count == 24
    nps = next(r for r in survey_results(closed) if r.question.kind == "nps")
    assert nps.nps is not None and nps.answered == 24
    national = Membership.objects.filter(community__slug="reseau-formateurs").first()
    assert national is not None
    page = list_newcomers(national.community)
    assert {m.member.display_name for m in page.items} >= {
        "Nora Benali",
        "Félix Carpentier",
        "Sofia Rinaldi",
        "Malik Traoré",
    }
    assert {m.member.display_name for m in page.items if not m.contributed} >= {
        "Félix Carpentier",
        "Malik Traoré",
    }
    assert national.community.rituals_html.startswith("<ul>")
