"""Every figure against a hand-computed expectation on the crafted network of conftest.py
(October 2026), plus the edge cases: an empty month, a member active in two chapters, a
question answered only by its author, multi-tag posts."""

from __future__ import annotations

import math
from datetime import date

import pytest

from analytics import metrics
from analytics.models import MonthlySnapshot
from analytics.months import add_months, current_month
from analytics.services import compute_snapshot
from community.models import SurveyAnswer, SurveyResponse
from tests.analytics.conftest import OCTOBER, Network, entropy
from tests.factories import CommunityFactory
from tests.life.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _low_diversity_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "DIVERSITY_MIN_CONTRIBUTIONS", 5)


def october(network: Network) -> dict:
    return compute_snapshot(community_id=network.nation.pk, month=OCTOBER).figures


def test_members_roll_up_the_chapters_counting_each_person_once(network: Network) -> None:
    f = october(network)
    # alice (two chapters), bob, carol, dave, erin, anim; frank left, gina joined later.
    assert f["members_total"] == 6
    assert f["members_new"] == 1  # carol; alice's second chapter does not make her new
    # alice acts in chapter A, chapter B and the nation: once.
    assert f["members_active"] == 5
    assert f["members_returning"] == 1  # dave: July, not September, October
    assert f["members_churned"] == 1  # erin


def test_a_chapter_alone_counts_its_own_members(network: Network) -> None:
    f = compute_snapshot(community_id=network.chapter_a.pk, month=OCTOBER).figures
    # alice, bob; carol and dave only reacted there.
    assert (f["members_total"], f["members_active"]) == (2, 4)
    assert (f["topics"], f["posts"]) == (1, 2)


def test_retention_by_cohort_of_first_contribution(network: Network) -> None:
    f = october(network)
    assert f["retention"] == {"2026-07": [1, 1], "2026-09": [2, 1], "2026-10": [3, 3]}


def test_contributions_and_share_by_members(network: Network) -> None:
    f = october(network)
    assert (f["contributions"], f["topics"], f["posts"], f["resources"]) == (14, 4, 5, 1)
    assert f["posts_by_members_share"] == round(100 * 8 / 9, 1)  # anim wrote one of 9


def test_concentration_is_the_smallest_group_making_half(network: Network) -> None:
    f = october(network)
    # alice 5, carol 3, dave 3, bob 2, anim 1 = 14: 5 + 3 >= 7.
    assert (f["concentration_half"], f["contributors"]) == (2, 5)


def test_quality(network: Network) -> None:
    f = october(network)
    assert f["reactions_per_contribution"] == round(3 / 9, 2)
    # q1 answered by bob; q2 only by its author; q4 not accepted.
    assert f["questions_answered_share"] == round(100 / 3, 1)


def test_problems_solved_and_first_response(network: Network) -> None:
    f = october(network)
    assert f["questions_solved"] == 2  # q1 (24 h) and September's question (72 h)
    assert f["solution_hours_median"] == 48.0
    assert f["questions_asked"] == 3
    # q1 3 h (alice's own reply does not count), q4 12 h; q2 only its author: unanswered.
    assert f["first_response_hours_median"] == 7.5
    assert f["questions_unanswered"] == 1


def test_diversity_splits_multi_tag_posts_evenly(network: Network) -> None:
    f = october(network)
    # python: 3 × ½ (q1 and its two replies) + q2 + its reply + the resource = 4.5;
    # sql: 3 × ½ + q4 + its reply = 3.5.
    h = entropy([4.5, 3.5])
    assert (f["tagged_contributions"], f["tags_used"]) == (8, 2)
    assert f["diversity_evenness"] == round(h / math.log(2), 3)
    assert f["diversity_effective"] == round(math.exp(h), 2)


def test_diversity_is_hidden_below_the_minimum(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "DIVERSITY_MIN_CONTRIBUTIONS", 9)
    f = october(network)
    assert (f["diversity_evenness"], f["diversity_effective"]) == (None, None)
    assert f["tagged_contributions"] == 8


def test_mentoring_recognition_and_events(network: Network) -> None:
    f = october(network)
    assert (f["mentoring_pairs"], f["mentoring_sessions"], f["mentoring_hours"]) == (2, 1, 1.5)
    assert (f["badges"], f["kudos"], f["endorsements"]) == (1, 1, 1)  # backfill not counted
    assert (f["attendance"], f["events_held"]) == (2, 1)


def test_satisfaction_mean_and_nps(network: Network) -> None:
    survey = SurveyFactory(community=network.chapter_b)
    rating = QuestionFactory(survey=survey, kind="rating")
    nps = QuestionFactory(survey=survey, kind="nps")
    day = date(2026, 10, 10)
    for stars, score in ((4, 10), (5, 9), (3, 6), (None, 8)):
        response = SurveyResponse.objects.create(survey=survey, submitted_on=day)
        if stars is not None:
            SurveyAnswer.objects.create(response=response, question=rating, number=stars)
        SurveyAnswer.objects.create(response=response, question=nps, number=score)
    late = SurveyResponse.objects.create(survey=survey, submitted_on=date(2026, 11, 1))
    SurveyAnswer.objects.create(response=late, question=rating, number=1)
    f = october(network)
    assert f["satisfaction_mean"] == 4.0
    assert f["nps"] == 25  # 2 promoters, 1 detractor out of 4
    assert f["survey_answers"] == 7


def test_an_empty_month_gives_zeros_and_blanks() -> None:
    quiet = CommunityFactory()
    snapshot = compute_snapshot(community_id=quiet.pk, month=OCTOBER)
    f = snapshot.figures
    assert f["members_total"] == f["members_active"] == f["contributions"] == 0
    assert f["concentration_half"] == 0
    assert f["retention"] == {}
    for blank in (
        "posts_by_members_share",
        "reactions_per_contribution",
        "questions_answered_share",
        "solution_hours_median",
        "first_response_hours_median",
        "diversity_evenness",
        "diversity_effective",
        "satisfaction_mean",
        "nps",
    ):
        assert f[blank] is None, blank
    assert (snapshot.members_total, snapshot.provisional) == (0, False)


def test_recomputing_gives_the_same_row(network: Network) -> None:
    first = compute_snapshot(community_id=network.nation.pk, month=OCTOBER)
    second = compute_snapshot(community_id=network.nation.pk, month=OCTOBER)
    assert first.pk == second.pk
    assert first.figures == second.figures
    assert MonthlySnapshot.objects.filter(community=network.nation).count() == 1
    assert (second.members_total, second.members_active, second.members_new) == (6, 5, 1)
    assert second.contributions == 14


def test_the_current_month_is_provisional_and_the_future_refused(network: Network) -> None:
    now = compute_snapshot(community_id=network.nation.pk, month=current_month())
    assert now.provisional is True
    with pytest.raises(ValueError, match="not begun"):
        compute_snapshot(community_id=network.nation.pk, month=add_months(current_month(), 1))
