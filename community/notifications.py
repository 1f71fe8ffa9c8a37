"""The registry of notification kinds.

Apps register the kinds they send (`register_kind`) in `AppConfig.ready()`. A kind says
how a notification reads ("Alice replied to *Title*"), whether members get it by email
unless they change it, and whether repeated notifications collapse into one row
(reactions: "Alice and 3 others reacted").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from community.models import Notification


def _default_describe(notification: Notification) -> str:
    return str(notification.payload.get("title", ""))


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: StrOrPromise  # shown on the preferences page
    describe: Callable[[Notification], str] = _default_describe
    email_default: bool = False
    grouped: bool = False


_KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.key!r} is already registered differently.")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown notification kind {key!r}: register it first.") from None


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda k: k.key)


def actor_name(notification: Notification) -> str:
    actor = notification.actor
    if actor is None:
        return str(_("Someone"))
    if notification.count > 1:
        others = notification.count - 1
        return ngettext("%(name)s and %(count)d other", "%(name)s and %(count)d others", others) % {
            "name": actor.display_name,
            "count": others,
        }
    return actor.display_name


def _describe_join_request(n: Notification) -> str:
    return str(_("%(name)s asks to join %(community)s")) % {
        "name": actor_name(n),
        "community": n.payload.get("community", ""),
    }


def _describe_request_approved(n: Notification) -> str:
    return str(_("Welcome! Your request to join %(community)s was approved")) % {
        "community": n.payload.get("community", "")
    }


def _describe_role_changed(n: Notification) -> str:
    return str(_("You are now %(role)s in %(community)s")) % {
        "role": n.payload.get("role_label", ""),
        "community": n.payload.get("community", ""),
    }


def _describe_charter(n: Notification) -> str:
    return str(_("%(community)s has a new charter: please read and accept it")) % {
        "community": n.payload.get("community", "")
    }


JOIN_REQUEST = register_kind(
    NotificationKind(
        "community.join_request",
        _("Someone asks to join a community I animate"),
        _describe_join_request,
        email_default=True,
        grouped=True,
    )
)
REQUEST_APPROVED = register_kind(
    NotificationKind(
        "community.request_approved",
        _("My request to join a community is approved"),
        _describe_request_approved,
        email_default=True,
    )
)
ROLE_CHANGED = register_kind(
    NotificationKind(
        "community.role_changed", _("My role in a community changes"), _describe_role_changed
    )
)
CHARTER_UPDATED = register_kind(
    NotificationKind(
        "community.charter_updated",
        _("A community I belong to publishes a new charter"),
        _describe_charter,
        grouped=True,
    )
)
