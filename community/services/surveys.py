"""Surveys: members answer (one answer each, changeable until the survey closes); the
target members are invited and reminded by notification."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from community import life
from community.models import (
    ActivityEvent,
    Member,
    Membership,
    Notification,
    Registration,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from community.models.events import Attendance
from community.models.surveys import QuestionKind, SurveyTarget
from community.services.activity import record_activity
from community.services.notifications import notify


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def target_member_ids(survey: Survey) -> list[int]:
    """Who the survey asks: the community's members, an event's attendees, or the members
    in a mentorship (read from the activity log: community/ does not know mentoring)."""
    if survey.target == SurveyTarget.ATTENDEES:
        if survey.event_id is None:
            return []
        return list(
            Registration.objects.filter(
                event_id=survey.event_id, attendance=Attendance.ATTENDED
            ).values_list("member_id", flat=True)
        )
    if survey.target == SurveyTarget.MENTORSHIP_PAIRS:
        ids: set[int] = set()
        rows = ActivityEvent.objects.filter(
            community_id=survey.community_id, verb="mentoring.mentorship_started"
        ).values_list("payload", flat=True)
        for payload in rows.iterator():
            ids.update(int(i) for i in (payload or {}).get("member_ids", []) if str(i).isdigit())
        return sorted(ids)
    return list(
        Membership.objects.active()
        .filter(community_id=survey.community_id)
        .values_list("member_id", flat=True)
    )


def may_answer(survey: Survey, member: Member) -> bool:
    if survey.target == SurveyTarget.MEMBERS:
        return (
            Membership.objects.active()
            .filter(community_id=survey.community_id, member=member)
            .exists()
        )
    return member.pk in set(target_member_ids(survey))


def _clean_answer(question: SurveyQuestion, raw: Any) -> dict[str, Any] | None:
    """The stored form of one answer, or None when left empty (ValidationError if wrong)."""
    empty = raw in (None, "", [], ())
    if empty:
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    if question.kind in (QuestionKind.RATING, QuestionKind.NPS):
        low, high = (1, 5) if question.kind == QuestionKind.RATING else (0, 10)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if not low <= value <= high:
            raise ValidationError(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                code="range",
            )
        return {"number": value}
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        values = raw if isinstance(raw, list | tuple) else [raw]
        count = len(question.choices)
        try:
            picked = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            picked = [-1]
        if not picked or any(not 0 <= v < count for v in picked):
            raise ValidationError(_("Choose from the list."), code="invalid_choice")
        if question.kind == QuestionKind.SINGLE and len(picked) > 1:
            raise ValidationError(_("Choose one answer only."), code="one")
        return {"choices": picked}
    text = "".join(ch for ch in str(raw) if ch in "\n\t" or ord(ch) >= 32).strip()
    if len(text) > 4000:
        raise ValidationError(_("Keep your answer under 4,000 characters."), code="max_length")
    if not text:
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    return {"text": text}


def find_response(survey: Survey, member: Member, edit_key: str = "") -> SurveyResponse | None:
    """The member's own response: by member (named surveys) or by the secret their
    browser keeps (anonymous ones)."""
    if not survey.anonymous:
        return SurveyResponse.objects.filter(survey=survey, member=member).first()
    if not edit_key:
        return None
    return SurveyResponse.objects.filter(survey=survey, edit_key_hash=hash_key(edit_key)).first()


@transaction.atomic
def answer_survey(
    *, survey: Survey, member: Member, answers: dict[int, Any], edit_key: str = ""
) -> tuple[SurveyResponse, str]:
    """Save the member's answers (``answers``: question id -> value). A second call
    changes the first answer while the survey is open. Returns the response and, for an
    anonymous survey, the secret that lets this member change it later.

    Raises ValidationError with a message per question id when an answer is wrong.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open():
        raise ValidationError(_("This survey is closed."), code="closed")
    if not may_answer(survey, member):
        raise PermissionDenied(_("This survey is for other members."))
    questions = list(survey.questions.all())
    cleaned: dict[int, dict[str, Any] | None] = {}
    errors: dict[str, list[ValidationError]] = {}
    for question in questions:
        try:
            cleaned[question.pk] = _clean_answer(question, answers.get(question.pk))
        except ValidationError as error:
            errors[f"q{question.pk}"] = [error]
    if errors:
        raise ValidationError(errors)
    participated = SurveyParticipation.objects.filter(survey=survey, member=member).exists()
    response = find_response(survey, member, edit_key)
    if participated and response is None:
        raise ValidationError(
            _(
                "You have already answered. Anonymous answers can only be changed from the "
                "browser you answered with."
            ),
            code="already",
        )
    new_key = edit_key
    if response is None:
        response = SurveyResponse(survey=survey)
        if survey.anonymous:
            new_key = secrets.token_urlsafe(24)
            response.edit_key_hash = hash_key(new_key)
        else:
            response.member = member
        response.save()
        try:
            with transaction.atomic():
                SurveyParticipation.objects.create(survey=survey, member=member)
        except IntegrityError:
            raise ValidationError(_("You have already answered."), code="already") from None
        Survey.objects.filter(pk=survey.pk).update(response_count=survey.response_count + 1)
        record_activity(
            actor=None if survey.anonymous else member,
            verb=life.SURVEY_ANSWERED.key,
            community=survey.community,
            target=survey,
            payload={"survey_id": survey.pk},
        )
    else:
        response.submitted_on = timezone.localdate()
        response.save(update_fields=["submitted_on"])
        response.answers.all().delete()
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=qid, **value)
        for qid, value in cleaned.items()
        if value is not None
    )
    return response, new_key


def invite_to_survey(*, survey_id: int, reminder: str = "") -> int:
    """Notify the members the survey asks who have not answered yet. Safe to run twice
    (one notice per member and round: the group key names the round)."""
    survey = Survey.objects.select_related("community").get(pk=survey_id)
    if not survey.is_open():
        return 0
    group_key = f"survey:{survey.pk}:{reminder or 'open'}"
    answered = SurveyParticipation.objects.filter(survey=survey).values("member_id")
    told = Notification.objects.filter(group_key=group_key).values("recipient_id")
    recipients = set(target_member_ids(survey))
    recipients -= set(answered.values_list("member_id", flat=True))
    recipients -= set(told.values_list("recipient_id", flat=True))
    closes = timezone.localtime(survey.closes_at)
    with transaction.atomic():
        return notify(
            recipients=sorted(recipients),
            kind=life.SURVEY_INVITED.key,
            community=survey.community,
            target=survey,
            payload={
                "title": survey.title_fr or survey.title_en,
                "when": formats.date_format(closes, "SHORT_DATE_FORMAT"),
                "url": survey.get_absolute_url(),
            },
            group_key=group_key,
        )


def send_survey_invitations(*, now: datetime | None = None) -> int:
    """Invite the target members of surveys that have opened (beat, every few minutes)."""
    now = now or timezone.now()
    invited = 0
    due = Survey.objects.filter(
        invited_at__isnull=True, opens_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True)[:100]
    for survey_id in list(due):
        with transaction.atomic():
            claimed = Survey.objects.filter(pk=survey_id, invited_at__isnull=True).update(
                invited_at=now
            )
        if claimed:
            invite_to_survey(survey_id=survey_id)
            invited += 1
    return invited
