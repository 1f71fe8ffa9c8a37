from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def staff_lacks_mfa(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        settings.ADMIN_REQUIRE_MFA
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class LearnersAdminSite(admin.AdminSite):
    site_header = _("Back office")
    site_title = _("Learners back office")
    index_title = _("Communities you look after")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not staff_lacks_mfa(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Logging in goes through allauth (rate limits, MFA); staff without an
        # authenticator are sent to set one up first.
        if staff_lacks_mfa(request):
            return HttpResponseRedirect(reverse("community:admin-mfa-required"))
        return secure_admin_login(super().login)(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["mfa_off_notice"] = not settings.ADMIN_REQUIRE_MFA
        return context
