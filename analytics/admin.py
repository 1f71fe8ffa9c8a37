"""Animators' back office for analytics/: the snapshots of the communities they animate,
read-only, with an action to compute chosen months again. The schedules themselves are
django-celery-beat's periodic tasks (admin: Periodic tasks)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from analytics import services
from analytics.models import MonthlySnapshot
from community.admin.scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "community",
        "month",
        "provisional",
        "members_total",
        "members_active",
        "members_new",
        "contributions",
        "computed_at",
    ]
    list_filter = ["provisional", "month", "community"]
    list_select_related = ["community"]
    date_hierarchy = "month"
    actions = ["recompute"]
    readonly_fields = [f.name for f in MonthlySnapshot._meta.fields]

    @admin.action(description=_("Compute the selected months again"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[MonthlySnapshot]) -> None:
        rows = list(queryset.values_list("community_id", "month"))
        for community_id, month in rows:
            services.request_recompute(community_id=community_id, month=month)
        messages.success(
            request,
            ngettext(
                "%(n)d month is being computed again.",
                "%(n)d months are being computed again.",
                len(rows),
            )
            % {"n": len(rows)},
        )
