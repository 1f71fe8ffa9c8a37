from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.models import Community, Member
from community.permissions import BLOCKED_MESSAGES, CommunityContext, contribution_blocked


def context_for(member: Member, community: Community) -> CommunityContext:
    from community.selectors.communities import get_community_context

    return get_community_context(member.user, community)


def check_contribution(ctx: CommunityContext) -> None:
    """Refuse with the reason (silenced, suspended, not a member...)."""
    blocked = contribution_blocked(ctx)
    if blocked is not None:
        raise PermissionDenied(BLOCKED_MESSAGES[blocked])


def deny(message: str | None = None) -> PermissionDenied:
    return PermissionDenied(message or _("You cannot do this here."))


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for tag in tags:
        name = " ".join((tag or "").split())[:50]
        if name:
            cleaned.setdefault(name.lower(), name)
    return sorted(cleaned.values(), key=str.lower)[:5]
