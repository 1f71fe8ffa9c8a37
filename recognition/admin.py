"""Animators' back office for recognition/: badges (with their grant counts), grants
(award by hand with a message, revoke with a reason), kudos and endorsements, scoped to
the communities they animate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.admin.scoping import CommunityScopedAdminMixin, scoped_ids
from community.models import Community, Member
from recognition.models import BadgeClass, BadgeGrant, Endorsement, Kudos
from recognition.rules import get_rule, rule_choices
from recognition.services import awarding


class BadgeClassForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("rule"), required=False, choices=rule_choices)

    class Meta:
        model = BadgeClass
        fields = [
            "slug",
            "name_fr",
            "name_en",
            "description_fr",
            "description_en",
            "criteria_fr",
            "criteria_en",
            "image",
            "colour",
            "icon",
            "tier",
            "group",
            "community",
            "rule",
            "rule_params",
            "skill",
            "multiple",
            "titleable",
            "enabled",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = data.get("rule")
        if rule and get_rule(rule).needs_skill and not data.get("skill"):
            self.add_error("skill", _("This rule certifies a skill: choose it."))
        image = data.get("image")
        name = getattr(image, "name", "") or ""
        if name and not name.lower().endswith((".png", ".svg")):
            self.add_error("image", _("Upload a PNG or SVG image."))
        return data


@admin.register(BadgeClass)
class BadgeClassAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    form = BadgeClassForm
    list_display = [
        "name_en",
        "name_fr",
        "tier",
        "group",
        "rule",
        "community",
        "enabled",
        "holders",
    ]
    list_filter = ["group", "tier", "enabled", "rule"]
    search_fields = ["name_fr", "name_en", "slug"]
    list_select_related = ["community"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["skill"]
    actions = ["evaluate_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BadgeClass]:
        qs = admin.ModelAdmin.get_queryset(self, request).annotate(
            n_holders=Count("grants", filter=Q(grants__revoked_at__isnull=True))
        )
        ids = scoped_ids(request)
        if ids is None:
            return qs
        # Animators see platform badges (to award them) and their communities' badges.
        return qs.filter(Q(community__isnull=True) | Q(community__in=ids))

    def _in_scope(self, request: HttpRequest, obj: Any) -> bool:
        if obj is not None and obj.community_id is None:
            return bool(request.user.is_superuser)
        return super()._in_scope(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super()._in_scope(request, None)

    def save_model(self, request: HttpRequest, obj: BadgeClass, form: Any, change: bool) -> None:
        if change and {"rule", "rule_params", "community", "skill", "enabled", "multiple"} & set(
            form.changed_data
        ):
            obj.evaluated_until = None  # the next nightly backfill evaluates it in full
        super().save_model(request, obj, form, change)

    @admin.display(description=_("holders"), ordering="n_holders")
    def holders(self, obj: BadgeClass) -> int:
        return getattr(obj, "n_holders", 0)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "community":
            ids = scoped_ids(request)
            if ids is not None:
                kwargs["queryset"] = Community.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Evaluate the selected badges now, for everyone"))
    def evaluate_now(self, request: HttpRequest, queryset: QuerySet[BadgeClass]) -> None:
        out = awarding.run_backfill(badge_ids=list(queryset.values_list("pk", flat=True)))
        granted = sum(o.granted for o in out.values())
        self.message_user(
            request,
            ngettext("%(count)d badge granted.", "%(count)d badges granted.", granted)
            % {"count": granted},
            messages.SUCCESS,
        )


class AwardForm(forms.ModelForm):
    """Award by hand: a badge, a member, the community where it shows, a message."""

    class Meta:
        model = BadgeGrant
        fields = ["badge", "member", "community", "reason"]
        labels = {"reason": _("Message to the member")}

    def __init__(self, *args: Any, scope: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["reason"].required = True
        self.fields["community"].required = scope is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        badge, member, community = data.get("badge"), data.get("member"), data.get("community")
        if (
            badge
            and self.scope is not None
            and badge.community_id is not None
            and badge.community_id not in self.scope
        ):
            self.add_error("badge", _("This badge belongs to another community."))
        if (
            community
            and member
            and not member.memberships.filter(community=community, status="active").exists()
        ):
            self.add_error("member", _("This person is not a member of that community."))
        if (
            badge
            and member
            and not badge.multiple
            and BadgeGrant.objects.filter(
                badge=badge, member=member, target_key="", revoked_at__isnull=True
            ).exists()
        ):
            self.add_error("member", _("This member already has this badge."))
        return data


class RevokeForm(ActionForm):
    reason = forms.CharField(label=_("Reason for revoking"), required=False, max_length=300)


@admin.register(BadgeGrant)
class BadgeGrantAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_lookup = "community"
    animators_can_add = True
    list_display = ["badge", "member", "community", "granted_at", "manual", "public", "revoked_at"]
    list_filter = ["manual", ("revoked_at", admin.EmptyFieldListFilter), "badge__group"]
    search_fields = ["member__display_name", "member__handle", "badge__name_en", "badge__name_fr"]
    list_select_related = ["badge", "member", "community"]
    autocomplete_fields = ["member"]
    action_form = RevokeForm
    actions = ["revoke"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._in_scope(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else self._in_scope(request, None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        scope = scoped_ids(request)

        class ScopedAwardForm(AwardForm):
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, scope=scope, **kw)
                if scope is not None:
                    self.fields["community"].queryset = Community.objects.filter(  # type: ignore[attr-defined]
                        pk__in=scope
                    )
                    self.fields["badge"].queryset = BadgeClass.objects.filter(  # type: ignore[attr-defined]
                        Q(community__isnull=True) | Q(community__in=scope), enabled=True
                    )

        return ScopedAwardForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["badge", "member", "community", "reason"]
        return [
            "badge",
            "member",
            "community",
            "granted_at",
            "reason",
            "manual",
            "awarded_by",
            "public",
            "revoked_at",
            "revoked_reason",
            "subject",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: BadgeGrant, form: Any, change: bool) -> None:
        if change:
            return
        by: Member | None = getattr(request, "member", None)
        try:
            grant = awarding.award_badge(
                badge=form.cleaned_data["badge"],
                member=form.cleaned_data["member"],
                by=by,
                message=form.cleaned_data["reason"],
                community=form.cleaned_data.get("community"),
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            obj.pk = None
            return
        obj.pk = grant.pk

    def response_add(
        self, request: HttpRequest, obj: BadgeGrant, post_url_continue: Any = None
    ) -> Any:
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        return HttpResponseRedirect(reverse("admin:recognition_badgegrant_changelist"))

    @admin.action(description=_("Revoke the selected badges (give a reason)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[BadgeGrant]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, _("Say why the badges are revoked."), messages.ERROR)
            return
        done = 0
        by: Member | None = getattr(request, "member", None)
        for grant in queryset.filter(revoked_at__isnull=True).select_related("badge"):
            awarding.revoke_grant(grant=grant, by=by, reason=reason)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d badge revoked.", "%(count)d badges revoked.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Kudos)
class KudosAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["giver", "receiver", "community", "about", "message", "created_at"]
    list_select_related = ["giver", "receiver", "community"]
    search_fields = ["giver__display_name", "receiver__display_name", "message"]
    readonly_fields = [
        "giver",
        "receiver",
        "community",
        "about",
        "about_id",
        "message",
        "created_at",
    ]
    animators_can_delete = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Endorsement)
class EndorsementAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["member", "skill", "level", "endorser", "community", "created_at"]
    list_select_related = ["member", "skill", "endorser", "community"]
    search_fields = ["member__display_name", "skill__name_en", "skill__name_fr"]
    readonly_fields = [
        "member",
        "skill",
        "level",
        "endorser",
        "community",
        "mentorship",
        "evidence",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
