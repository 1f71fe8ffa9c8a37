"""Short satisfaction and feedback surveys that animators run.

Anonymity is built into the tables: who answered (``SurveyParticipation``: member, day)
and what was answered (``SurveyResponse`` and ``SurveyAnswer``) are separate rows with no
key between them. An anonymous response has no member column filled, random (UUID) keys
that reveal no order, and only the day it was sent, so no member id can be reached from
it, even by someone reading the database.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SurveyTarget(models.TextChoices):
    MEMBERS = "members", _("Members of the community")
    ATTENDEES = "attendees", _("Attendees of an event")
    MENTORSHIP_PAIRS = "mentorship_pairs", _("Members in a mentorship")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating (1 to 5)")
    NPS = "nps", _("Would you recommend (0 to 10)")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


def _pick(fr: str, en: str) -> str:
    """The text in the current language, else the other one."""
    if (get_language() or "fr").startswith("en"):
        return en or fr
    return fr or en


class Survey(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="surveys",
        verbose_name=_("community"),
    )
    title_fr = models.CharField(_("title (French)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    intro_fr = models.TextField(_("introduction (French)"), max_length=2000, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=2000, blank=True)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    target = models.CharField(
        _("who is asked"), max_length=20, choices=SurveyTarget.choices, default=SurveyTarget.MEMBERS
    )
    event = models.ForeignKey(
        "community.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("event (for its attendees)"),
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are stored without the member's name or any link to it."),
    )
    response_count = models.PositiveIntegerField(_("answers"), default=0, editable=False)
    invited_at = models.DateTimeField(_("members invited"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [
            models.Index(fields=["community", "closes_at"], name="survey_comm_close_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title_fr or self.title_en

    def get_absolute_url(self) -> str:
        return reverse(
            "community:survey-answer", kwargs={"slug": self.community.slug, "pk": self.pk}
        )

    @property
    def title(self) -> str:
        return _pick(self.title_fr, self.title_en)

    @property
    def intro(self) -> str:
        return _pick(self.intro_fr, self.intro_en)

    def is_open(self, at: object = None) -> bool:
        now = at or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    choices_fr = models.TextField(
        _("choices (French)"), blank=True, help_text=_("One per line, for choice questions.")
    )
    choices_en = models.TextField(
        _("choices (English)"), blank=True, help_text=_("Same order as the French ones.")
    )
    required = models.BooleanField(_("answer required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text_fr

    @property
    def text(self) -> str:
        return _pick(self.text_fr, self.text_en)

    @property
    def choices(self) -> list[str]:
        french = [c.strip() for c in self.choices_fr.splitlines() if c.strip()]
        english = [c.strip() for c in self.choices_en.splitlines() if c.strip()]
        if (get_language() or "fr").startswith("en") and len(english) == len(french):
            return english
        return french or english


class SurveyParticipation(models.Model):
    """Who has answered (one row per member and survey): used for "one answer each" and
    reminders. Deliberately no link to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"], name="survey_participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} answered {self.survey_id}"


class SurveyResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Filled only when the survey is not anonymous.
    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Anonymous responses are changed with a secret the member's browser keeps; only its
    # hash is stored.
    edit_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                condition=Q(member__isnull=False),
                name="survey_response_one_per_member",
            ),
        ]
        indexes = [models.Index(fields=["survey", "edit_key_hash"], name="survey_resp_key_idx")]

    def __str__(self) -> str:
        return f"response to {self.survey_id}"


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)  # rating 1-5, NPS 0-10
    choices = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    text = models.TextField(max_length=4000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
        ]
        indexes = [models.Index(fields=["question", "number"], name="survey_answer_q_idx")]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"
