"""The catalogue of activity verbs.

Every `ActivityEvent.verb` is registered here by the app that records it (in its
`AppConfig.ready()`), with a label and whether it counts as a *contribution* for the
engagement metrics. `docs/activity.md` lists them; `record_activity` refuses unknown verbs
so that a typo can never create a verb that no rule or metric reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Verb:
    key: str
    label: StrOrPromise
    contribution: bool = False


_VERBS: dict[str, Verb] = {}


def register_verb(key: str, label: StrOrPromise, *, contribution: bool = False) -> Verb:
    verb = Verb(key=key, label=label, contribution=contribution)
    existing = _VERBS.get(key)
    if existing is not None and existing != verb:
        raise ValueError(f"Activity verb {key!r} is already registered differently.")
    _VERBS[key] = verb
    return verb


def get_verb(key: str) -> Verb:
    try:
        return _VERBS[key]
    except KeyError:
        raise ValueError(f"Unknown activity verb {key!r}: register it first.") from None


def all_verbs() -> list[Verb]:
    return sorted(_VERBS.values(), key=lambda v: v.key)


def contribution_verbs() -> list[str]:
    return [v.key for v in all_verbs() if v.contribution]


# Listeners: callbacks run after the commit of the transaction that recorded a verb
# (`record_activity` schedules them with `transaction.on_commit`). recognition/ uses this to
# evaluate its badge rules; a listener gets the ids of the events just recorded.
Listener = Callable[[list[int]], None]
_LISTENERS: dict[str, list[Listener]] = {}


def register_listener(verbs: Iterable[str], callback: Listener) -> None:
    """Call ``callback(event_ids)`` after the commit of each recorded event of ``verbs``
    (registering the same callback twice for a verb is a no-op)."""
    for verb in verbs:
        callbacks = _LISTENERS.setdefault(verb, [])
        if callback not in callbacks:
            callbacks.append(callback)


def listeners_for(verb: str) -> list[Listener]:
    return list(_LISTENERS.get(verb, ()))


# Verbs recorded by community/ itself.
JOINED = register_verb("community.joined", _("joined a community"))
JOIN_REQUESTED = register_verb("community.join_requested", _("asked to join a community"))
MEMBERSHIP_APPROVED = register_verb("community.membership_approved", _("approved a join request"))
MEMBERSHIP_DECLINED = register_verb("community.membership_declined", _("declined a join request"))
LEFT = register_verb("community.left", _("left a community"))
ROLE_CHANGED = register_verb("community.role_changed", _("changed a member's role"))
MEMBER_BANNED = register_verb("community.member_banned", _("banned a member"))
INVITATION_CREATED = register_verb("community.invitation_created", _("created an invitation link"))
CHARTER_PUBLISHED = register_verb("community.charter_published", _("published a charter version"))
CHARTER_ACCEPTED = register_verb("community.charter_accepted", _("accepted the charter"))
PROFILE_UPDATED = register_verb("member.profile_updated", _("updated their profile"))
ACCOUNT_DELETED = register_verb("member.account_deleted", _("deleted their account"))
