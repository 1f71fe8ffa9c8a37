"""One mixin that scopes any ModelAdmin to the communities the staff member animates.

Platform admins (superusers) see everything; an animator sees, and may change, only rows
whose community (reached through ``community_lookup``, e.g. ``"topic__community"``) is one
they animate, or a chapter of one. Object-level checks apply too, so a URL to another
community's row answers 404/403. Every app's admin uses it::

    @admin.register(Topic)
    class TopicAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
        community_lookup = "community"
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from community.models import Community
from community.selectors import animated_community_ids

_CACHE_ATTR = "_animated_community_ids"


def scoped_ids(request: HttpRequest) -> set[int] | None:
    """Animated community ids for this request (None = every community), computed once."""
    if not hasattr(request, _CACHE_ATTR):
        setattr(request, _CACHE_ATTR, animated_community_ids(request.user))
    return getattr(request, _CACHE_ATTR)


class CommunityScopedAdminMixin:
    community_lookup: str = "community"
    # Animators may not add or delete rows unless an admin says so.
    animators_can_add: bool = False
    animators_can_delete: bool = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        ids = scoped_ids(request)
        if ids is None:
            return qs
        return qs.filter(**{f"{self.community_lookup}__in": ids})

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            # Out of scope or missing: a plain 404, not the admin's redirect, so that
            # another community's rows are neither shown nor confirmed to exist.
            raise Http404
        return obj

    def community_id_of(self, obj: Model) -> int | None:
        if self.community_lookup in ("id", "pk"):
            return int(obj.pk)
        path = self.community_lookup.replace("__", ".")
        try:
            value = attrgetter(path)(obj)
        except AttributeError:
            return None
        return value.pk if isinstance(value, Community) else value

    def _in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        ids = scoped_ids(request)
        if ids is None:
            return True
        if not ids:
            return False
        return obj is None or self.community_id_of(obj) in ids

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._in_scope(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        if scoped_ids(request) is None:
            return request.user.is_active and request.user.is_staff
        return self.animators_can_add and self._in_scope(request, None)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if scoped_ids(request) is None:
            return request.user.is_active and request.user.is_staff
        return self.animators_can_delete and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = scoped_ids(request)
        if ids is not None and db_field.related_model is Community:
            kwargs["queryset"] = Community.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ReadOnlyAdminMixin:
    """For append-only tables (activity log, moderation log): view and filter only."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ScopedInlineMixin:
    """Inlines of a scoped admin: the parent admin has already checked the community, so
    the staff member who may change the parent may edit its inline rows (animators hold no
    Django model permissions)."""

    def _staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._staff(request)


def platform_admin_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.empty_value_display = "—"
