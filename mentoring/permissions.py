"""Who may do what in mentoring/ (on a `CommunityContext`, no queries)."""

from __future__ import annotations

from community.permissions import CommunityContext, can_animate, can_contribute


def can_take_part(ctx: CommunityContext) -> bool:
    """Declare skills, ask for mentoring, volunteer for rounds: an active member who
    accepted the charter."""
    return can_contribute(ctx)


def can_run_rounds(ctx: CommunityContext) -> bool:
    return can_animate(ctx)
