"""Reactions, accepted answers, follows, bookmarks and the animators' topic actions."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from community.models import ActivityEvent, Community, Member
from community.permissions import CommunityContext, can_animate
from community.services.activity import record_activity
from community.services.bookmarks import set_bookmark
from community.services.notifications import notify
from forums import activity, permissions
from forums.models import (
    Category,
    CategoryFollow,
    FollowLevel,
    Post,
    Reaction,
    ReactionEmoji,
    TagFollow,
    Topic,
    TopicFollow,
)
from forums.services._common import check_contribution, context_for, deny


def _delete_activity(verb: str, post: Post, actor: Member | None = None, **payload: object) -> None:
    rows = (
        ActivityEvent.objects.all() if actor is None else ActivityEvent.objects.filter(actor=actor)
    )
    rows.filter(
        verb=verb,
        target_type=ContentType.objects.get_for_model(Post),
        target_id=post.pk,
        **{f"payload__{k}": v for k, v in payload.items()},
    ).delete()


@transaction.atomic
def set_reaction(
    *, post: Post, by: Member, emoji: str, on: bool, ctx: CommunityContext | None = None
) -> dict[str, int]:
    """Add (``on``) or remove one reaction; idempotent. Returns the post's counts."""
    if emoji not in ReactionEmoji.values:
        raise ValidationError(_("Choose one of the offered reactions."))
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic__community", "topic__category")
        .get(pk=post.pk)
    )
    topic = post.topic
    ctx = ctx or context_for(by, topic.community)
    check_contribution(ctx)
    if not permissions.can_see_category(ctx, topic.category) or topic.deleted_at:
        raise deny()
    if not permissions.can_react(ctx, post):
        raise deny(_("You cannot react to your own post."))
    counts = dict(post.reaction_counts)
    if on:
        _row, created = Reaction.objects.get_or_create(post=post, member=by, emoji=emoji)
        if not created:
            return counts
        counts[emoji] = counts.get(emoji, 0) + 1
        record_activity(
            actor=by,
            verb=activity.REACTION_ADDED.key,
            community=topic.community,
            target=post,
            payload={
                "post_id": post.pk,
                "topic_id": topic.pk,
                "emoji": emoji,
                "for_member_id": post.author_id,
                "tags": topic.tag_slugs,
            },
        )
        if post.author_id:
            notify(
                recipients=[post.author_id],
                kind=activity.REACTION.key,
                actor=by,
                community=topic.community,
                target=post,
                payload={"title": topic.title, "url": post.get_absolute_url()},
                group_key=f"forums.reaction:{post.pk}",
            )
    else:
        deleted, _rows = Reaction.objects.filter(post=post, member=by, emoji=emoji).delete()
        if not deleted:
            return counts
        counts[emoji] = max(counts.get(emoji, 0) - 1, 0)
        if not counts[emoji]:
            del counts[emoji]
        _delete_activity(activity.REACTION_ADDED.key, post, actor=by, emoji=emoji)
    Post.objects.filter(pk=post.pk).update(reaction_counts=counts)
    post.reaction_counts = counts
    return counts


@transaction.atomic
def accept_answer(*, post: Post, by: Member, ctx: CommunityContext | None = None) -> Topic:
    """Mark ``post`` as the answer that solved the question (replacing any other)."""
    post = Post.objects.select_related("topic__community", "topic__category").get(pk=post.pk)
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community", "category")
        .get(pk=post.topic_id)
    )
    ctx = ctx or context_for(by, topic.community)
    if not permissions.can_accept(ctx, topic):
        raise deny(_("Only the person who asked and the animators can choose the answer."))
    if post.number == 1 or post.deleted_at or post.hidden_at:
        raise ValidationError(_("Choose a reply as the answer."))
    if topic.accepted_post_id == post.pk:
        return topic
    if topic.accepted_post_id:
        previous = Post(pk=topic.accepted_post_id)
        _delete_activity(activity.ANSWER_ACCEPTED.key, previous)
    now = timezone.now()
    topic.accepted_post = post
    topic.solved_at = now
    topic.save(update_fields=["accepted_post", "solved_at"])
    record_activity(
        actor=by,
        verb=activity.ANSWER_ACCEPTED.key,
        community=topic.community,
        target=post,
        payload={
            "post_id": post.pk,
            "topic_id": topic.pk,
            "for_member_id": post.author_id,
            "question_author_id": topic.author_id,
            "question_created_at": topic.created_at.isoformat(),
            "tags": topic.tag_slugs,
        },
        occurred_at=now,
    )
    if post.author_id:
        notify(
            recipients=[post.author_id],
            kind=activity.ANSWER_ACCEPTED_KIND.key,
            actor=by,
            community=topic.community,
            target=post,
            payload={"title": topic.title, "url": post.get_absolute_url()},
        )
    return topic


