"""Surveys: one answer per member (changeable until the close), anonymity by design, NPS,
results, the CSV export and the satisfaction figures for the dashboard."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from community.models import (
    ActivityEvent,
    Community,
    Member,
    Notification,
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
)
from community.selectors.surveys import csv_safe, nps, satisfaction, survey_csv_rows, survey_results
from community.services import surveys as services
from tests.factories import MemberFactory, MembershipFactory
from tests.life.factories import EventFactory, QuestionFactory, RegistrationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(place: Community):  # type: ignore[no-untyped-def]
    survey = SurveyFactory(community=place, anonymous=True)
    QuestionFactory(survey=survey, kind="rating", text_fr="Satisfait ?", position=1)
    QuestionFactory(survey=survey, kind="nps", text_fr="Recommanderiez-vous ?", position=2)
    QuestionFactory(
        survey=survey,
        kind="multiple",
        text_fr="Formats ?",
        choices_fr="Atelier\nWebinaire\nDéjeuner",
        position=3,
    )
    QuestionFactory(survey=survey, kind="text", text_fr="Un mot ?", required=False, position=4)
    return survey


def answers_for(
    survey, rating: int, score: int, picks: list[int], text: str = ""
) -> dict[int, object]:  # type: ignore[no-untyped-def]
    q = list(survey.questions.all())
    return {q[0].pk: rating, q[1].pk: score, q[2].pk: picks, q[3].pk: text}


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], None),
        ([10, 9, 8, 7, 6, 0], 0),
        ([10, 10, 10, 6], 50),
        ([0, 1, 2], -100),
        ([9] * 3, 100),
        ([10, 9, 7, 3, 8, 10, 2], 14),
    ],
)
def test_nps_is_promoters_minus_detractors(scores: list[int], expected: int | None) -> None:
    assert nps(scores) == expected


def test_one_anonymous_answer_per_member_changeable_with_its_key(survey, alice: Member) -> None:  # type: ignore[no-untyped-def]
    response, key = services.answer_survey(
        survey=survey, member=alice, answers=answers_for(survey, 4, 9, [0, 2], "Merci")
    )
    assert key
    # a second answer without the key is refused
    with pytest.raises(ValidationError):
        services.answer_survey(survey=survey, member=alice, answers=answers_for(survey, 1, 0, [1]))
    # with it, the first answer changes
    again, same_key = services.answer_survey(
        survey=survey, member=alice, answers=answers_for(survey, 5, 10, [1]), edit_key=key
    )
    assert (again.pk, same_key) == (response.pk, key)
    assert SurveyResponse.objects.count() == 1
    assert sorted(SurveyAnswer.objects.exclude(number=None).values_list("number", flat=True)) == [
        5,
        10,
    ]
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert list(ActivityEvent.objects.values_list("verb", "actor_id", "payload")) == [
        ("surveys.answered", None, {"survey_id": survey.pk})
    ]


def test_no_member_id_is_reachable_from_an_anonymous_answer(
    survey, alice: Member, bob: Member
) -> None:  # type: ignore[no-untyped-def]
    services.answer_survey(
        survey=survey, member=alice, answers=answers_for(survey, 4, 9, [0], "Top")
    )
    services.answer_survey(survey=survey, member=bob, answers=answers_for(survey, 2, 3, [1], "Bof"))
    member_ids = {alice.pk, bob.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM community_surveyresponse")
        response_columns = [c.name for c in cursor.description]
        response_rows = cursor.fetchall()
        cursor.execute("SELECT * FROM community_surveyanswer")
        answer_columns = [c.name for c in cursor.description]
        answer_rows = cursor.fetchall()
    # every column of the answers' tables: no member id, no time of day, no ordered key
    assert sorted(response_columns) == [
        "edit_key_hash",
        "id",
        "member_id",
        "submitted_on",
        "survey_id",
    ]
    assert {row[response_columns.index("member_id")] for row in response_rows} == {None}
    assert all(
        isinstance(row[response_columns.index("submitted_on")], date) for row in response_rows
    )
    assert sorted(answer_columns) == [
        "choices",
        "id",
        "number",
        "question_id",
        "response_id",
        "text",
    ]
    for row in response_rows + answer_rows:
        assert not any(value in member_ids for value in row if isinstance(value, int))
    # who answered is known (one answer each) but not linked to what they answered
    assert sorted(SurveyParticipation.objects.values_list("member_id", flat=True)) == sorted(
        member_ids
    )
    assert [f.name for f in SurveyParticipation._meta.get_fields()] == [
        "id",
        "survey",
        "member",
        "answered_on",
    ]
    assert ActivityEvent.objects.filter(verb="surveys.answered", actor__isnull=False).count() == 0
    # nor in the export
    rows = list(survey_csv_rows(survey))
    assert len(rows[0]) == 6  # number, day and the four questions: no member column
    assert not any(
        alice.display_name in cell or bob.display_name in cell for row in rows for cell in row
    )


def test_named_surveys_keep_the_member_and_let_them_edit(place: Community, alice: Member) -> None:
    survey = SurveyFactory(community=place, anonymous=False)
    question = QuestionFactory(survey=survey, kind="rating")
    services.answer_survey(survey=survey, member=alice, answers={question.pk: 3})
    services.answer_survey(survey=survey, member=alice, answers={question.pk: 5})
    assert list(SurveyResponse.objects.values_list("member_id", flat=True)) == [alice.pk]
    assert list(SurveyAnswer.objects.values_list("number", flat=True)) == [5]
    assert ActivityEvent.objects.get().actor_id == alice.pk
    rows = list(survey_csv_rows(survey))
    assert rows[1][2] == "Alice"


def test_closed_surveys_take_no_answer(place: Community, alice: Member) -> None:
    survey = SurveyFactory(
        community=place,
        opens_at=timezone.now() - timedelta(days=9),
        closes_at=timezone.now() - timedelta(days=1),
    )
    question = QuestionFactory(survey=survey)
    with pytest.raises(ValidationError):
        services.answer_survey(survey=survey, member=alice, answers={question.pk: 3})
    assert SurveyResponse.objects.count() == 0


def test_answers_are_checked_question_by_question(survey, alice: Member) -> None:  # type: ignore[no-untyped-def]
    q = list(survey.questions.all())
    with pytest.raises(ValidationError) as caught:
        services.answer_survey(
            survey=survey, member=alice, answers={q[0].pk: 9, q[1].pk: "x", q[2].pk: [7]}
        )
    assert sorted(caught.value.error_dict) == [f"q{q[0].pk}", f"q{q[1].pk}", f"q{q[2].pk}"]
    assert SurveyResponse.objects.count() == SurveyParticipation.objects.count() == 0


def test_only_the_target_may_answer(place: Community, alice: Member, bob: Member) -> None:
    event = EventFactory(community=place)
    RegistrationFactory(event=event, member=alice, attendance="attended")
    survey = SurveyFactory(community=place, target="attendees", event=event)
    question = QuestionFactory(survey=survey)
    with pytest.raises(PermissionDenied):
        services.answer_survey(survey=survey, member=bob, answers={question.pk: 4})
    with pytest.raises(PermissionDenied):
        services.answer_survey(
            survey=SurveyFactory(community=place), member=MemberFactory(), answers={}
        )
    services.answer_survey(survey=survey, member=alice, answers={question.pk: 4})
    assert SurveyResponse.objects.count() == 1


def test_results_give_distributions_mean_and_nps(survey, place: Community) -> None:  # type: ignore[no-untyped-def]
    people = [MembershipFactory(community=place).member for _ in range(4)]
    for member, (rating, score, picks) in zip(
        people, [(5, 10, [0]), (4, 9, [0, 1]), (3, 7, [2]), (2, 3, [0])], strict=True
    ):
        services.answer_survey(
            survey=survey,
            member=member,
            answers=answers_for(survey, rating, score, picks, f"avis {rating}"),
        )
    rating, score, formats, words = survey_results(survey)
    assert rating.mean == 3.5
    assert [c for _l, c, _p in rating.distribution] == [0, 1, 1, 1, 1]
    assert (score.nps, score.promoters, score.passives, score.detractors) == (25, 2, 1, 1)
    assert formats.distribution == [("Atelier", 3, 75), ("Webinaire", 1, 25), ("Déjeuner", 1, 25)]
    assert sorted(words.texts) == ["avis 2", "avis 3", "avis 4", "avis 5"]


def test_csv_cells_cannot_run_formulas() -> None:
    assert [csv_safe(v) for v in ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "ok", 7, None]] == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "ok",
        "7",
        "",
    ]


def test_csv_export_neutralises_formulas_typed_by_members(survey, alice: Member) -> None:  # type: ignore[no-untyped-def]
    services.answer_survey(
        survey=survey, member=alice, answers=answers_for(survey, 4, 9, [1], "=cmd|' /C calc'!A0")
    )
    text = "".join(",".join(row) + "\n" for row in survey_csv_rows(survey))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][-1] == "'=cmd|' /C calc'!A0"
    assert rows[1][2:5] == ["4", "9", "Webinaire"]


def test_satisfaction_for_the_monthly_dashboard(survey, place: Community) -> None:  # type: ignore[no-untyped-def]
    people = [MembershipFactory(community=place).member for _ in range(3)]
    for member, (rating, score) in zip(people, [(5, 10), (4, 9), (3, 2)], strict=True):
        services.answer_survey(
            survey=survey, member=member, answers=answers_for(survey, rating, score, [0])
        )
    today = timezone.localdate()
    month = today.replace(day=1)
    assert satisfaction(place, month, today + timedelta(days=1)) == {
        "mean_rating": 4.0,
        "nps": 33,
        "answers": 3,
    }
    assert satisfaction(place, month - timedelta(days=40), month - timedelta(days=10)) == {
        "mean_rating": None,
        "nps": None,
        "answers": 0,
    }


def test_invitations_reach_the_target_once(
    survey, place: Community, alice: Member, bob: Member
) -> None:  # type: ignore[no-untyped-def]
    services.answer_survey(survey=survey, member=bob, answers=answers_for(survey, 4, 9, [0]))
    assert services.send_survey_invitations() == 1
    assert services.send_survey_invitations() == 0
    assert services.invite_to_survey(survey_id=survey.pk) == 0
    assert list(Notification.objects.values_list("kind", "recipient_id")) == [
        ("surveys.invited", alice.pk)
    ]
    # a reminder round later reaches those who still have not answered
    assert services.invite_to_survey(survey_id=survey.pk, reminder="r1") == 1
