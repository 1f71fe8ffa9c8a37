"""Matching rounds: the cohort, pins, computation, publication (eager Celery), and one
round computed by a real Celery worker on real Redis."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from community.models import Member, Notification
from mentoring.models import MatchingRound, Mentorship, PinKind, RoundPair, RoundStatus
from mentoring.services import mentorships, rounds
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.conftest import Pair
from tests.mentoring.factories import learns, make_skill, prefs, teaches


def cohort(pair: Pair) -> tuple[MatchingRound, Member]:
    """Alice and Bob teach each other; Carol teaches Bob the same skill as Alice, one-way."""
    round_ = rounds.create_round(community=pair.community, title="Spring", by=pair.animator)
    carol = MembershipFactory(community=pair.community, member__display_name="Carol").member
    teaches(carol, pair.speaking, 4)
    for m in (pair.alice, pair.bob, carol):
        rounds.set_volunteer(round_=round_, member=m, on=True)
    round_.refresh_from_db()
    return round_, carol


def compute(round_: MatchingRound, by: Member, capture: Callable) -> MatchingRound:
    with capture(execute=True):
        rounds.start_computation(round_=round_, by=by)
    round_.refresh_from_db()
    return round_


@pytest.mark.django_db
def test_the_round_proposes_the_reciprocal_pair_with_reasons(
    pair: Pair, django_capture_on_commit_callbacks: Callable
) -> None:
    round_, _carol = cohort(pair)
    assert round_.volunteer_count == 3
    round_ = compute(round_, pair.animator, django_capture_on_commit_callbacks)
    assert round_.status == RoundStatus.PREVIEW
    [p] = RoundPair.objects.filter(round=round_)
    assert (p.member_a_id, p.member_b_id, p.reciprocal) == (pair.alice.pk, pair.bob.pk, True)
    assert {(d["mentor_id"], d["skill_id"]) for d in p.directions} == {
        (pair.alice.pk, pair.speaking.pk),
        (pair.bob.pk, pair.excel.pk),
    }
    assert (
        round_.stats["pairs"] == 1
        and round_.stats["reciprocal"] == 1
        and round_.stats["matched"] == 2
    )
    [note] = Notification.objects.filter(kind="mentoring.round_results")
    assert (note.recipient_id, note.payload["pairs"]) == (pair.animator.pk, 1)


@pytest.mark.django_db
def test_pins_force_and_forbid_pairs(
    pair: Pair, django_capture_on_commit_callbacks: Callable
) -> None:
    round_, carol = cohort(pair)
    rounds.set_pin(round_=round_, member_a=pair.bob, member_b=pair.alice, kind=PinKind.FORBID)
    round_ = compute(round_, pair.animator, django_capture_on_commit_callbacks)
    [p] = RoundPair.objects.filter(round=round_)
    assert (p.member_a_id, p.member_b_id, p.reciprocal) == (
        *tuple(sorted((pair.bob.pk, carol.pk))),
        False,
    )
    rounds.set_pin(round_=round_, member_a=pair.bob, member_b=pair.alice, kind=None)
    rounds.set_pin(round_=round_, member_a=carol, member_b=pair.bob, kind=PinKind.FORCE)
    round_ = compute(round_, pair.animator, django_capture_on_commit_callbacks)
    # Carol now teaches Bob public speaking; Bob still teaches Alice Excel, one-way.
    got = {
        (p.member_a_id, p.member_b_id, p.forced, p.reciprocal)
        for p in RoundPair.objects.filter(round=round_)
    }
    assert got == {
        (*sorted((pair.bob.pk, carol.pk)), True, False),
        (pair.alice.pk, pair.bob.pk, False, False),
    }
    with pytest.raises(ValidationError, match="volunteers"):
        rounds.set_pin(round_=round_, member_a=pair.outsider, member_b=pair.bob, kind=PinKind.FORCE)


@pytest.mark.django_db
def test_capacities_constraints_and_open_pairs_reach_the_optimiser(pair: Pair) -> None:
    _round, carol = cohort(pair)
    prefs(pair.alice, availability=0b11, mentor_capacity=2, learner_capacity=0, avoid_own_team=True)
    Member.objects.filter(pk=pair.bob.pk).update(languages=["fr", "en"], team="Sales")
    mentorships.request_mentorship(
        requester=pair.bob, mentor=carol, community=pair.community, skill=pair.speaking
    )
    data = rounds.load_matching_input(
        community=pair.community, member_ids=[pair.alice.pk, pair.bob.pk, carol.pk]
    )
    ids = data.member_ids.tolist()
    a, b, c = ids.index(pair.alice.pk), ids.index(pair.bob.pk), ids.index(carol.pk)
    assert (data.avail[a], data.cap_mentor[a], data.cap_learner[a], bool(data.avoid_team[a])) == (
        3,
        2,
        0,
        True,
    )
    assert (data.lang[b], data.team[b] >= 0, data.team[a]) == (0b11, True, -1)
    # Bob and Carol's open request uses one capacity each and forbids proposing them again.
    assert (data.cap_mentor[c], data.cap_learner[b]) == (0, 0)
    assert data.forbidden == [(min(b, c), max(b, c))]


@pytest.mark.django_db
def test_publishing_creates_proposals_and_tells_each_member(
    pair: Pair, django_capture_on_commit_callbacks: Callable
) -> None:
    round_, _carol = cohort(pair)
    round_ = compute(round_, pair.animator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        rounds.publish_round(round_=round_, by=pair.animator)
    [m] = Mentorship.objects.filter(round=round_)
    assert (m.status, m.reciprocal, m.member_a_id, m.member_b_id) == (
        "proposed",
        True,
        pair.alice.pk,
        pair.bob.pk,
    )
    notes = Notification.objects.filter(kind="mentoring.proposal").order_by("recipient_id")
    assert [(n.recipient_id, n.payload["partner"]) for n in notes] == [
        (pair.alice.pk, "Bob Leroy"),
        (pair.bob.pk, "Alice Martin"),
    ]
    # Running the task again creates nothing more.
    assert rounds.create_round_proposals(round_id=round_.pk) == 0
    with pytest.raises(ValidationError):
        rounds.publish_round(round_=round_, by=pair.animator)


@pytest.mark.django_db
def test_volunteering_needs_an_open_round_and_membership(pair: Pair) -> None:
    round_, _ = cohort(pair)
    stranger = MembershipFactory(community=CommunityFactory()).member
    with pytest.raises(ValidationError, match="Join the community"):
        rounds.set_volunteer(round_=round_, member=stranger, on=True)
    rounds.set_volunteer(round_=round_, member=pair.bob, on=False)
    round_.refresh_from_db()
    assert round_.volunteer_count == 2
    solo = rounds.create_round(community=pair.community, title="Solo", by=None)
    rounds.set_volunteer(round_=solo, member=pair.alice, on=True)
    with pytest.raises(ValidationError, match="at least two"):
        rounds.start_computation(round_=solo, by=None)


@pytest.mark.celery_worker
def test_a_round_is_computed_by_a_real_celery_worker(celery_worker_process: object) -> None:
    community = CommunityFactory(name="Guild")
    round_ = rounds.create_round(community=community, title="Autumn", by=None)
    skills = [make_skill(f"Topic {i}") for i in range(6)]
    members = [MembershipFactory(community=community).member for _ in range(30)]
    for i, member in enumerate(members):
        teaches(member, skills[i % 6], 4)
        learns(member, skills[(i + 1) % 6], 1, 3)
        rounds.set_volunteer(round_=round_, member=member, on=True)
    # when the animator starts the computation (the request only enqueues it)
    rounds.start_computation(round_=round_, by=None)
    # then the worker computes the preview
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        round_.refresh_from_db()
        if round_.status == RoundStatus.PREVIEW:
            break
        time.sleep(0.3)
    assert (round_.status, round_.progress) == (RoundStatus.PREVIEW, 100)
    pairs = list(RoundPair.objects.filter(round=round_))
    assert len(pairs) == round_.stats["pairs"] >= 10
    mentors = [d["mentor_id"] for p in pairs for d in p.directions]
    learners = [d["learner_id"] for p in pairs for d in p.directions]
    # capacity 1 each way: nobody mentors twice or learns twice
    assert len(mentors) == len(set(mentors)) and len(learners) == len(set(learners))
