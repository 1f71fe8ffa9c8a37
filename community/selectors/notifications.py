from __future__ import annotations

from community.models import Member, Notification, NotificationPreference
from community.notifications import all_kinds
from community.pagination import KeysetPage, paginate_keyset


def list_notifications(
    member: Member, *, cursor: str | None = None, size: int = 30
) -> KeysetPage[Notification]:
    qs = Notification.objects.filter(recipient=member).select_related("actor")
    return paginate_keyset(qs, order=["-updated_at", "-id"], cursor=cursor, size=size)


def get_notification_preferences(member: Member) -> dict[str, bool]:
    """Kind key -> whether the member gets it by email (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(member=member).values_list("kind", "email"))
    return {kind.key: chosen.get(kind.key, kind.email_default) for kind in all_kinds()}
