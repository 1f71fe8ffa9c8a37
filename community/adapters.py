from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        # Absolute links built from SITE_URL, not from the request's Host header.
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return self._on_site(url)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return self._on_site(super().get_reset_password_from_key_url(key))

    @staticmethod
    def _on_site(url: str) -> str:
        if url.startswith("http"):
            path = "/" + url.split("://", 1)[1].split("/", 1)[1]
            return settings.SITE_URL + path
        return settings.SITE_URL + url

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's mails greet with "current_site": the platform, not the request's host.
        domain = settings.SITE_URL.split("://", 1)[-1]
        context["current_site"] = SimpleNamespace(name=settings.SITE_NAME, domain=domain)
        super().send_mail(template_prefix, email, context)
