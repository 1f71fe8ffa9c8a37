"""Animators' back office for forums/, scoped to the communities they animate: categories
(order, colour, role restriction); topic actions (lock, close/reopen, pin/unpin, move to
another category, merge two topics) and post actions (hide/restore, edit with a reason).
Every moderation action goes through a service that writes the moderation log; flags, the
review queue and the log itself are built generically in community/ (moderation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from community.admin.scoping import CommunityScopedAdminMixin
from community.services import moderation as moderation_services
from forums import moderation
from forums.models import Category, Post, Topic
from forums.services.engagement import set_topic_state


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


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason (logged; told to the author when hiding)"), required=False, max_length=200
    )


def _run(
    modeladmin: admin.ModelAdmin, request: HttpRequest, rows: Any, call: Callable[[Any], Any]
) -> None:
    done = 0
    for row in rows:
        try:
            call(row)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                f"{row}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                messages.WARNING,
            )
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d row updated.", "%(count)d rows updated.", done) % {"count": done},
            messages.SUCCESS,
        )


class TopicModerationForm(forms.ModelForm):
    merge_into = forms.IntegerField(
        label=_("Merge into the topic number"),
        required=False,
        help_text=_("The number in the other topic's address; this topic's posts go to its end."),
    )
    reason = forms.CharField(
        label=_("Reason (logged)"), required=False, max_length=200, widget=forms.TextInput
    )

    class Meta:
        model = Topic
        fields = ["category"]

    def clean_merge_into(self) -> Topic | None:
        number = self.cleaned_data.get("merge_into")
        if not number:
            return None
        into = Topic.objects.filter(
            pk=number, community_id=self.instance.community_id, deleted_at__isnull=True
        ).first()
        if into is None or into.pk == self.instance.pk:
            raise ValidationError(_("No other topic with this number in this community."))
        return into


@admin.register(Topic)
class TopicAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    form = TopicModerationForm
    action_form = ReasonActionForm
    list_display = [
        "title",
        "community",
        "category",
        "kind",
        "author",
        "post_count",
        "is_solved",
        "pinned_at",
        "locked_at",
        "closed_at",
        "last_post_at",
    ]
    list_filter = ["community", "kind"]
    list_select_related = ["community", "category", "author"]
    search_fields = ["title"]
    ordering = ["-last_post_at", "-id"]
    show_full_result_count = False
    readonly_fields = [
        "title",
        "community",
        "author",
        "kind",
        "post_count",
        "created_at",
        "pinned_at",
        "locked_at",
        "closed_at",
    ]
    fields = [
        "title",
        "community",
        "author",
        "kind",
        "post_count",
        "created_at",
        "category",
        "pinned_at",
        "locked_at",
        "closed_at",
        "merge_into",
        "reason",
    ]
    actions = ["lock", "unlock", "close", "reopen", "pin", "unpin"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).filter(deleted_at__isnull=True)

    @admin.display(boolean=True, description=_("solved"))
    def is_solved(self, obj: Topic) -> bool:
        return obj.solved_at is not None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "category":
            topic_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            community_id = (
                Topic.objects.filter(pk=int(topic_id or 0))
                .values_list("community_id", flat=True)
                .first()
            )
            kwargs["queryset"] = Category.objects.filter(community_id=community_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Topic, form: Any, change: bool) -> None:
        by = request.member  # type: ignore[attr-defined]
        reason = form.cleaned_data.get("reason") or ""
        try:
            if "category" in form.changed_data:
                original = Topic.objects.get(pk=obj.pk)
                moderation.move_topic(topic=original, by=by, category=obj.category, reason=reason)
            into = form.cleaned_data.get("merge_into")
            if into is not None:
                moderation.merge_topics(source=obj, into=into, by=by, reason=reason)
                self.message_user(request, gettext("The topics are merged."), messages.SUCCESS)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )

    def _state(self, request: HttpRequest, queryset: QuerySet[Topic], action: str) -> None:
        reason = request.POST.get("reason", "")
        _run(
            self,
            request,
            queryset.select_related("community"),
            lambda t: set_topic_state(topic=t, by=request.member, action=action, reason=reason),  # type: ignore[attr-defined]
        )

    @admin.action(description=_("Lock the selected topics"))
    def lock(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "lock")

    @admin.action(description=_("Unlock the selected topics"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "unlock")

    @admin.action(description=_("Close the selected topics"))
    def close(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "close")

    @admin.action(description=_("Reopen the selected topics"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "reopen")

    @admin.action(description=_("Pin the selected topics"))
    def pin(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "pin")

    @admin.action(description=_("Unpin the selected topics"))
    def unpin(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._state(request, queryset, "unpin")


class PostModerationForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the edit (logged, told to the author)"), required=False, max_length=200
    )

    class Meta:
        model = Post
        fields = ["body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "body" in self.changed_data and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the edit: the author is told."))
        return data


@admin.register(Post)
class PostAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    form = PostModerationForm
    action_form = ReasonActionForm
    list_display = [
        "__str__",
        "topic",
        "community",
        "author",
        "created_at",
        "hidden_at",
        "deleted_at",
    ]
    list_filter = ["community", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["topic", "community", "author"]
    search_fields = ["body"]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    raw_id_fields = ["topic"]
    readonly_fields = [
        "topic",
        "number",
        "community",
        "author",
        "created_at",
        "edited_at",
        "hidden_at",
        "hidden_reason",
    ]
    fields = [
        "topic",
        "number",
        "community",
        "author",
        "created_at",
        "edited_at",
        "hidden_at",
        "hidden_reason",
        "body",
        "reason",
    ]
    actions = ["hide", "restore"]

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        if "body" not in form.changed_data:
            return
        original = Post.objects.select_related("topic__category", "community").get(pk=obj.pk)
        try:
            moderation_services.edit_content(
                target=original,
                by=request.member,  # type: ignore[attr-defined]
                text=form.cleaned_data["body"],
                reason=form.cleaned_data.get("reason") or "",
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )

    @admin.action(description=_("Hide the selected posts (give a reason)"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        reason = request.POST.get("reason", "") or gettext(
            "It does not follow the community's charter."
        )
        _run(
            self,
            request,
            queryset.select_related("topic__category", "community"),
            lambda p: moderation_services.hide_content(target=p, by=request.member, reason=reason),  # type: ignore[attr-defined]
        )

    @admin.action(description=_("Show the selected posts again"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        reason = request.POST.get("reason", "")
        _run(
            self,
            request,
            queryset.select_related("topic__category", "community"),
            lambda p: moderation_services.restore_content(
                target=p,
                by=request.member,  # type: ignore[attr-defined]
                reason=reason,
            ),
        )
