"""What forums/ adds to other pages: the community overview, the data download."""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.permissions import CommunityContext, can_read_community
from forums.models import Post, Topic
from forums.selectors.topics import readable_categories


def overview_panel(ctx: CommunityContext) -> dict[str, Any] | None:
    """The latest discussions on the community's front page (2 queries)."""
    if not can_read_community(ctx):
        return None
    topics = list(
        Topic.objects.filter(
            readable_categories(ctx), community=ctx.community, deleted_at__isnull=True
        )
        .select_related("category")
        .order_by("-last_post_at", "-id")[:5]
    )
    for topic in topics:
        topic.community = ctx.community
    return {"community": ctx.community, "topics": topics}


def export_member_data(member: Member) -> dict[str, Any]:
    return {
        "topics": [
            {"id": t.pk, "title": t.title, "created_at": t.created_at.isoformat()}
            for t in Topic.objects.filter(author=member).order_by("id")
        ],
        "posts": [
            {
                "id": p.pk,
                "topic": p.topic_id,
                "number": p.number,
                "body": p.body,
                "created_at": p.created_at.isoformat(),
            }
            for p in Post.objects.filter(author=member).order_by("id")
        ],
    }
