from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class MemberMiddleware:
    """Puts the member on the request and speaks their language in their time zone.

    Language order: the member's preference, else the language cookie or the browser
    (LocaleMiddleware has chosen those already). A suspended member is logged out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = None
        user = request.user
        if user.is_authenticated:
            member = getattr(user, "member", None)
            if member is None:
                # Accounts made outside sign-up (createsuperuser) get a profile here.
                from community.services import ensure_member

                member = ensure_member(user)
            if member.is_suspended():
                logout(request)
                messages.error(
                    request,
                    _("Your account is suspended until %(date)s. Reason: %(reason)s")
                    % {
                        "date": timezone.localtime(member.suspended_until).strftime(
                            "%d/%m/%Y %H:%M"
                        ),
                        "reason": member.suspension_reason,
                    },
                )
                member = None
        request.member = member  # type: ignore[attr-defined]
        if member is not None:
            if member.preferred_language:
                translation.activate(member.preferred_language)
                request.LANGUAGE_CODE = member.preferred_language
            try:
                timezone.activate(zoneinfo.ZoneInfo(member.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response
