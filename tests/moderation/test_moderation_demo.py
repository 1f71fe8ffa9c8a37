"""The moderation demo: flagged content waits in the animators' review queues."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from community import demo_moderation
from community.models import ModerationLog, Resource, ReviewItem

pytestmark = pytest.mark.django_db


def test_demo_fills_the_review_queues_once(settings: Any) -> None:
    settings.ALLOW_DEMO_DATA = True
    settings.MODERATION_RATE_LIMITS = True  # seed_demo turns them off itself
    call_command("seed_demo", stdout=StringIO())
    open_items = ReviewItem.objects.filter(status="open").select_related("community", "target_type")
    rows = sorted(
        (i.community.slug, i.target_type.model, i.flag_count, i.weight) for i in open_items
    )
    assert rows == [
        ("data-guild", "resource", 1, 2),
        ("reseau-formateurs", "post", 2, 2),  # forums/demo_moderation.py
        ("reseau-formateurs", "resource", 2, 3),
    ]
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["agree_keep"]
    assert not Resource.objects.filter(is_hidden=True).exists()
    out = StringIO()
    demo_moderation.seed(out)
    assert out.getvalue() == "moderation: already there\n"
    assert ReviewItem.objects.count() == 4
