from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.admin.scoping import CommunityScopedAdminMixin, ScopedInlineMixin, scoped_ids
from community.models import Collection, CollectionItem, Resource
from community.services.resources import set_resource_hidden


@admin.register(Resource)
class ResourceAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    """Members share resources in the browser; animators hide what breaks the charter
    and curate collections."""

    list_display = [
        "title",
        "community",
        "kind",
        "author",
        "useful_count",
        "is_hidden",
        "created_at",
    ]
    list_filter = ["kind", "is_hidden", "visibility", "community"]
    search_fields = ["title", "summary"]
    list_select_related = ["community", "author"]
    ordering = ["-created_at"]
    show_full_result_count = False
    fields = [
        "community",
        "title",
        "kind",
        "summary",
        "url",
        "file_name",
        "author",
        "event",
        "visibility",
        "is_hidden",
        "useful_count",
        "created_at",
    ]
    readonly_fields = [
        "community",
        "kind",
        "url",
        "file_name",
        "author",
        "event",
        "useful_count",
        "created_at",
    ]
    actions = ["hide", "unhide"]

    def _set_hidden(self, request: HttpRequest, queryset: QuerySet[Resource], hidden: bool) -> None:
        for resource in queryset.select_related("community"):
            set_resource_hidden(resource=resource, by=request.member, hidden=hidden)  # type: ignore[attr-defined]

    @admin.action(description=_("Hide the selected resources"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._set_hidden(request, queryset, True)

    @admin.action(description=_("Show the selected resources again"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        self._set_hidden(request, queryset, False)


class CollectionItemInline(ScopedInlineMixin, admin.TabularInline):
    model = CollectionItem
    raw_id_fields = ["resource"]
    extra = 3
    fields = ["resource", "position"]


@admin.register(Collection)
class CollectionAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    animators_can_add = True
    animators_can_delete = True
    list_display = ["title", "community", "position"]
    list_filter = ["community"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CollectionItemInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = scoped_ids(request)
        if db_field.name == "resource" and ids is not None:
            kwargs["queryset"] = Resource.objects.filter(community_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
