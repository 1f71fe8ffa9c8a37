from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.admin.scoping import platform_admin_only
from community.models import Member, User


class PlatformAdminOnlyMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return platform_admin_only(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return platform_admin_only(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return platform_admin_only(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return platform_admin_only(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return platform_admin_only(request)


class MemberInline(admin.StackedInline):
    model = Member
    can_delete = False
    fields = [
        "handle",
        "display_name",
        "team",
        "site",
        "languages",
        "preferred_language",
        "suspended_until",
        "suspension_reason",
    ]


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(PlatformAdminOnlyMixin, BaseUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_superuser", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "member__display_name"]
    inlines = [MemberInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Member)
class MemberAdmin(PlatformAdminOnlyMixin, admin.ModelAdmin):
    list_display = ["display_name", "handle", "team", "site", "created_at", "suspended_until"]
    search_fields = ["display_name", "handle", "user__email", "team", "site"]
    list_filter = ["team", "site"]
    readonly_fields = ["user", "unread_notifications", "is_anonymized", "created_at"]
