from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def platform(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)

    def my_communities() -> list[Any]:
        if member is None:
            return []
        from community.selectors import list_my_memberships

        return list_my_memberships(member)

    return {
        "site_name": settings.SITE_NAME,
        "member": member,
        "my_memberships": SimpleLazyObject(my_communities),
        "mfa_off_notice": not settings.ADMIN_REQUIRE_MFA,
    }
