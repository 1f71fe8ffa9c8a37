"""The animators' moderation back office: the review queue (open items by weight, the
content and its context, the flags, the decision with an optional sanction) and the
append-only moderation log. Scoped to the communities the animator animates: another
community's items answer 404 and nothing changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from community import moderation
from community.admin.scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin, scoped_ids
from community.models import Flag, Member, ModerationLog, ReviewItem
from community.models.moderation import ReviewStatus
from community.moderation_forms import ReviewDecisionFields
from community.services import moderation as services


class FlagInline(admin.TabularInline):
    model = Flag
    fk_name = "review_item"
    fields = ["flagger", "reason", "message", "weight", "created_at"]
    readonly_fields = ["flagger", "reason", "message", "weight", "created_at"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("flags")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        return super().get_queryset(request).select_related("flagger").order_by("created_at")


class ReviewDecisionForm(ReviewDecisionFields, forms.ModelForm):
    class Meta:
        model = ReviewItem
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.instance.target if self.instance.pk else None
        if target is not None and not self.is_bound:
            self.fields["edited_text"].initial = moderation.get_flaggable(target).text(target)


class StatusFilter(admin.SimpleListFilter):
    """Open items unless asked otherwise: the queue is what is left to do."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*ReviewStatus.choices, ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or ReviewStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        current = self.value() or ReviewStatus.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(ReviewItem)
class ReviewItemAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    form = ReviewDecisionForm
    list_display = [
        "excerpt",
        "community",
        "author",
        "flag_count",
        "weight",
        "auto_hidden",
        "status",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "community"]
    list_select_related = ["community", "author"]
    search_fields = ["excerpt"]
    ordering = ["-weight", "created_at", "id"]
    inlines = [FlagInline]
    actions = ["agree_hide", "disagree", "ignore"]
    show_full_result_count = False
    readonly_fields = [
        "content",
        "community",
        "author",
        "status",
        "flag_count",
        "weight",
        "auto_hidden",
        "created_at",
        "resolved_by",
        "resolved_at",
        "resolution_note",
    ]
    decision_fields = [
        "decision",
        "reason",
        "edited_text",
        "sanction",
        "sanction_days",
        "sanction_reason",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        info = (
            None,
            {
                "fields": [
                    "content",
                    ("community", "author"),
                    ("status", "flag_count", "weight", "auto_hidden"),
                    "created_at",
                ]
            },
        )
        if obj is not None and obj.is_open:
            return [info, (_("Decision"), {"fields": self.decision_fields})]
        return [
            info,
            (_("Resolution"), {"fields": ["resolved_by", "resolved_at", "resolution_note"]}),
        ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # items come from members' flags

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # resolved, never deleted: the queue's history stays

    @admin.display(description=_("flagged content"))
    def content(self, obj: ReviewItem) -> str:
        target = obj.target
        if target is None:
            return format_html("<p>{}</p><p><em>{}</em></p>", obj.excerpt, gettext("(deleted)"))
        spec = moderation.get_flaggable(target)
        state = gettext("Hidden") if spec.is_hidden(target) else gettext("Visible")
        return format_html(
            '<div class="moderation-content"><p><strong>{}</strong> · {}</p>'
            '<blockquote>{}</blockquote><p class="help">{}</p>'
            '<p><a href="{}" target="_blank" rel="noopener">{}</a></p></div>',
            spec.label,
            state,
            spec.text(target) or spec.excerpt(target),
            spec.context(target),
            spec.url(target),
            gettext("Open it on the site"),
        )

    def save_model(self, request: HttpRequest, obj: ReviewItem, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            services.resolve_review_item(
                item=obj,
                by=request.member,  # type: ignore[attr-defined]
                decision=data["decision"],
                reason=data.get("reason") or "",
                edited_text=data.get("edited_text") or "",
                sanction=data.get("sanction") or "",
                sanction_days=data.get("sanction_days") or 0,
                sanction_reason=data.get("sanction_reason") or "",
            )
        except (ValidationError, PermissionDenied) as error:
            request._moderation_error = " ".join(getattr(error, "messages", [str(error)]))  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Flags are never edited here (their inline is read-only)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def response_change(self, request: HttpRequest, obj: ReviewItem) -> HttpResponse:
        error = getattr(request, "_moderation_error", None)
        if error:
            self.message_user(request, error, messages.ERROR)
        else:
            self.message_user(request, gettext("The review item is resolved."), messages.SUCCESS)
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        return HttpResponseRedirect(reverse("admin:community_reviewitem_changelist"))

    def _resolve_many(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem], decision: str
    ) -> None:
        done = 0
        for item in queryset.filter(status=ReviewStatus.OPEN):
            try:
                services.resolve_review_item(item=item, by=request.member, decision=decision)  # type: ignore[attr-defined]
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    f"{item}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                    messages.WARNING,
                )
        if done:
            self.message_user(
                request,
                ngettext("%(count)d item resolved.", "%(count)d items resolved.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Agree and hide the selected content"))
    def agree_hide(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._resolve_many(request, queryset, "agree_hide")

    @admin.action(description=_("Disagree: show the selected content (again)"))
    def disagree(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._resolve_many(request, queryset, "disagree")

    @admin.action(description=_("Ignore the selected items"))
    def ignore(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._resolve_many(request, queryset, "ignore")


class ModeratorFilter(admin.SimpleListFilter):
    """The moderators who appear in the (scoped) log, not every member."""

    title = _("moderator")
    parameter_name = "moderator"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, Any]]:
        ids = scoped_ids(request)
        log = ModerationLog.objects.exclude(moderator=None)
        if ids is not None:
            log = log.filter(community_id__in=ids)
        moderator_ids = log.order_by().values_list("moderator_id", flat=True).distinct()[:100]
        members = Member.objects.filter(pk__in=list(moderator_ids)).order_by("display_name")
        return [("none", _("Automatic")), *((str(m.pk), m.display_name) for m in members)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "none":
            return queryset.filter(moderator=None)
        if value and value.isdigit():
            return queryset.filter(moderator_id=int(value))
        return queryset


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "action",
        "community",
        "moderator",
        "member",
        "target_label",
        "reason",
    ]
    list_filter = [
        "action",
        "community",
        ModeratorFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["community", "moderator", "member"]
    search_fields = ["target_label", "reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    ordering = ["-created_at", "-id"]
    fields = [
        "created_at",
        "action",
        "community",
        "moderator",
        "member",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "before",
        "after",
    ]
    readonly_fields = [
        "created_at",
        "action",
        "community",
        "moderator",
        "member",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "before",
        "after",
    ]
