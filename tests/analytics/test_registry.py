"""Adding a figure is one function: the snapshot, the dashboard and the CSV show it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from analytics import registry
from analytics.registry import Figure, Scope, Value, metric, one
from analytics.services import compute_snapshot
from community.models import Member
from community.models.communities import Role
from tests.analytics.conftest import OCTOBER, Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def edits_metric() -> Iterator[None]:
    @metric(
        "edits",
        Figure("edits", "Edited posts", "Forum posts edited in the month.", chart=True),
        group="contributions",
    )
    def edits(scope: Scope) -> dict[str, Value]:
        (n,) = one(
            "SELECT COUNT(*) FROM community_activityevent WHERE verb = 'forums.post_edited'"
            " AND community_id = ANY(%(communities)s)"
            " AND occurred_at >= %(start)s AND occurred_at < %(end)s",
            scope.params(),
        )
        return {"edits": n}

    yield
    del registry._METRICS["edits"]


def test_a_new_metric_reaches_the_snapshot_the_page_and_the_csv(
    network: Network,
    edits_metric: None,
    make_member: Callable[..., Member],
    client_for: Callable,
) -> None:
    from tests.analytics.conftest import at, record

    record("forums.post_edited", network.alice, network.chapter_a, at(10, 4), post_id=1)
    assert compute_snapshot(community_id=network.nation.pk, month=OCTOBER).figures["edits"] == 1
    client = client_for(make_member(network.nation, Role.MANAGER))
    html = client.get(f"/c/{network.nation.slug}/dashboard/?month=2026-10").content.decode()
    assert 'data-figure="edits"><strong>1</strong>' in html
    assert "Forum posts edited in the month." in html and 'id="trend-title-edits"' in html
    csv_text = b"".join(
        client.get(
            f"/c/{network.nation.slug}/dashboard/figures.csv?month=2026-10"
        ).streaming_content
    ).decode("utf-8-sig")
    assert "Edited posts,edits," in csv_text


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown figure group"):
        metric("x", Figure("x", "X", "X"), group="nowhere")
