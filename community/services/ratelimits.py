"""How fast members may post: a floor between two posts for everyone, and tighter limits
for new members (at most N posts a day, one every M seconds). Settings live on the
community (`Community.new_member_days`, `new_member_daily_posts`,
`new_member_post_interval`, `post_interval_floor`).

Posts are counted from the activity log (`ActivityEvent` rows of the verbs in
`POSTING_VERBS`, read through the (actor, occurred_at) index): no extra table, no extra
write. Every service that creates a post calls, before writing::

    check_contribution_rate(member, community)

(forums: in the topic and reply services; resources: in `share_resource`). It raises
`RateLimited`, a `ValidationError`, so views show the message in the form and keep what
was typed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import ngettext

from community.models import ActivityEvent, Community, Member, Membership

# The verbs that count as a post (a contribution someone wrote), whatever app records them.
POSTING_VERBS = frozenset({"forums.topic_created", "forums.post_created", "resources.shared"})


class RateLimited(ValidationError):
    """Posting too fast (or too much for a new member); ``retry_after`` in seconds."""

    def __init__(self, message: str, *, code: str, retry_after: int) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


@dataclass(frozen=True)
class PostingRate:
    is_new: bool
    posts_today: int
    last_post_at: datetime | None


def is_new_member(member: Member, community: Community, at: datetime | None = None) -> bool:
    if not community.new_member_days:
        return False
    now = at or timezone.now()
    joined = (
        Membership.objects.filter(member=member, community=community)
        .values_list("joined_at", flat=True)
        .first()
    )
    since = joined or member.created_at
    return since > now - timedelta(days=community.new_member_days)


def posting_rate(member: Member, community: Community, at: datetime | None = None) -> PostingRate:
    """The member's posts in the community over the last 24 hours, and the last one (one
    query on the activity log, plus one for the membership)."""
    now = at or timezone.now()
    row = ActivityEvent.objects.filter(
        actor=member,
        community=community,
        verb__in=POSTING_VERBS,
        occurred_at__gt=now - timedelta(days=1),
    ).aggregate(n=Count("id"), last=Max("occurred_at"))
    return PostingRate(
        is_new=is_new_member(member, community, now),
        posts_today=row["n"] or 0,
        last_post_at=row["last"],
    )


def check_contribution_rate(
    member: Member, community: Community, at: datetime | None = None
) -> None:
    """Raise `RateLimited` with a clear, translated message if the member must wait
    (nothing when ``settings.MODERATION_RATE_LIMITS`` is off: demo data, other apps' tests)."""
    if not settings.MODERATION_RATE_LIMITS:
        return
    now = at or timezone.now()
    rate = posting_rate(member, community, now)
    limit = community.new_member_daily_posts
    if rate.is_new and limit and rate.posts_today >= limit:
        raise RateLimited(
            ngettext(
                "New members can post at most %(count)d time a day — back tomorrow.",
                "New members can post at most %(count)d times a day — back tomorrow.",
                limit,
            )
            % {"count": limit},
            code="daily_limit",
            retry_after=24 * 3600,
        )
    interval = community.post_interval_floor
    if rate.is_new:
        interval = max(interval, community.new_member_post_interval)
    if interval and rate.last_post_at is not None:
        wait = math.ceil((rate.last_post_at + timedelta(seconds=interval) - now).total_seconds())
        if wait > 0:
            raise RateLimited(
                ngettext(
                    "You are posting quickly: you can post again in %(seconds)d second.",
                    "You are posting quickly: you can post again in %(seconds)d seconds.",
                    wait,
                )
                % {"seconds": wait},
                code="too_fast",
                retry_after=wait,
            )
