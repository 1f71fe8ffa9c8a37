"""Cached fragment of the page layout: the member's menu in the header.

Every page a member opens draws their menu: avatar, name, unread notifications, links,
and the list of their communities (a query). The fragment depends on the member's
name, avatar, unread count, staff flag and language (all read from the member's row,
loaded on every request anyway) and on their memberships and the names of those
communities. The first part goes in a signature stored with the fragment; the second
is handled by invalidation: saving or deleting one of the member's memberships forgets
their fragment, saving a community bumps a stamp that every fragment's signature holds.
Writes that bypass the signals (``QuerySet.update``) are caught by the 10-minute TTL,
and by ``forget_member_menu`` where the code knows about them.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

MENU_TTL = 10 * 60
_COMMUNITIES_STAMP = "community:menu:communities"


def menu_key(member_id: int) -> str:
    return f"community:menu:{member_id}"


def forget_member_menu(member_id: int) -> None:
    """After the transaction commits (a request reading the old rows in between would
    store them again otherwise)."""
    transaction.on_commit(lambda: cache.delete(menu_key(member_id)))


def communities_changed() -> None:
    transaction.on_commit(lambda: cache.set(_COMMUNITIES_STAMP, secrets.token_hex(4), None))


def signature(member: Any, user: Any, stamp: str) -> str:
    """What the fragment shows that comes from rows loaded on every request anyway."""
    from community.frames import templates_version

    parts = [
        templates_version(),
        str(member.pk),
        member.handle,
        member.display_name,
        str(member.avatar or ""),
        str(member.unread_notifications),
        "1" if getattr(user, "is_staff", False) else "0",
        translation.get_language() or "",
        stamp,
    ]
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def prefetch_keys(member_id: int) -> list[str]:
    """What ``lookup`` reads: fetched with a page's frame (community/frames.py)."""
    return [_COMMUNITIES_STAMP, menu_key(member_id)]


def lookup(member_id: int, request: Any = None) -> tuple[str, Any]:
    """The communities stamp and the stored (signature, html) of this member, if any, in
    one round trip, or none when fetched with the page's frame (the stamp is created if
    missing)."""
    from community.frames import prefetched

    keys = prefetch_keys(member_id)
    if request is not None and all(prefetched(request, k)[0] for k in keys):
        found = {k: v for k in keys if (v := prefetched(request, k)[1]) is not None}
    else:
        found = cache.get_many(keys)
    stamp = found.get(_COMMUNITIES_STAMP)
    if stamp is None:
        cache.add(_COMMUNITIES_STAMP, secrets.token_hex(4), None)
        stamp = cache.get(_COMMUNITIES_STAMP, "")
    return str(stamp), found.get(menu_key(member_id))


def store(member_id: int, signature: str, html: str) -> None:
    cache.set(menu_key(member_id), (signature, html), MENU_TTL)


def connect_signals() -> None:
    """Called from the app's ``ready()``."""
    from django.db.models.signals import post_delete, post_save

    from community.models import Community, Membership

    def on_membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
        forget_member_menu(instance.member_id)

    def on_community(sender: Any, instance: Community, **kwargs: Any) -> None:
        communities_changed()

    for model, receiver in ((Membership, on_membership), (Community, on_community)):
        uid = f"community.fragments.{model.__name__}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ".delete")
