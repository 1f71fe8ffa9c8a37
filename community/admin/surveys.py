from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from community.admin.scoping import CommunityScopedAdminMixin, ScopedInlineMixin
from community.models import Survey, SurveyQuestion


class QuestionInline(ScopedInlineMixin, admin.StackedInline):
    model = SurveyQuestion
    extra = 1
    fields = [
        ("position", "kind", "required"),
        ("text_fr", "text_en"),
        ("choices_fr", "choices_en"),
    ]


@admin.register(Survey)
class SurveyAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    """Animators write short bilingual surveys here; members answer in the browser."""

    animators_can_add = True
    list_display = [
        "__str__",
        "community",
        "opens_at",
        "closes_at",
        "anonymous",
        "response_count",
        "results_link",
    ]
    list_filter = ["community", "anonymous", "target"]
    search_fields = ["title_fr", "title_en"]
    list_select_related = ["community"]
    readonly_fields = ["response_count", "invited_at"]
    raw_id_fields = ["event"]
    fieldsets = [
        (None, {"fields": ["community", ("title_fr", "title_en"), ("intro_fr", "intro_en")]}),
        (
            _("Who and when"),
            {"fields": ["target", "event", ("opens_at", "closes_at"), "anonymous"]},
        ),
        (_("Figures"), {"fields": ["response_count", "invited_at"]}),
    ]
    inlines = [QuestionInline]
    actions = ["remind", "close_now"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.response_count:
            fields.append("anonymous")  # answers were given under a promise
        return fields

    def save_model(self, request: HttpRequest, obj: Survey, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = getattr(request, "member", None)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Results"))
    def results_link(self, obj: Survey) -> str:
        url = reverse("community:survey-results", args=[obj.community.slug, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("See the results"))

    @admin.action(description=_("Remind the members who have not answered"))
    def remind(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        from community.tasks import invite_to_survey_task

        now = timezone.now()
        for survey in queryset.filter(opens_at__lte=now, closes_at__gt=now):
            invite_to_survey_task.delay(survey.pk, f"reminder:{now:%Y%m%d}")
        self.message_user(request, _("Reminders are on their way."), messages.SUCCESS)

    @admin.action(description=_("Close the selected surveys now"))
    def close_now(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        now = timezone.now()
        queryset.filter(closes_at__gt=now, opens_at__lt=now).update(closes_at=now)
        self.message_user(request, _("The surveys are closed."), messages.SUCCESS)
