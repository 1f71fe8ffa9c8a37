from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community import services
from community.admin.scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin, scoped_ids
from community.models import ActivityEvent, CharterVersion, Community, Membership
from community.models.communities import MembershipStatus, Role


@admin.register(Community)
class CommunityAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_lookup = "id"
    list_display = [
        "name",
        "parent",
        "visibility",
        "join_policy",
        "language",
        "member_count",
        "charter_version",
    ]
    list_filter = ["visibility", "join_policy", "language"]
    search_fields = ["name", "slug", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["member_count", "charter_version", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "parent", "tagline", "description", "language"]}),
        (_("Access"), {"fields": ["visibility", "join_policy"]}),
        (_("Look"), {"fields": ["accent_colour"]}),
        (_("Newcomers"), {"fields": ["rituals"]}),
        (
            _("Moderation"),
            {
                "fields": [
                    "auto_hide_flags",
                    "new_member_days",
                    "new_member_daily_posts",
                    "new_member_post_interval",
                    "post_interval_floor",
                ]
            },
        ),
        (_("Figures"), {"fields": ["member_count", "charter_version", "created_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if scoped_ids(request) is not None:  # animators shape their community, not the tree
            fields += ["slug", "parent"]
        return fields

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The slug is read-only for animators: nothing to fill in from the name.
        return (
            {} if scoped_ids(request) is not None else super().get_prepopulated_fields(request, obj)
        )

    def save_model(self, request: HttpRequest, obj: Community, form: Any, change: bool) -> None:
        # The rituals are cooked once, when written (shown on the welcome page).
        from community.markdown import render_markdown

        obj.rituals_html = render_markdown(obj.rituals).html
        super().save_model(request, obj, form, change)


class CharterVersionForm(forms.ModelForm):
    class Meta:
        model = CharterVersion
        fields = ["community", "text"]


@admin.register(CharterVersion)
class CharterVersionAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    """Charter versions are never edited: publishing a new one asks every member to
    accept it again."""

    animators_can_add = True
    form = CharterVersionForm
    list_display = ["community", "version", "published_at", "published_by"]
    list_filter = ["community"]
    list_select_related = ["community", "published_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["community", "version", "text", "published_at", "published_by"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: CharterVersion, form: Any, change: bool
    ) -> None:
        published = services.publish_charter(
            community=obj.community, text=obj.text, by=getattr(request, "member", None)
        )
        obj.pk = published.pk
        obj.version = published.version
        messages.info(request, _("Members will be asked to accept the new version."))


class MembershipActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason (bans, silences, suspensions: the member is told)"),
        required=False,
        max_length=500,
    )
    days = forms.IntegerField(
        label=_("Days (silences, suspensions)"), required=False, min_value=1, max_value=3650
    )


def _run(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Membership],
    call: Any,
    done_message: Any,
) -> None:
    """Apply ``call`` (a service) to each row; ``done_message(count)`` says what was done."""
    done = 0
    for membership in queryset.select_related("community", "member"):
        try:
            call(membership)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                f"{membership.member}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                messages.WARNING,
            )
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "member",
        "community",
        "role",
        "status",
        "joined_at",
        "requested_at",
        "accepted_charter_version",
    ]
    list_filter = ["status", "role", "community"]
    search_fields = ["member__display_name", "member__user__email", "member__team"]
    list_select_related = ["member", "community"]
    raw_id_fields = ["member"]
    action_form = MembershipActionForm
    actions = [
        "approve",
        "decline",
        "make_member",
        "make_ambassador",
        "make_animator",
        "make_manager",
        "ban",
        "silence",
        "lift_silence",
        "suspend",
        "lift_suspension",
    ]
    readonly_fields = [
        "member",
        "community",
        "status",
        "request_message",
        "requested_at",
        "joined_at",
        "left_at",
        "accepted_charter_version",
        "silenced_until",
        "silence_reason",
        "ban_reason",
    ]
    fields = ["member", "community", "role", *readonly_fields[2:]]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).exclude(status=MembershipStatus.LEFT)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change and "role" in form.changed_data:
            services.change_role(membership=obj, role=obj.role, by=request.member)  # type: ignore[attr-defined]

    @admin.action(description=_("Approve the selected join requests"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        _run(
            self,
            request,
            queryset.filter(status=MembershipStatus.REQUESTED),
            lambda m: services.approve_membership(membership=m, by=request.member),  # type: ignore[attr-defined]
            lambda n: (
                ngettext("%(count)d request approved.", "%(count)d requests approved.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Decline the selected join requests"))
    def decline(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        _run(
            self,
            request,
            queryset.filter(status=MembershipStatus.REQUESTED),
            lambda m: services.decline_membership(membership=m, by=request.member),  # type: ignore[attr-defined]
            lambda n: (
                ngettext("%(count)d request declined.", "%(count)d requests declined.", n)
                % {"count": n}
            ),
        )

    def _role_action(self, request: HttpRequest, queryset: QuerySet[Membership], role: str) -> None:
        _run(
            self,
            request,
            queryset,
            lambda m: services.change_role(membership=m, role=role, by=request.member),  # type: ignore[attr-defined]
            lambda n: (
                ngettext(
                    "Role changed for %(count)d member.", "Role changed for %(count)d members.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Make them members"))
    def make_member(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_action(request, queryset, Role.MEMBER)

    @admin.action(description=_("Make them ambassadors"))
    def make_ambassador(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_action(request, queryset, Role.AMBASSADOR)

    @admin.action(description=_("Make them animators"))
    def make_animator(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_action(request, queryset, Role.ANIMATOR)

    @admin.action(description=_("Make them managers"))
    def make_manager(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_action(request, queryset, Role.MANAGER)

    @admin.action(description=_("Ban them from the community (give a reason)"))
    def ban(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        reason = request.POST.get("reason", "")
        _run(
            self,
            request,
            queryset,
            lambda m: services.ban_member(membership=m, by=request.member, reason=reason),  # type: ignore[attr-defined]
            lambda n: (
                ngettext("%(count)d member banned.", "%(count)d members banned.", n) % {"count": n}
            ),
        )

    def _days(self, request: HttpRequest) -> int:
        value = request.POST.get("days", "")
        return int(value) if value.isdigit() else 0

    @admin.action(description=_("Silence them in the community (days and reason)"))
    def silence(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        from community.services import moderation

        reason, days = request.POST.get("reason", ""), self._days(request)
        _run(
            self,
            request,
            queryset,
            lambda m: moderation.silence_member(
                membership=m,
                by=request.member,  # type: ignore[attr-defined]
                days=days,
                reason=reason,
            ),
            lambda n: (
                ngettext("%(count)d member silenced.", "%(count)d members silenced.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Lift their silence"))
    def lift_silence(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        from community.services import moderation

        _run(
            self,
            request,
            queryset,
            lambda m: moderation.lift_silence(
                membership=m,
                by=request.member,  # type: ignore[attr-defined]
                reason=request.POST.get("reason", ""),
            ),
            lambda n: (
                ngettext(
                    "Silence lifted for %(count)d member.",
                    "Silence lifted for %(count)d members.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Suspend their accounts (days and reason)"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        from community.services import moderation

        reason, days = request.POST.get("reason", ""), self._days(request)
        _run(
            self,
            request,
            queryset,
            lambda m: moderation.suspend_member(
                member=m.member,
                by=request.member,  # type: ignore[attr-defined]
                community=m.community,
                days=days,
                reason=reason,
            ),
            lambda n: (
                ngettext("%(count)d member suspended.", "%(count)d members suspended.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Lift their suspension"))
    def lift_suspension(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        from community.services import moderation

        _run(
            self,
            request,
            queryset,
            lambda m: moderation.lift_suspension(
                member=m.member,
                by=request.member,  # type: ignore[attr-defined]
                community=m.community,
                reason=request.POST.get("reason", ""),
            ),
            lambda n: (
                ngettext(
                    "Suspension lifted for %(count)d member.",
                    "Suspension lifted for %(count)d members.",
                    n,
                )
                % {"count": n}
            ),
        )


@admin.register(ActivityEvent)
class ActivityEventAdmin(ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "verb", "actor", "community", "target_type", "target_id"]
    list_filter = ["verb", "community", ("occurred_at", admin.DateFieldListFilter)]
    list_select_related = ["actor", "community", "target_type"]
    search_fields = ["verb"]
    show_full_result_count = False  # the log holds millions of rows: never count them all
    ordering = ["-occurred_at", "-id"]
