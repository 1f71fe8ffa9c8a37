"""The demo's snapshots, and the animators' back office for them."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.urls import reverse

from analytics.models import MonthlySnapshot
from analytics.months import add_months, current_month
from analytics.services import compute_snapshot, recompute_key
from community.models import Community
from community.models.communities import Role
from tests.analytics.conftest import OCTOBER, Network
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def test_the_demo_computes_six_months_per_community_and_is_idempotent() -> None:
    from analytics import demo
    from community import demo as community_demo

    community_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    count = MonthlySnapshot.objects.count()
    assert count == Community.objects.count() * 6
    demo.seed(io.StringIO())
    assert MonthlySnapshot.objects.count() == count
    network = Community.objects.filter(chapters__isnull=False).distinct().get()
    now = MonthlySnapshot.objects.get(community=network, month=current_month())
    assert now.provisional and now.members_total > 0
    assert not MonthlySnapshot.objects.get(
        community=network, month=add_months(current_month(), -1)
    ).provisional


def _admin(client_for: Callable, member: object) -> object:
    from tests.community.test_admin import with_mfa

    return client_for(with_mfa(member))


def test_animators_see_only_their_communities_snapshots(
    network: Network, make_member: Callable, client_for: Callable
) -> None:
    other = CommunityFactory()
    for c in (network.chapter_a, other):
        compute_snapshot(community_id=c.pk, month=OCTOBER)
    animator = make_member(network.chapter_a, Role.ANIMATOR)
    client = _admin(client_for, animator)
    response = client.get(reverse("admin:analytics_monthlysnapshot_changelist"))  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert [s.community for s in response.context["cl"].result_list] == [network.chapter_a]
    theirs = MonthlySnapshot.objects.get(community=other)
    page = client.get(reverse("admin:analytics_monthlysnapshot_change", args=[theirs.pk]))  # type: ignore[attr-defined]
    assert page.status_code == 404


def test_the_admin_action_recomputes_the_selected_months(
    network: Network,
    make_member: Callable,
    client_for: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    snapshot = compute_snapshot(community_id=network.chapter_a.pk, month=OCTOBER)
    animator = make_member(network.chapter_a, Role.ANIMATOR)
    client = _admin(client_for, animator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(  # type: ignore[attr-defined]
            reverse("admin:analytics_monthlysnapshot_changelist"),
            {"action": "recompute", "_selected_action": [snapshot.pk]},
        )
    assert len(callbacks) == 1
    snapshot.refresh_from_db()
    assert snapshot.figures["members_active"] == 4
    from django.core.cache import cache

    assert cache.get(recompute_key(network.chapter_a.pk, OCTOBER)) is None
