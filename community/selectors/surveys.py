"""Reads of surveys: what a member may answer, results (distributions, NPS, free text),
the CSV export, and the satisfaction figures the monthly dashboard reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    Community,
    Member,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from community.models.surveys import QuestionKind
from community.permissions import CommunityContext, can_view_dashboard
from community.selectors.communities import Need, access_community

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User


def access_survey(
    user: User | AnonymousUser, slug: str, pk: int, *, need: Need = "read"
) -> tuple[CommunityContext, Survey]:
    ctx = access_community(user, slug, need=need)
    survey = (
        Survey.objects.filter(pk=pk, community=ctx.community).prefetch_related("questions").first()
    )
    if survey is None:
        raise Http404(_("No such survey."))
    survey.community = ctx.community
    return ctx, survey


def has_answered(survey: Survey, member: Member | None) -> bool:
    return bool(
        member and SurveyParticipation.objects.filter(survey=survey, member=member).exists()
    )


def list_surveys(ctx: CommunityContext) -> dict[str, list[Survey]]:
    """Open surveys (with whether the viewer answered), and for animators and managers
    the closed ones too."""
    now = timezone.now()
    member = ctx.member
    open_qs = Survey.objects.filter(community=ctx.community, opens_at__lte=now, closes_at__gt=now)
    opened = list(open_qs.select_related("community").order_by("closes_at", "id")[:50])
    answered: set[int] = set()
    if member is not None and opened:
        answered = set(
            SurveyParticipation.objects.filter(
                member=member, survey_id__in=[s.pk for s in opened]
            ).values_list("survey_id", flat=True)
        )
    for survey in opened:
        survey.answered = survey.pk in answered  # type: ignore[attr-defined]
    closed: list[Survey] = []
    upcoming: list[Survey] = []
    if can_view_dashboard(ctx):
        closed = list(
            Survey.objects.filter(community=ctx.community, closes_at__lte=now)
            .select_related("community")
            .order_by("-closes_at", "-id")[:50]
        )
        upcoming = list(
            Survey.objects.filter(community=ctx.community, opens_at__gt=now).order_by(
                "opens_at", "id"
            )[:50]
        )
    return {"open": opened, "closed": closed, "upcoming": upcoming}


def overview_panel(ctx: CommunityContext) -> dict[str, Any] | None:
    if ctx.member is None or not ctx.is_active_member:
        return None
    now = timezone.now()
    pending = list(
        Survey.objects.filter(community=ctx.community, opens_at__lte=now, closes_at__gt=now)
        .exclude(participations__member=ctx.member)
        .select_related("community")
        .order_by("closes_at", "id")[:3]
    )
    return {"surveys": pending, "community": ctx.community} if pending else None


def nps(scores: list[int] | dict[int, int]) -> int | None:
    """Net Promoter Score: % of promoters (9-10) minus % of detractors (0-6), rounded;
    None without answers. ``scores`` is a list of answers or a {score: count} map."""
    counts = scores if isinstance(scores, dict) else _count(scores)
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for s, n in counts.items() if s >= 9)
    detractors = sum(n for s, n in counts.items() if s <= 6)
    return round(100 * (promoters - detractors) / total)


def _count(values: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    # (label, count, percent) per possible answer, in order
    distribution: list[tuple[str, int, int]] = field(default_factory=list)
    mean: float | None = None
    nps: int | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    texts: list[str] = field(default_factory=list)


def survey_results(survey: Survey, *, text_limit: int = 200) -> list[QuestionResult]:
    """Each question's figures, in three queries whatever the number of answers: the
    number answers, the choice answers, and the latest free-text answers (which carry
    nothing of who wrote them)."""
    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    numbers = (
        SurveyAnswer.objects.filter(question__survey=survey, number__isnull=False)
        .values("question_id", "number")
        .annotate(n=Count("id"))
    )
    number_counts: dict[int, dict[int, int]] = {}
    for question_id, number, n in numbers.values_list("question_id", "number", "n"):
        number_counts.setdefault(question_id, {})[number or 0] = n
    choice_counts: dict[int, dict[int, int]] = {}
    answered_counts: dict[int, int] = {}
    for question_id, n in (
        SurveyAnswer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    ):
        answered_counts[question_id] = n
    choice_questions = [
        q.pk for q in questions if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    ]
    if choice_questions:
        for question_id, picked in SurveyAnswer.objects.filter(
            question_id__in=choice_questions
        ).values_list("question_id", "choices"):
            bucket = choice_counts.setdefault(question_id, {})
            for index in picked:
                bucket[index] = bucket.get(index, 0) + 1
    text_questions = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    if text_questions:
        for question_id, text in (
            SurveyAnswer.objects.filter(question_id__in=text_questions)
            .exclude(text="")
            .order_by("question_id", "text")
            .values_list("question_id", "text")[: text_limit * len(text_questions)]
        ):
            results[question_id].texts.append(text)
    for question in questions:
        result = results[question.pk]
        result.answered = answered_counts.get(question.pk, 0)
        total = result.answered or 1
        if question.kind in (QuestionKind.RATING, QuestionKind.NPS):
            counts = number_counts.get(question.pk, {})
            scale = range(1, 6) if question.kind == QuestionKind.RATING else range(0, 11)
            result.distribution = [
                (str(s), counts.get(s, 0), round(100 * counts.get(s, 0) / total)) for s in scale
            ]
            n = sum(counts.values())
            result.mean = sum(s * c for s, c in counts.items()) / n if n else None
            if question.kind == QuestionKind.NPS:
                result.nps = nps(counts)
                result.promoters = sum(c for s, c in counts.items() if s >= 9)
                result.detractors = sum(c for s, c in counts.items() if s <= 6)
                result.passives = n - result.promoters - result.detractors
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = choice_counts.get(question.pk, {})
            result.distribution = [
                (label, counts.get(i, 0), round(100 * counts.get(i, 0) / total))
                for i, label in enumerate(question.choices)
            ]
    return [results[q.pk] for q in questions]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a quote
    (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def survey_csv_rows(survey: Survey) -> Iterator[list[str]]:
    """One row per response, one column per question; the member's name only when the
    survey is not anonymous. Streamed in chunks (constant memory)."""
    questions = list(survey.questions.all())
    header = [_("Response"), _("Day")]
    if not survey.anonymous:
        header.append(_("Member"))
    yield [csv_safe(h) for h in header + [q.text for q in questions]]
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("member")
        .prefetch_related("answers")
        .order_by("submitted_on", "id")
    )
    for number, response in enumerate(responses.iterator(chunk_size=500), start=1):
        by_question = {a.question_id: a for a in response.answers.all()}
        row: list[object] = [number, response.submitted_on.isoformat()]
        if not survey.anonymous:
            row.append(response.member.display_name if response.member else "")
        for question in questions:
            answer = by_question.get(question.pk)
            row.append(_answer_text(question, answer))
        yield [csv_safe(cell) for cell in row]


def _answer_text(question: SurveyQuestion, answer: SurveyAnswer | None) -> object:
    if answer is None:
        return ""
    if answer.number is not None:
        return answer.number
    if answer.choices:
        labels = question.choices
        return "; ".join(labels[i] if i < len(labels) else str(i) for i in answer.choices)
    return answer.text


def satisfaction(
    community: Community, start: date | datetime, end: date | datetime
) -> dict[str, Any]:
    """Satisfaction of a community's members over [start, end) for the monthly dashboard:
    ``mean_rating`` (1-5 rating questions, None without answers), ``nps`` (-100..100 or
    None) and ``answers`` (responses sent in the period). Three aggregate queries."""
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    in_period = Q(
        response__survey__community=community,
        response__submitted_on__gte=first,
        response__submitted_on__lt=last,
    )
    mean = SurveyAnswer.objects.filter(
        in_period, question__kind=QuestionKind.RATING, number__isnull=False
    ).aggregate(mean=Avg("number"))["mean"]
    nps_counts = {
        int(number or 0): n
        for number, n in SurveyAnswer.objects.filter(
            in_period, question__kind=QuestionKind.NPS, number__isnull=False
        )
        .values("number")
        .annotate(n=Count("id"))
        .values_list("number", "n")
    }
    answers = SurveyResponse.objects.filter(
        survey__community=community, submitted_on__gte=first, submitted_on__lt=last
    ).count()
    return {
        "mean_rating": round(float(mean), 2) if mean is not None else None,
        "nps": nps(nps_counts),
        "answers": answers,
    }
