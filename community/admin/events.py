from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.admin.scoping import CommunityScopedAdminMixin, ScopedInlineMixin
from community.markdown import render_markdown
from community.models import Event, EventFeedback, Registration
from community.services import events as services


class RegistrationInline(ScopedInlineMixin, admin.TabularInline):
    model = Registration
    fields = ("member", "status", "registered_at", "attendance", "checked_in_at")
    readonly_fields = ("member", "status", "registered_at", "attendance", "checked_in_at")
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["status", "registered_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    """Animators plan and follow their events here (the browser offers the same, with
    RSVP, attendance and check-in)."""

    animators_can_add = True
    list_display = [
        "title",
        "community",
        "kind",
        "starts_at",
        "status",
        "going_count",
        "waitlist_count",
        "attended_count",
        "capacity",
    ]
    list_filter = ["kind", "status", "community", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["community"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    raw_id_fields = ["organisers", "speakers"]
    readonly_fields = [
        "going_count",
        "waitlist_count",
        "attended_count",
        "checkin_code",
        "series",
        "sequence",
    ]
    fieldsets = [
        (None, {"fields": ["community", "title", "kind", "description", "tags"]}),
        (
            _("When and where"),
            {"fields": ["starts_at", "ends_at", "timezone", "place", "online_url"]},
        ),
        (_("Registration"), {"fields": ["capacity", "members_only", "organisers", "speakers"]}),
        (
            _("Figures"),
            {
                "fields": [
                    "status",
                    "going_count",
                    "waitlist_count",
                    "attended_count",
                    "checkin_code",
                    "series",
                    "sequence",
                ]
            },
        ),
    ]
    inlines = [RegistrationInline]
    actions = ["cancel_events"]

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        obj.description_html = render_markdown(obj.description).html
        if not change:
            obj.checkin_code = services.new_checkin_code()
            obj.created_by = getattr(request, "member", None)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        event = form.instance
        if not event.organisers.exists() and getattr(request, "member", None):
            event.organisers.add(request.member)  # type: ignore[attr-defined]
        if not change:
            from community import life
            from community.services.activity import record_activity

            record_activity(
                actor=getattr(request, "member", None),
                verb=life.EVENT_CREATED.key,
                community=event.community,
                target=event,
                payload={"event_id": event.pk, "kind": event.kind},
            )

    @admin.action(description=_("Cancel the selected events (registered members are told)"))
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        done = 0
        for event in queryset.select_related("community"):
            try:
                services.cancel_event(event=event, by=request.member)  # type: ignore[attr-defined]
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{event}: {error}", messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", done)
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(EventFeedback)
class EventFeedbackAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_lookup = "event__community"
    list_display = ["event", "rating", "comment", "created_at"]
    list_filter = ["rating", "event__community"]
    list_select_related = ["event"]
    readonly_fields = ["event", "member", "rating", "comment", "created_at"]
    fields = ["event", "member", "rating", "comment", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
