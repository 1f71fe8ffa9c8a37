from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model

from community.prepared import PreparedQuery

# Every request of a logged-in person runs this: compiled once (community/prepared.py).
_user_with_member = PreparedQuery(
    lambda pk: (
        get_user_model()
        ._default_manager.select_related("member")
        .defer("member__search_vector")  # the largest column, never shown
        .filter(pk=pk, is_active=True)
    )
)


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the member profile with the user (one query per
    request instead of two), and refusing suspended members."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        rows = _user_with_member.fetch(pk=pk)
        return rows[0] if rows else None

    def user_can_authenticate(self, user: Any) -> bool:
        member = getattr(user, "member", None)
        if member is not None and member.is_suspended():
            return False
        return super().user_can_authenticate(user)
