"""Animators' back office for mentoring/: the skills vocabulary (platform-wide, editable by
any animator), strategic skills and ambassadors per community, rounds and mentorships
(scoped to the communities they animate). Session notes never appear here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.admin.scoping import CommunityScopedAdminMixin, scoped_ids
from mentoring.models import (
    Domain,
    DomainAmbassador,
    MatchingRound,
    MentoringSession,
    Mentorship,
    MentorshipDirection,
    MentorshipStatus,
    RoundPin,
    Skill,
    StrategicSkill,
)
from mentoring.services import mentorships, rounds, skills


class AnimatorsAdminMixin:
    """Platform-wide rows that every animator (and platform admin) may edit."""

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        ids = scoped_ids(request)
        return ids is None or bool(ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Domain)
class DomainAdmin(AnimatorsAdminMixin, admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class MergeForm(ActionForm):
    target = forms.CharField(
        label=_("Merge into (short name of the skill to keep)"), required=False, max_length=100
    )


@admin.register(Skill)
class SkillAdmin(AnimatorsAdminMixin, admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "domain", "slug", "rome_code", "merged_into"]
    list_filter = ["domain"]
    search_fields = ["name_fr", "name_en", "slug", "rome_code"]
    list_select_related = ["domain", "merged_into"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["domain", "name_fr", "name_en", "slug", "esco_uri", "rome_code", "description"]
    action_form = MergeForm
    actions = ["merge"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The slug is the tag's: it does not change once forum posts use it.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        if not change:
            obj.tag = skills.skill_tag(obj.slug)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Merge the selected skills into another (give its short name)"))
    def merge(self, request: HttpRequest, queryset: QuerySet[Skill]) -> None:
        target = Skill.objects.filter(slug=request.POST.get("target", "").strip()).first()
        if target is None:
            self.message_user(
                request, _("Give the short name of the skill to keep."), messages.ERROR
            )
            return
        moved = 0
        for source in queryset.exclude(pk=target.pk):
            try:
                moved += skills.merge_skills(source=source, target=target)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return
        self.message_user(
            request,
            ngettext(
                "Merged: %(count)d declaration moved to %(skill)s.",
                "Merged: %(count)d declarations moved to %(skill)s.",
                moved,
            )
            % {"count": moved, "skill": target},
            messages.SUCCESS,
        )


@admin.register(StrategicSkill)
class StrategicSkillAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    animators_can_add = True
    animators_can_delete = True
    list_display = ["skill", "community", "weight"]
    list_filter = ["community"]
    autocomplete_fields = ["skill"]
    list_select_related = ["skill", "community"]


@admin.register(DomainAmbassador)
class DomainAmbassadorAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    animators_can_add = True
    animators_can_delete = True
    list_display = ["member", "domain", "community", "since"]
    list_filter = ["community", "domain"]
    raw_id_fields = ["member"]
    list_select_related = ["member", "domain", "community"]


class RoundPinInline(admin.TabularInline):
    model = RoundPin
    extra = 0
    raw_id_fields = ["member_a", "member_b"]

    # Pins belong to a round the animator may change (the parent admin is scoped).
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(MatchingRound)
class MatchingRoundAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    animators_can_add = True
    list_display = [
        "title",
        "community",
        "status",
        "volunteer_count",
        "pairs",
        "created_at",
        "page",
    ]
    list_filter = ["status", "community"]
    readonly_fields = (
        "status",
        "volunteer_count",
        "progress",
        "stats",
        "computed_at",
        "published_at",
    )
    fields = (
        "community",
        "title",
        "description",
        "opens_on",
        "closes_on",
        "reciprocity_bonus",
        *readonly_fields,
    )
    inlines = [RoundPinInline]
    actions = ["compute", "publish"]
    list_select_related = ["community"]

    @admin.display(description=_("pairs"))
    def pairs(self, obj: MatchingRound) -> int:
        return int(obj.stats.get("pairs", 0))

    @admin.display(description=_("page"))
    def page(self, obj: MatchingRound) -> str:
        url = reverse("mentoring:round-detail", kwargs={"slug": obj.community.slug, "pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Preview and pins"))

    def save_model(self, request: HttpRequest, obj: MatchingRound, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = getattr(request, "member", None)
        super().save_model(request, obj, form, change)

    def _each(
        self, request: HttpRequest, queryset: QuerySet[MatchingRound], call: Any, done: Any
    ) -> None:
        count = 0
        for round_ in queryset:
            try:
                call(round_)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    f"{round_}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                    messages.WARNING,
                )
        if count:
            self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("Compute the pairs (in the background)"))
    def compute(self, request: HttpRequest, queryset: QuerySet[MatchingRound]) -> None:
        self._each(
            request,
            queryset,
            lambda r: rounds.start_computation(round_=r, by=getattr(request, "member", None)),
            _("Computation started: follow it on the round's page."),
        )

    @admin.action(description=_("Publish the proposals"))
    def publish(self, request: HttpRequest, queryset: QuerySet[MatchingRound]) -> None:
        self._each(
            request,
            queryset,
            lambda r: rounds.publish_round(round_=r, by=getattr(request, "member", None)),
            _("Published: members receive their proposals."),
        )


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside a mentorship the animator may see (the parent admin is scoped)."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DirectionInline(ReadOnlyInline):
    model = MentorshipDirection
    fields = ("mentor", "learner", "skill", "mentor_level", "learner_level", "new_level")
    readonly_fields = fields


class SessionInline(ReadOnlyInline):
    """That a session happened, never what was said in it (no notes)."""

    model = MentoringSession
    fields = ("held_on", "duration_minutes", "topic", "logged_by")
    readonly_fields = fields
    ordering = ["-held_on"]


class StalledFilter(admin.SimpleListFilter):
    title = _("stalled")
    parameter_name = "stalled"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", _("No session for a while"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Mentorship]
    ) -> QuerySet[Mentorship]:
        if self.value() == "yes":
            limit = mentorships.stalled_since()
            from django.db.models import Q

            return queryset.filter(status=MentorshipStatus.ACTIVE).filter(
                Q(last_session_on__lte=limit)
                | Q(last_session_on__isnull=True, started_at__date__lte=limit)
            )
        return queryset


class EndForm(ActionForm):
    reason = forms.CharField(label=_("Reason (told to the pair)"), required=False, max_length=300)


@admin.register(Mentorship)
class MentorshipAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "community",
        "status",
        "reciprocal",
        "session_count",
        "last_session_on",
        "started_at",
        "is_stalled",
    ]
    list_filter = ["status", StalledFilter, "reciprocal", "community"]
    search_fields = ["member_a__display_name", "member_b__display_name"]
    list_select_related = ["member_a", "member_b", "community"]
    fields = (
        "community",
        "round",
        "member_a",
        "member_b",
        "status",
        "reciprocal",
        "weight",
        "created_at",
        "started_at",
        "ended_at",
        "end_reason",
        "session_count",
        "last_session_on",
    )
    readonly_fields = fields
    inlines = [DirectionInline, SessionInline]
    action_form = EndForm
    actions = ["end", "repair"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    @admin.display(description=_("stalled"), boolean=True)
    def is_stalled(self, obj: Mentorship) -> bool:
        if obj.status != MentorshipStatus.ACTIVE:
            return False
        last = obj.last_session_on or (
            obj.started_at.date() if obj.started_at else timezone.localdate()
        )
        return last <= mentorships.stalled_since()

    def _end(self, request: HttpRequest, queryset: QuerySet[Mentorship], repair: bool) -> None:
        reason = request.POST.get("reason", "").strip() or str(_("Ended by an animator"))
        done = 0
        for m in queryset.filter(status=MentorshipStatus.ACTIVE):
            try:
                by = request.member  # type: ignore[attr-defined]
                if repair:
                    mentorships.repair_mentorship(mentorship=m, by=by, reason=reason)
                else:
                    mentorships.end_mentorship(mentorship=m, by=by, reason=reason, as_animator=True)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{m}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d mentorship ended.", "%(count)d mentorships ended.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("End the selected mentorships (give a reason)"))
    def end(self, request: HttpRequest, queryset: QuerySet[Mentorship]) -> None:
        self._end(request, queryset, repair=False)

    @admin.action(description=_("End and propose each member a new partner"))
    def repair(self, request: HttpRequest, queryset: QuerySet[Mentorship]) -> None:
        self._end(request, queryset, repair=True)
