"""Animators write each issue's introduction here, preview it as a given member would
receive it, and schedule it or send it now. Platform issues (no community) are for
platform admins only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from community.admin.scoping import CommunityScopedAdminMixin, scoped_ids
from community.models import Member, Newsletter
from community.models.newsletters import IssueStatus
from community.services import newsletters as services

# The email's own HTML (inline styles, as email clients want) shown in a sandboxed frame.
EMAIL_PREVIEW_CSP: dict[str, Any] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["https:", "data:"],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "community",
            "frequency",
            "period_start",
            "period_end",
            "introduction",
            "scheduled_for",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.request: HttpRequest | None = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scoped = self.request is not None and scoped_ids(self.request) is not None
        if scoped and data.get("community") is None:
            self.add_error(
                "community",
                _("Choose one of your communities (platform issues are for admins)."),
            )
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The end of the period must come after its start."))
        if self.instance.pk and self.instance.status in (IssueStatus.SENDING, IssueStatus.SENT):
            raise forms.ValidationError(_("This issue has left already: it can no longer change."))
        return data


@admin.register(Newsletter)
class NewsletterAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    form = NewsletterForm
    animators_can_add = True
    animators_can_delete = True
    change_form_template = "admin/community/newsletter/change_form.html"
    list_display = [
        "__str__",
        "frequency",
        "status",
        "scheduled_for",
        "sent_at",
        "sent_count",
        "skipped_count",
    ]
    list_filter = ["status", "frequency", "community"]
    list_select_related = ["community"]
    ordering = ["-period_start", "community__name"]
    readonly_fields = ["status", "started_at", "sent_at", "sent_count", "skipped_count"]
    fieldsets = [
        (None, {"fields": ["community", "frequency", "period_start", "period_end"]}),
        (gettext_lazy("Editorial"), {"fields": ["introduction"]}),
        (
            gettext_lazy("Sending"),
            {
                "fields": [
                    "scheduled_for",
                    "status",
                    "started_at",
                    "sent_at",
                    "sent_count",
                    "skipped_count",
                ]
            },
        ),
    ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithRequest(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, request=request, **kw)

        return WithRequest

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if (
            obj is not None
            and obj.status != IssueStatus.DRAFT
            and obj.status != IssueStatus.SCHEDULED
        ):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Newsletter, form: Any, change: bool) -> None:
        services.save_newsletter(newsletter=obj, by=getattr(request, "member", None))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="community_newsletter_preview",
            ),
            path(
                "<int:pk>/preview/email/",
                self.admin_site.admin_view(self.preview_email_view),
                name="community_newsletter_preview_email",
            ),
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send_view),
                name="community_newsletter_send",
            ),
            *super().get_urls(),
        ]

    def _issue(self, request: HttpRequest, pk: int) -> Newsletter:
        issue = self.get_queryset(request).select_related("community").filter(pk=pk).first()
        if issue is None or not self.has_view_permission(request, issue):
            raise Http404
        return issue

    def _preview_member(self, request: HttpRequest, issue: Newsletter) -> Member | None:
        who = request.GET.get("member", "").strip()[:254]
        if not who:
            return None
        members = Member.objects.select_related("user").filter(
            Q(handle__iexact=who) | Q(user__email__iexact=who)
        )
        if issue.community_id:
            members = members.filter(memberships__community_id=issue.community_id)
        return members.first()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        member = self._preview_member(request, issue)
        digest = services.preview_newsletter(newsletter=issue, member=member) if member else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": _("Preview: %(issue)s") % {"issue": issue},
            "who": request.GET.get("member", "")[:254],
            "member": member,
            "digest": digest,
            "not_found": bool(request.GET.get("member")) and member is None,
        }
        return TemplateResponse(request, "admin/community/newsletter/preview.html", context)

    @xframe_options_sameorigin
    @csp_override(EMAIL_PREVIEW_CSP)
    def preview_email_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        member = self._preview_member(request, issue)
        digest = services.preview_newsletter(newsletter=issue, member=member) if member else None
        if digest is None:
            raise Http404
        return HttpResponse(digest.html)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:community_newsletter_change", args=[pk]))
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        if issue.status in (IssueStatus.SENDING, IssueStatus.SENT):
            messages.warning(request, _("This issue has left already."))
        else:
            from community.tasks import start_newsletter_task

            start_newsletter_task.delay(issue.pk)
            messages.success(
                request, _("The issue is leaving: each member gets it once, in the next minutes.")
            )
        return HttpResponseRedirect(reverse("admin:community_newsletter_change", args=[pk]))