@transaction.atomic
def unaccept_answer(*, topic: Topic, by: Member, ctx: CommunityContext | None = None) -> Topic:
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community", "category")
        .get(pk=topic.pk)
    )
    ctx = ctx or context_for(by, topic.community)
    if not permissions.can_accept(ctx, topic):
        raise deny(_("Only the person who asked and the animators can choose the answer."))
    if topic.accepted_post_id:
        _delete_activity(activity.ANSWER_ACCEPTED.key, Post(pk=topic.accepted_post_id))
        topic.accepted_post = None
        topic.solved_at = None
        topic.save(update_fields=["accepted_post", "solved_at"])
    return topic


def _check_level(level: str) -> None:
    if level not in FollowLevel.values:
        raise ValidationError(_("Choose watching, normal or muted."))


@transaction.atomic
def follow_topic(*, topic: Topic, member: Member, level: str) -> str:
    _check_level(level)
    TopicFollow.objects.update_or_create(member=member, topic=topic, defaults={"level": level})
    return level


@transaction.atomic
def follow_category(*, category: Category, member: Member, level: str) -> str:
    _check_level(level)
    if level == FollowLevel.NORMAL:
        CategoryFollow.objects.filter(member=member, category=category).delete()
    else:
        CategoryFollow.objects.update_or_create(
            member=member, category=category, defaults={"level": level}
        )
    return level


@transaction.atomic
def follow_tag(*, community: Community, tag: Tag, member: Member, level: str) -> str:
    _check_level(level)
    if level == FollowLevel.NORMAL:
        TagFollow.objects.filter(member=member, community=community, tag=tag).delete()
    else:
        TagFollow.objects.update_or_create(
            member=member, community=community, tag=tag, defaults={"level": level}
        )
    return level


def bookmark_topic(*, topic: Topic, member: Member, on: bool) -> bool:
    return set_bookmark(member=member, target=topic, on=on)


TOPIC_ACTIONS = {
    "pin": ("pinned_at", True),
    "unpin": ("pinned_at", False),
    "lock": ("locked_at", True),
    "unlock": ("locked_at", False),
    "close": ("closed_at", True),
    "reopen": ("closed_at", False),
}


@transaction.atomic
def set_topic_state(
    *,
    topic: Topic,
    by: Member,
    action: str,
    ctx: CommunityContext | None = None,
    reason: str = "",
) -> Topic:
    """Pin, lock or close a topic (and undo): animators only; written to the moderation
    log."""
    from community.services.moderation import log_action

    if action not in TOPIC_ACTIONS:
        raise ValidationError(_("Unknown action."))
    ctx = ctx or context_for(by, topic.community)
    if not can_animate(ctx):
        raise deny(_("Only the community's animators can do this."))
    field, on = TOPIC_ACTIONS[action]
    before = getattr(topic, field)
    value = timezone.now() if on else None
    Topic.objects.filter(pk=topic.pk).update(**{field: value})
    setattr(topic, field, value)
    from forums import cache as forum_cache

    forum_cache.topic_changed(topic.pk, topic.community.slug)  # the anonymous page cache
    log_action(
        by=by,
        action=action,
        community=topic.community,
        target=topic,
        member_id=topic.author_id,
        reason=reason.strip(),
        before={field: before.isoformat() if before else None},
        after={field: value.isoformat() if value else None},
        label=topic.title,
    )
    return topic
