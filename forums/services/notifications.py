"""The notifications of a new post, fanned out by a Celery task after the post commits,
so that posting writes a fixed number of rows whatever the number of followers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.models import Member, Membership
from community.models.communities import MembershipStatus, Role
from community.services.notifications import notify
from forums import activity
from forums.models import CategoryFollow, FollowLevel, Post, TagFollow, TopicFollow
from forums.services.posting import mention_resolver


def _readers(post: Post, ids: set[int]) -> set[int]:
    """Keep the members who may read the post: active members of the community (and,
    for a category restricted to roles, those roles and the animators)."""
    if not ids:
        return set()
    category = post.topic.category
    rows = Membership.objects.filter(
        community_id=post.community_id, member_id__in=ids, status=MembershipStatus.ACTIVE
    )
    if category.allowed_roles:
        rows = rows.filter(Q(role__in=category.allowed_roles) | Q(role=Role.ANIMATOR))
    return set(rows.values_list("member_id", flat=True))


def fan_out_post(*, post_id: int) -> int:
    """Tell the people concerned by a new post: those it mentions, the author of the post
    it replies to (or of the topic), the topic's watchers and, for a new topic, the
    watchers of its category and tags. Each person gets one notification (mention >
    reply > followed topic). Runs once per post (claimed with ``notified_at``). Returns
    the number of people notified."""
    with transaction.atomic():
        claimed = Post.objects.filter(pk=post_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return 0
        post = Post.objects.select_related(
            "topic__category", "topic__community", "reply_to", "author"
        ).get(pk=post_id)
        topic = post.topic
        if post.deleted_at or post.hidden_at or topic.deleted_at or post.author is None:
            return 0
        author_id = post.author_id
        muted = set(
            TopicFollow.objects.filter(topic=topic, level=FollowLevel.MUTED).values_list(
                "member_id", flat=True
            )
        )
        handles = set(mention_resolver(topic.community)(_mentioned(post)))
        mentioned = set(Member.objects.filter(handle__in=handles).values_list("pk", flat=True))
        replied: set[int] = set()
        if post.number > 1:
            target = post.reply_to.author_id if post.reply_to else topic.author_id
            if target:
                replied.add(target)
        watchers = set(
            TopicFollow.objects.filter(topic=topic, level=FollowLevel.WATCHING).values_list(
                "member_id", flat=True
            )
        )
        if post.number == 1:
            watchers |= _category_and_tag_watchers(post)
        mentioned = _readers(post, mentioned - {author_id}) - muted
        replied = _readers(post, replied - {author_id} - mentioned) - muted
        watchers = _readers(post, watchers - {author_id} - mentioned - replied) - muted
        payload = {
            "title": topic.title,
            "url": post.get_absolute_url(),
            "category": topic.category.name,
        }
        sent = 0
        common: dict[str, Any] = {
            "actor": post.author,
            "community": topic.community,
            "target": post,
        }
        if mentioned:
            sent += notify(
                recipients=mentioned, kind=activity.MENTION.key, payload=payload, **common
            )
        if replied:
            sent += notify(recipients=replied, kind=activity.REPLY.key, payload=payload, **common)
        if watchers:
            if post.number == 1:
                sent += notify(
                    recipients=watchers, kind=activity.NEW_TOPIC.key, payload=payload, **common
                )
            else:
                sent += notify(
                    recipients=watchers,
                    kind=activity.WATCHED_REPLY.key,
                    payload=payload,
                    group_key=f"forums.topic:{topic.pk}",
                    **common,
                )
        return sent


def _mentioned(post: Post) -> set[str]:
    from community.markdown import MENTION_RE

    return {m.lower() for m in MENTION_RE.findall(post.body)}


def _category_and_tag_watchers(post: Post) -> set[int]:
    topic = post.topic
    follows = CategoryFollow.objects.filter(category_id=topic.category_id)
    watching = set(follows.filter(level=FollowLevel.WATCHING).values_list("member_id", flat=True))
    muted = set(follows.filter(level=FollowLevel.MUTED).values_list("member_id", flat=True))
    slugs = topic.tag_slugs
    if slugs:
        tag_follows = TagFollow.objects.filter(community_id=topic.community_id, tag__slug__in=slugs)
        watching |= set(
            tag_follows.filter(level=FollowLevel.WATCHING).values_list("member_id", flat=True)
        )
        muted |= set(
            tag_follows.filter(level=FollowLevel.MUTED).values_list("member_id", flat=True)
        )
    return watching - muted
