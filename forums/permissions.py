"""Who may do what in forums/ (on a `CommunityContext` and rows already fetched; no
queries)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from community.permissions import CommunityContext, can_animate, can_contribute, can_read_community
from forums.models import Category, Post, Topic


def can_see_category(ctx: CommunityContext, category: Category) -> bool:
    if not can_read_community(ctx):
        return False
    if not category.allowed_roles or can_animate(ctx):
        return True
    return ctx.role is not None and ctx.role in category.allowed_roles


def can_post_in(ctx: CommunityContext, category: Category) -> bool:
    return can_contribute(ctx) and can_see_category(ctx, category)


def can_reply(ctx: CommunityContext, topic: Topic) -> bool:
    """Locked and closed topics take replies from animators only."""
    if not can_post_in(ctx, topic.category) or topic.deleted_at is not None:
        return False
    if topic.locked_at or topic.closed_at:
        return can_animate(ctx)
    return True


def is_author(ctx: CommunityContext, post: Post) -> bool:
    return ctx.member is not None and post.author_id == ctx.member.pk


def can_see_hidden(ctx: CommunityContext, post: Post) -> bool:
    """Hidden posts show their text to their author and the animators only."""
    return is_author(ctx, post) or can_animate(ctx)


def can_edit(ctx: CommunityContext, topic: Topic, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if can_animate(ctx):
        return True
    return is_author(ctx, post) and can_contribute(ctx) and not topic.locked_at


def can_see_history(ctx: CommunityContext, post: Post) -> bool:
    return is_author(ctx, post) or can_animate(ctx)


def can_delete(ctx: CommunityContext, topic: Topic, post: Post) -> bool:
    """Authors delete their own posts while the topic is not locked, within the window
    (FORUMS_DELETE_WINDOW_HOURS), unless it is the accepted answer; the opening post only
    while nobody replied (the topic goes with it). Animators delete anything."""
    if post.deleted_at is not None:
        return False
    if can_animate(ctx):
        return True
    if not (is_author(ctx, post) and can_contribute(ctx)) or topic.locked_at:
        return False
    if topic.accepted_post_id == post.pk:
        return False
    if post.number == 1 and topic.reply_count > 0:
        return False
    window = timedelta(hours=settings.FORUMS_DELETE_WINDOW_HOURS)
    return timezone.now() - post.created_at <= window


def can_accept(ctx: CommunityContext, topic: Topic) -> bool:
    """The asker or an animator chooses the accepted answer of a question."""
    if not topic.is_question or topic.deleted_at is not None:
        return False
    if can_animate(ctx):
        return True
    return ctx.member is not None and topic.author_id == ctx.member.pk and can_contribute(ctx)


def can_react(ctx: CommunityContext, post: Post) -> bool:
    return can_contribute(ctx) and not is_author(ctx, post) and post.deleted_at is None


def can_moderate_topic(ctx: CommunityContext) -> bool:
    return can_animate(ctx)
