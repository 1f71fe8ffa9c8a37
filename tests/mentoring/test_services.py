"""Lifecycle services of mentoring/, with exact assertions and refused paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from taggit.models import Tag

from community.models import ActivityEvent, Notification
from mentoring.models import (
    DeclarationKind,
    Goal,
    MentoringBlock,
    MentoringSession,
    Mentorship,
    MentorshipDirection,
    MentorshipStatus,
    Skill,
    SkillDeclaration,
)
from mentoring.services import mentorships, skills
from mentoring.services.skills import Learn, Teach
from tests.mentoring.conftest import Pair
from tests.mentoring.factories import learns, make_skill, teaches

pytestmark = pytest.mark.django_db


def events(verb: str) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(verb=verb).order_by("id"))


def snapshot() -> tuple[object, ...]:
    return (
        list(Mentorship.objects.order_by("id").values()),
        list(MentoringSession.objects.order_by("id").values()),
        list(Goal.objects.order_by("id").values()),
        ActivityEvent.objects.count(),
        Notification.objects.count(),
    )


def proposed(pair: Pair) -> Mentorship:
    return mentorships.create_mentorship(
        community=pair.community,
        directions=[
            {
                "mentor_id": pair.alice.pk,
                "learner_id": pair.bob.pk,
                "skill_id": pair.speaking.pk,
                "mentor_level": 4,
                "learner_level": 2,
            },
            {
                "mentor_id": pair.bob.pk,
                "learner_id": pair.alice.pk,
                "skill_id": pair.excel.pk,
                "mentor_level": 4,
                "learner_level": 1,
            },
        ],
        status=MentorshipStatus.PROPOSED,
        weight=250,
    )


def active(pair: Pair) -> Mentorship:
    m = proposed(pair)
    mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    return mentorships.accept_mentorship(mentorship=m, member=pair.bob)


# --- Skills ---------------------------------------------------------------------------


def test_a_skill_is_a_taggit_tag_of_the_same_slug() -> None:
    skill = make_skill("Data visualisation", slug="dataviz")
    assert skill.tag == Tag.objects.get(slug="dataviz")
    existing = Tag.objects.create(name="excel-formulas", slug="excel-formulas")
    assert make_skill("Excel formulas", slug="excel-formulas").tag_id == existing.pk


def test_declare_skills_replaces_and_records(pair: Pair) -> None:
    python = make_skill("Python")
    skills.declare_skills(
        member=pair.alice,
        community=pair.community,
        teach=[Teach(python.pk, 5)],
        learn=[Learn(pair.excel.pk, 2, 4, 3)],
    )
    rows = sorted(
        SkillDeclaration.objects.filter(member=pair.alice).values_list(
            "skill_id", "kind", "level", "target_level", "priority"
        )
    )
    assert rows == sorted([(python.pk, "teach", 5, None, 2), (pair.excel.pk, "learn", 2, 4, 3)])
    [declared] = events("mentoring.skills_declared")
    assert (declared.actor_id, declared.community_id, declared.payload) == (
        pair.alice.pk,
        pair.community.pk,
        {"teach": [python.pk], "learn": [pair.excel.pk]},
    )
    [raised] = events("mentoring.skill_level_raised")
    assert raised.payload == {"skill_id": pair.excel.pk, "from_level": 1, "to_level": 2}


@pytest.mark.parametrize(
    ("teach", "learn", "message"),
    [
        (
            [Teach(0, 4)],
            [Learn(0, 1, 3)],
            "A skill cannot be both one you teach and one you want to learn.",
        ),
        ([], [Learn(0, 3, 3)], "The level you aim for must be above your current level."),
        ([Teach(0, 6)], [], "Levels go from 1 (novice) to 5 (expert)."),
        ([Teach(-1, 3)], [], "Choose skills from the list."),
    ],
)
def test_bad_declarations_are_refused_and_change_nothing(
    pair: Pair, teach: list, learn: list, message: str
) -> None:
    def fix(items: list) -> list:
        return [
            type(x)(*(pair.excel.pk if x.skill_id == 0 else 999999, *list(x.__dict__.values())[1:]))
            for x in items
        ]

    before = list(SkillDeclaration.objects.order_by("id").values())
    with pytest.raises(ValidationError) as error:
        skills.declare_skills(
            member=pair.alice, community=pair.community, teach=fix(teach), learn=fix(learn)
        )
    assert message in error.value.messages
    assert list(SkillDeclaration.objects.order_by("id").values()) == before
    assert events("mentoring.skills_declared") == []


def test_merging_skills_keeps_every_declaration(pair: Pair) -> None:
    speaking2 = make_skill("Speaking in public")
    teaches(pair.outsider, speaking2, 5)
    teaches(pair.bob, speaking2, 5)  # Bob learns "Public speaking" and teaches the twin
    learns(pair.alice, speaking2, 1, 2)
    m = proposed(pair)
    MentorshipDirection.objects.filter(mentorship=m, skill=pair.speaking).update(skill=speaking2)
    moved = skills.merge_skills(source=speaking2, target=pair.speaking)
    assert moved == 3
    rows = sorted(
        SkillDeclaration.objects.filter(skill=pair.speaking).values_list(
            "member_id", "kind", "level"
        )
    )
    assert rows == sorted(
        [
            (pair.alice.pk, "teach", 4),
            (pair.alice.pk, "learn", 1),
            (pair.bob.pk, "learn", 2),
            (pair.bob.pk, "teach", 5),
            (pair.outsider.pk, "teach", 5),
        ]
    )
    assert not SkillDeclaration.objects.filter(skill=speaking2).exists()
    assert MentorshipDirection.objects.filter(skill=pair.speaking).count() == 1
    speaking2.refresh_from_db()
    assert speaking2.merged_into_id == pair.speaking.pk
    assert list(Skill.objects.active().filter(pk=speaking2.pk)) == []
    with pytest.raises(ValidationError):
        skills.merge_skills(source=pair.speaking, target=pair.speaking)


# --- Requests, proposals, acceptance --------------------------------------------------


def test_request_then_acceptance_starts_a_one_way_mentorship(pair: Pair) -> None:
    m = mentorships.request_mentorship(
        requester=pair.bob,
        mentor=pair.alice,
        community=pair.community,
        skill=pair.speaking,
        message="Hello!",
    )
    assert (m.status, m.reciprocal, m.requested_by_id) == ("requested", False, pair.bob.pk)
    [req] = events("mentoring.mentorship_requested")
    assert req.payload == {"mentorship_id": m.pk, "for_member_id": pair.alice.pk}
    [note] = Notification.objects.filter(kind="mentoring.request")
    assert (note.recipient_id, note.actor_id, note.payload["skill"]) == (
        pair.alice.pk,
        pair.bob.pk,
        "Public speaking",
    )
    m = mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    assert m.status == MentorshipStatus.ACTIVE
    [started] = events("mentoring.mentorship_started")
    assert (started.actor_id, started.payload) == (
        pair.alice.pk,
        {
            "mentorship_id": m.pk,
            "reciprocal": False,
            "member_ids": [pair.alice.pk, pair.bob.pk],
            "directions": [
                {
                    "mentor_id": pair.alice.pk,
                    "learner_id": pair.bob.pk,
                    "skill_id": pair.speaking.pk,
                }
            ],
        },
    )
    assert Notification.objects.get(kind="mentoring.accepted").recipient_id == pair.bob.pk


def test_a_second_request_between_the_same_two_is_refused(pair: Pair) -> None:
    mentorships.request_mentorship(
        requester=pair.bob, mentor=pair.alice, community=pair.community, skill=pair.speaking
    )
    before = snapshot()
    with pytest.raises(ValidationError, match="already have a mentorship"):
        mentorships.request_mentorship(
            requester=pair.alice, mentor=pair.bob, community=pair.community, skill=pair.excel
        )
    assert snapshot() == before


def test_a_reciprocal_proposal_starts_when_both_accept(pair: Pair) -> None:
    m = proposed(pair)
    m = mentorships.accept_mentorship(mentorship=m, member=pair.bob)
    assert (m.status, events("mentoring.mentorship_started")) == ("proposed", [])
    m = mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    assert m.status == "active"
    [started] = events("mentoring.mentorship_started")
    assert started.actor_id == pair.alice.pk
    assert started.payload["reciprocal"] is True
    assert len(started.payload["directions"]) == 2
    # Accepting again is refused and records nothing more.
    with pytest.raises(ValidationError, match="no longer waiting"):
        mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    assert len(events("mentoring.mentorship_started")) == 1


def test_a_third_member_cannot_accept_or_decline_someone_elses_proposal(pair: Pair) -> None:
    m = proposed(pair)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        mentorships.decline_mentorship(mentorship=m, member=pair.outsider)
    with pytest.raises(PermissionDenied):
        mentorships.accept_mentorship(mentorship=m, member=pair.outsider)
    assert snapshot() == before


def test_declining_with_never_again_blocks_future_pairs(pair: Pair) -> None:
    m = proposed(pair)
    mentorships.decline_mentorship(mentorship=m, member=pair.bob, never_again=True)
    m.refresh_from_db()
    assert m.status == "declined"
    assert MentoringBlock.objects.filter(member=pair.bob, blocked=pair.alice).exists()
    with pytest.raises(ValidationError, match="cannot be asked"):
        mentorships.request_mentorship(
            requester=pair.alice, mentor=pair.bob, community=pair.community, skill=pair.excel
        )


# --- Sessions, goals, the end ---------------------------------------------------------


def test_logging_a_session_counts_and_records(pair: Pair) -> None:
    m = active(pair)
    day = timezone.localdate() - dt.timedelta(days=2)
    session = mentorships.log_session(
        mentorship=m,
        by=pair.bob,
        held_on=day,
        duration_minutes=45,
        topic="Slides",
        notes="Private",
        skill_ids=[pair.speaking.pk],
    )
    m.refresh_from_db()
    assert (m.session_count, m.last_session_on) == (1, day)
    [held] = events("mentoring.session_held")
    assert (held.actor_id, held.target_id, held.payload) == (
        pair.bob.pk,
        session.pk,
        {
            "mentorship_id": m.pk,
            "duration_minutes": 45,
            "mentor_ids": [pair.alice.pk],
            "learner_ids": [pair.bob.pk],
            "skill_ids": [pair.speaking.pk],
        },
    )
    older = mentorships.log_session(
        mentorship=m,
        by=pair.alice,
        held_on=day - dt.timedelta(days=5),
        duration_minutes=30,
        topic="Pivot tables",
    )
    m.refresh_from_db()
    assert (m.session_count, m.last_session_on) == (2, day)
    assert sorted(older.skills.values_list("pk", flat=True)) == sorted(
        [pair.speaking.pk, pair.excel.pk]
    )


def test_sessions_are_refused_to_others_in_the_future_and_before_the_start(pair: Pair) -> None:
    m = proposed(pair)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="while the mentorship is active"):
        mentorships.log_session(
            mentorship=m, by=pair.alice, held_on=today, duration_minutes=30, topic="x"
        )
    mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    m = mentorships.accept_mentorship(mentorship=m, member=pair.bob)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        mentorships.log_session(
            mentorship=m, by=pair.outsider, held_on=today, duration_minutes=30, topic="x"
        )
    with pytest.raises(ValidationError, match="once it has taken place"):
        mentorships.log_session(
            mentorship=m,
            by=pair.alice,
            held_on=today + dt.timedelta(days=1),
            duration_minutes=30,
            topic="x",
        )
    assert snapshot() == before


def test_goals_are_added_and_checked_by_the_pair_only(pair: Pair) -> None:
    m = active(pair)
    direction = m.directions.get(learner=pair.bob)
    goal = mentorships.add_goal(
        direction=direction, by=pair.bob, text="  Speak 5 minutes without notes "
    )
    assert goal.text == "Speak 5 minutes without notes"
    mentorships.set_goal_done(goal=goal, by=pair.alice, done=True)
    goal.refresh_from_db()
    assert goal.done_at is not None
    with pytest.raises(PermissionDenied):
        mentorships.set_goal_done(goal=goal, by=pair.outsider, done=False)
    goal.refresh_from_db()
    assert goal.done_at is not None


def test_completing_records_feedback_and_the_new_level(pair: Pair) -> None:
    m = active(pair)
    mentorships.complete_mentorship(
        mentorship=m, by=pair.bob, rating=5, comment="Great", new_level=3
    )
    m.refresh_from_db()
    assert m.status == "completed"
    [done] = events("mentoring.mentorship_completed")
    assert done.payload["reciprocal"] is True and done.payload["member_ids"] == [
        pair.alice.pk,
        pair.bob.pk,
    ]
    [raised] = events("mentoring.skill_level_raised")
    assert raised.payload == {
        "skill_id": pair.speaking.pk,
        "from_level": 2,
        "to_level": 3,
        "mentorship_id": m.pk,
    }
    assert (
        SkillDeclaration.objects.get(
            member=pair.bob, skill=pair.speaking, kind=DeclarationKind.LEARN
        ).level
        == 3
    )
    # The other gives feedback afterwards; no level raised when it is not higher.
    mentorships.give_feedback(mentorship=m, member=pair.alice, rating=4, new_level=1)
    assert sorted(m.feedback.values_list("member_id", "rating")) == sorted(
        [(pair.bob.pk, 5), (pair.alice.pk, 4)]
    )
    assert len(events("mentoring.skill_level_raised")) == 1


def test_ending_early_needs_a_reason_and_records_it(pair: Pair) -> None:
    m = active(pair)
    with pytest.raises(ValidationError):
        mentorships.end_mentorship(mentorship=m, by=pair.alice, reason="  ")
    mentorships.end_mentorship(mentorship=m, by=pair.alice, reason="New job")
    [ended] = events("mentoring.mentorship_ended")
    assert ended.payload == {
        "mentorship_id": m.pk,
        "reason": "New job",
        "member_ids": [pair.alice.pk, pair.bob.pk],
    }


def test_stalled_pairs_are_reminded_once_per_period(pair: Pair, settings: object) -> None:
    settings.MENTORING_STALLED_DAYS = 14  # type: ignore[attr-defined]
    m = active(pair)
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - dt.timedelta(days=20))
    assert mentorships.remind_stalled_pairs() == 1
    assert mentorships.remind_stalled_pairs() == 0
    notes = Notification.objects.filter(kind="mentoring.reminder")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(
        [pair.alice.pk, pair.bob.pk]
    )
    assert {n.payload["days"] for n in notes} == {14}
    # A session resets the clock; 15 days later the pair is reminded again.
    later = timezone.now() + dt.timedelta(days=15)
    assert mentorships.remind_stalled_pairs(now=later) == 1


def test_repairing_ends_and_proposes_new_partners(pair: Pair) -> None:
    m = active(pair)
    carol = pair.outsider
    teaches(carol, pair.excel, 5)
    learns(carol, pair.speaking, 1, 3)
    created = mentorships.repair_mentorship(mentorship=m, by=pair.animator, reason="Not a fit")
    m.refresh_from_db()
    assert m.status == "ended"
    # Carol teaches Alice Excel and learns public speaking from her: a two-way proposal.
    # Nobody else teaches Bob public speaking, so he gets none.
    [proposal] = created
    assert (proposal.member_a_id, proposal.member_b_id) == tuple(sorted((pair.alice.pk, carol.pk)))
    assert (proposal.status, proposal.reciprocal) == ("proposed", True)
    assert Notification.objects.filter(kind="mentoring.proposal").count() == 2
