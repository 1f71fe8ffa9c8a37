"""The dashboard: who may see it, what it shows, its query count, the CSV, recompute."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.cache import cache

from analytics.models import MonthlySnapshot
from analytics.months import add_months, current_month
from analytics.services import compute_snapshot, recompute_key
from community.models import Community, Member
from community.models.communities import Role, Visibility
from tests.analytics.conftest import OCTOBER, Network
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def url(community: Community, month: str = "2026-10") -> str:
    return f"/c/{community.slug}/dashboard/?month={month}"


@pytest.fixture
def manager(network: Network, make_member: Callable[..., Member]) -> Member:
    return make_member(network.nation, Role.MANAGER)


@pytest.fixture
def computed(network: Network) -> Network:
    for month in (add_months(OCTOBER, -1), OCTOBER):
        for c in (network.nation, network.chapter_a, network.chapter_b):
            compute_snapshot(community_id=c.pk, month=month)
    return network


def test_a_manager_reads_figures_definitions_and_deltas(
    computed: Network, manager: Member, client_for: Callable
) -> None:
    response = client_for(manager).get(url(computed.nation))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="members_active"><strong>5</strong>' in html
    assert 'data-figure="questions_solved"><strong>2</strong>' in html
    # September had 2 active members (bob, erin): +3 in October, a good sign.
    assert '<span class="delta delta--good">+3</span>' in html
    assert "Members with at least one recorded action in the month" in html
    assert "Final" in html and "Provisional" not in html
    # The chapters side by side, and the retention heat map.
    assert "Chapters side by side" in html and "Chapter A" in html
    assert "cohorts__cell--4" in html
    assert "<svg" in html and "The figures behind the chart" in html


def test_the_current_month_carries_a_provisional_badge(
    network: Network, manager: Member, client_for: Callable
) -> None:
    compute_snapshot(community_id=network.nation.pk, month=current_month())
    response = client_for(manager).get(f"/c/{network.nation.slug}/dashboard/")
    assert "Provisional" in response.content.decode()


def test_a_month_without_figures_says_so(
    network: Network, manager: Member, client_for: Callable
) -> None:
    response = client_for(manager).get(url(network.nation, "2026-03"))
    assert response.status_code == 200
    assert "No figures for this month yet" in response.content.decode()


@pytest.mark.parametrize("bad", ["2026-13", "abc", "2999-01", "<script>"])
def test_a_bad_month_falls_back_to_the_current_one(
    network: Network, manager: Member, client_for: Callable, bad: str
) -> None:
    response = client_for(manager).get(f"/c/{network.nation.slug}/dashboard/", {"month": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That month has no figures: here is the current month." in html
    assert f'value="{current_month():%Y-%m}" selected' in html
    assert "<script>" not in html.split("</head>", 1)[1]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANIMATOR])
def test_roles_of_the_nation_carry_over_to_chapters(
    network: Network, make_member: Callable, client_for: Callable, role: str
) -> None:
    person = make_member(network.nation, role)
    assert client_for(person).get(url(network.chapter_a)).status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AMBASSADOR])
def test_members_and_ambassadors_are_refused(
    network: Network, make_member: Callable, client_for: Callable, role: str
) -> None:
    person = make_member(network.nation, role)
    client = client_for(person)
    assert client.get(url(network.nation)).status_code == 403
    assert client.get(f"/c/{network.nation.slug}/dashboard/figures.csv").status_code == 403
    before = MonthlySnapshot.objects.count()
    response = client.post(f"/c/{network.nation.slug}/dashboard/recompute/", {"month": "2026-10"})
    assert response.status_code == 403
    assert MonthlySnapshot.objects.count() == before
    assert cache.get(recompute_key(network.nation.pk, OCTOBER)) is None


def test_a_manager_of_another_community_is_refused(
    network: Network, make_member: Callable, client_for: Callable
) -> None:
    other = make_member(CommunityFactory(), Role.MANAGER)
    assert client_for(other).get(url(network.nation)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(network: Network, client_for: Callable) -> None:
    response = client_for(None).get(url(network.nation))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_an_invitation_only_community_stays_hidden(
    make_member: Callable, client_for: Callable
) -> None:
    hidden = CommunityFactory(visibility=Visibility.INVITATION)
    outsider = make_member(CommunityFactory(), Role.MANAGER)
    assert client_for(outsider).get(url(hidden)).status_code == 404


def test_the_tab_shows_to_managers_and_animators_only(
    network: Network, manager: Member, make_member: Callable, client_for: Callable
) -> None:
    tab = f'href="/c/{network.nation.slug}/dashboard/"'
    assert tab in client_for(manager).get(f"/c/{network.nation.slug}/").content.decode()
    plain = make_member(network.nation)
    assert tab not in client_for(plain).get(f"/c/{network.nation.slug}/").content.decode()


def _snapshots(community: Community, months: int, chapters: int) -> None:
    kids = [CommunityFactory(parent=community) for _ in range(chapters)]
    for i in range(months):
        month = add_months(date(2026, 10, 1), -i)
        for c in [community, *kids]:
            MonthlySnapshot.objects.create(
                community=c,
                month=month,
                provisional=False,
                members_total=10 + i,
                figures={"members_total": 10 + i, "retention": {f"{month:%Y-%m}": [3, 2]}},
            )


@pytest.mark.parametrize(("months", "chapters"), [(1, 0), (13, 12)])
def test_the_dashboard_runs_at_most_six_queries(
    make_member: Callable,
    client_for: Callable,
    django_assert_max_num_queries: Callable,
    months: int,
    chapters: int,
) -> None:
    community = CommunityFactory()
    _snapshots(community, months, chapters)
    manager = make_member(community, Role.MANAGER)
    client = client_for(manager)
    client.get(url(community))  # warm the session cache
    with django_assert_max_num_queries(6):
        response = client.get(url(community))
    assert response.status_code == 200


def test_the_csv_has_a_line_per_figure_and_safe_cells(
    computed: Network, manager: Member, client_for: Callable
) -> None:
    MonthlySnapshot.objects.filter(community=computed.nation, month=OCTOBER).update(
        figures={"members_total": 6, "nps": -20}
    )
    response = client_for(manager).get(
        f"/c/{computed.nation.slug}/dashboard/figures.csv?month=2026-10"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="nation-2026-10.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["Figure", "Key", "2025-11"] and lines[0][-1] == "2026-10"
    by_key = {line[1]: line for line in lines[1:]}
    assert by_key["members_total"][-1] == "6"
    assert by_key["members_total"][-2] == "6"  # September (computed): erin, alice…
    assert by_key["nps"][-1] == "-20"  # a number, not a formula
    assert "retention" not in by_key


def test_an_animator_recomputes_the_month_and_sees_progress(
    network: Network,
    make_member: Callable,
    client_for: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    animator = make_member(network.nation, Role.ANIMATOR)
    client = client_for(animator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/c/{network.nation.slug}/dashboard/recompute/",
            {"month": "2026-10"},
            headers={"HX-Request": "true"},
        )
    # Eager Celery in tests: the task ran as the transaction committed.
    assert response.status_code == 200
    snapshot = MonthlySnapshot.objects.get(community=network.nation, month=OCTOBER)
    assert snapshot.members_active == 5
    status = client.get(f"/c/{network.nation.slug}/dashboard/status/?month=2026-10")
    assert "every 2s" not in status.content.decode()


def test_the_progress_polls_while_the_task_runs(
    network: Network, make_member: Callable, client_for: Callable
) -> None:
    animator = make_member(network.nation, Role.ANIMATOR)
    cache.set(recompute_key(network.nation.pk, OCTOBER), "now", 60)
    html = (
        client_for(animator)
        .get(f"/c/{network.nation.slug}/dashboard/status/?month=2026-10")
        .content.decode()
    )
    assert 'hx-trigger="every 2s"' in html and "Computing the figures…" in html


def test_managers_may_not_recompute(
    network: Network, manager: Member, client_for: Callable
) -> None:
    response = client_for(manager).post(
        f"/c/{network.nation.slug}/dashboard/recompute/", {"month": "2026-10"}
    )
    assert response.status_code == 403
    assert not MonthlySnapshot.objects.exists()


def test_the_dashboard_reads_in_french(
    computed: Network, manager: Member, client_for: Callable
) -> None:
    from django.conf import settings

    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(url(computed.nation)).content.decode()
    assert "Tableau de bord" in html and "Définitif" in html
    assert "Membres ayant au moins une action enregistrée dans le mois" in html
    assert "Les antennes côte à côte" in html


def test_recompute_without_javascript_comes_back_to_the_month(
    network: Network,
    make_member: Callable,
    client_for: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    animator = make_member(network.nation, Role.ANIMATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(animator).post(
            f"/c/{network.nation.slug}/dashboard/recompute/", {"month": "2026-10"}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{network.nation.slug}/dashboard/?month=2026-10"
    assert MonthlySnapshot.objects.filter(community=network.nation, month=OCTOBER).exists()


def test_recompute_refuses_get(
    network: Network, make_member: Callable, client_for: Callable
) -> None:
    animator = make_member(network.nation, Role.ANIMATOR)
    response = client_for(animator).get(f"/c/{network.nation.slug}/dashboard/recompute/")
    assert response.status_code == 405
    assert not MonthlySnapshot.objects.exists()
