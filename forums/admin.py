"""Animators' back office for forums/: categories (order, colour, role restriction) and
the topics and posts of the communities they animate. Flags, the review queue and the
moderation log are built generically in community/ (moderation)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.admin.scoping import CommunityScopedAdminMixin
from forums.models import Category, Post, Topic


@admin.register(Category)
class CategoryAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    animators_can_add = True
    list_display = ["name", "community", "position", "colour", "topic_count", "post_count"]
    list_editable = ["position"]
    list_filter = ["community"]
    list_select_related = ["community"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["community", "name", "slug", "description", "colour", "position", "allowed_roles"]


@admin.register(Topic)
class TopicAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "community",
        "category",
        "kind",
        "author",
        "reply_count",
        "last_post_at",
        "is_solved",
        "pinned_at",
        "locked_at",
        "closed_at",
    ]
    list_filter = ["kind", "community"]
    list_select_related = ["community", "category", "author"]
    search_fields = ["title"]
    ordering = ["-last_post_at"]
    show_full_result_count = False
    raw_id_fields = ["author", "accepted_post"]
    fields = [
        "community",
        "category",
        "title",
        "kind",
        "author",
        "accepted_post",
        "pinned_at",
        "locked_at",
        "closed_at",
        "deleted_at",
    ]
    readonly_fields = ["community", "author", "kind", "accepted_post"]

    @admin.display(boolean=True, description=_("solved"))
    def is_solved(self, obj: Topic) -> bool:
        return obj.solved_at is not None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "category":
            from community.admin.scoping import scoped_ids

            ids = scoped_ids(request)
            qs: QuerySet[Category] = Category.objects.select_related("community")
            kwargs["queryset"] = qs if ids is None else qs.filter(community_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Post)
class PostAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "topic", "author", "created_at", "hidden_at", "deleted_at"]
    list_filter = ["community"]
    list_select_related = ["topic", "author"]
    search_fields = ["body"]
    ordering = ["-created_at"]
    show_full_result_count = False
    fields = ["topic", "number", "author", "body", "hidden_at", "hidden_reason", "deleted_at"]
    readonly_fields = ["topic", "number", "author", "body"]
