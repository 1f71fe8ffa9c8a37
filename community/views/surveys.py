from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community.charts import bar_chart
from community.http import MemberRequest
from community.life_forms import SurveyAnswerForm
from community.life_permissions import can_see_survey_results, check_can_see_survey_results
from community.models.surveys import QuestionKind
from community.selectors import surveys as selectors
from community.selectors.communities import access_community
from community.services import surveys as services
from community.views._helpers import render_community

COOKIE_PREFIX = "survey_key_"


@login_required
@require_GET
def survey_list(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    return render_community(
        request,
        "community/surveys/list.html",
        ctx,
        tab="surveys",
        can_see_results=can_see_survey_results(ctx),
        **selectors.list_surveys(ctx),  # type: ignore[arg-type]
    )


def _initial(response: Any) -> dict[str, Any]:
    if response is None:
        return {}
    initial: dict[str, Any] = {}
    for answer in response.answers.all():
        key = f"q{answer.question_id}"
        if answer.number is not None:
            initial[key] = answer.number
        elif answer.choices:
            initial[key] = answer.choices if len(answer.choices) > 1 else answer.choices[0]
            initial[f"{key}_many"] = answer.choices
        else:
            initial[key] = answer.text
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, survey = selectors.access_survey(request.user, slug, pk)
    cookie = f"{COOKIE_PREFIX}{survey.pk}"
    edit_key = request.get_signed_cookie(cookie, default="", salt=cookie) or ""
    response = services.find_response(survey, request.member, edit_key)
    answered = selectors.has_answered(survey, request.member)
    allowed = services.may_answer(survey, request.member)
    is_open = survey.is_open()
    initial = _initial(response)
    for question in survey.questions.all():
        key = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE and f"{key}_many" in initial:
            initial[key] = initial.pop(f"{key}_many")
    form = SurveyAnswerForm(request.POST or None, survey=survey, initial=initial)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(_("This survey is for other members."))
        if form.is_valid():
            try:
                _response, key = services.answer_survey(
                    survey=survey, member=request.member, answers=form.answers(), edit_key=edit_key
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for item in errors:
                            form.add_error(field if field in form.fields else None, item)
                else:
                    for text in error.messages:
                        form.add_error(None, text)
            else:
                messages.success(
                    request,
                    _("Thank you! You can change your answers until the survey closes."),
                )
                result = redirect(reverse("community:survey-answer", args=[slug, pk]))
                if key:
                    result.set_signed_cookie(
                        cookie,
                        key,
                        salt=cookie,
                        max_age=400 * 24 * 3600,
                        httponly=True,
                        samesite="Lax",
                        secure=request.is_secure(),
                        path=reverse("community:survey-answer", args=[slug, pk]),
                    )
                return result
    return render_community(
        request,
        "community/surveys/answer.html",
        ctx,
        tab="surveys",
        survey=survey,
        form=form,
        is_open=is_open,
        allowed=allowed,
        answered=answered,
        editable=is_open and (response is not None or not answered),
        can_see_results=can_see_survey_results(ctx),
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def survey_results(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, survey = selectors.access_survey(request.user, slug, pk)
    check_can_see_survey_results(ctx)
    results = selectors.survey_results(survey)
    charts = []
    for result in results:
        chart = None
        if result.distribution:
            chart = bar_chart(
                [(label, count) for label, count, _p in result.distribution],
                title=result.question.text,
            )
        charts.append((result, chart))
    return render_community(
        request,
        "community/surveys/results.html",
        ctx,
        tab="surveys",
        survey=survey,
        charts=charts,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def survey_csv(request: MemberRequest, slug: str, pk: int) -> StreamingHttpResponse:
    ctx, survey = selectors.access_survey(request.user, slug, pk)
    check_can_see_survey_results(ctx)
    writer = csv.writer(_Echo())

    def stream() -> Any:
        yield "\ufeff"  # so that spreadsheets read the accents right
        for row in selectors.survey_csv_rows(survey):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
