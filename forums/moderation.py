"""Moderation of the forums, on the generic machinery of community/ (flags, review queue,
log): forum posts are registered as flaggable, and the topic actions of animators (lock,
close, pin, move, merge) are services that write the moderation log.

Posts: hiding sets ``Post.hidden_at``/``hidden_reason`` (the topic page shows a
placeholder to everyone but the author and the animators); an animator's edit goes through
`forums.services.posting.edit_post` (edit history) with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Member
from community.models.moderation import ModerationAction
from community.moderation import FlaggableType, register_flaggable
from community.services.moderation import check_animator, log_action
from forums import cache as forum_cache
from forums.models import Category, Post, Topic, TopicFollow

# --- Posts as flaggable content -----------------------------------------------------------------


def _hide(post: Post, reason: str) -> None:
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(hidden_at=now, hidden_reason=reason[:200])
    post.hidden_at, post.hidden_reason = now, reason[:200]
    forum_cache.topic_changed(post.topic_id, post.community.slug)


def _restore(post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_reason="")
    post.hidden_at, post.hidden_reason = None, ""
    forum_cache.topic_changed(post.topic_id, post.community.slug)


def _edit(post: Post, text: str, by: Member | None, reason: str) -> None:
    from forums.services.posting import edit_post

    if by is None:
        raise ValidationError(_("Only an animator can edit a post."))
    edited = edit_post(post=post, by=by, body=text, reason=reason)
    post.body, post.body_html = edited.body, edited.body_html


def _excerpt(post: Post) -> str:
    text = " ".join(post.body.split())
    return f"{post.topic.title} #{post.number}: {text}"[:300]


def _context(post: Post) -> str:
    parts = [
        _("Topic: %(title)s") % {"title": post.topic.title},
        _("Category: %(name)s") % {"name": post.topic.category.name},
        _("Post #%(n)d of %(count)d") % {"n": post.number, "count": post.topic.last_number},
    ]
    if post.reply_to_id:
        previous = Post.objects.filter(pk=post.reply_to_id).values_list("number", "body").first()
        if previous:
            parts.append(
                _("In reply to #%(n)d: %(text)s")
                % {"n": previous[0], "text": " ".join(previous[1].split())[:200]}
            )
    return " · ".join(parts)


def _can_read(ctx: Any, post: Post) -> bool:
    from forums.permissions import can_see_category

    return (
        post.deleted_at is None
        and post.topic.deleted_at is None
        and can_see_category(ctx, post.topic.category)
    )


def register() -> None:
    register_flaggable(
        Post,
        FlaggableType(
            label=gettext_lazy("forum post"),
            hide=_hide,
            restore=_restore,
            is_hidden=lambda post: post.hidden_at is not None,
            author_id=lambda post: post.author_id,
            community=lambda post: post.community,
            excerpt=_excerpt,
            url=lambda post: post.get_absolute_url(),
            context=_context,
            text=lambda post: post.body,
            edit=_edit,
            can_read=_can_read,
            select_related=("topic__category", "community", "author"),
        ),
    )


# --- Topic actions ------------------------------------------------------------------------------


@transaction.atomic
def move_topic(*, topic: Topic, by: Member, category: Category, reason: str = "") -> Topic:
    """Move a topic (and its posts' counts) to another category of the same community."""
    topic = (
        Topic.objects.select_for_update().select_related("community", "category").get(pk=topic.pk)
    )
    check_animator(by, topic.community)
    if category.community_id != topic.community_id:
        raise ValidationError(_("Choose a category of the same community."))
    if category.pk == topic.category_id:
        return topic
    previous = topic.category
    Category.objects.filter(pk=previous.pk).update(
        topic_count=Greatest(F("topic_count") - 1, 0),
        post_count=Greatest(F("post_count") - topic.post_count, 0),
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count
    )
    Topic.objects.filter(pk=topic.pk).update(category=category)
    topic.category = category
    forum_cache.topic_changed(topic.pk)
    forum_cache.community_changed(topic.community.slug, structure=True)
    log_action(
        by=by,
        action=ModerationAction.MOVE,
        community=topic.community,
        target=topic,
        member_id=topic.author_id,
        reason=reason.strip(),
        before={"category_id": previous.pk, "category": previous.name},
        after={"category_id": category.pk, "category": category.name},
        label=topic.title,
    )
    return topic


@transaction.atomic
def merge_topics(*, source: Topic, into: Topic, by: Member, reason: str = "") -> Topic:
    """Move every post of ``source`` to the end of ``into`` (numbers follow on), the
    followers along, and delete ``source`` (its address then answers 404)."""
    if source.pk == into.pk:
        raise ValidationError(_("Choose another topic to merge into."))
    topics = {
        t.pk: t
        for t in Topic.objects.select_for_update()
        .select_related("community", "category")
        .filter(pk__in=[source.pk, into.pk])
        .order_by("pk")
    }
    source, into = topics[source.pk], topics[into.pk]
    check_animator(by, source.community)
    if source.community_id != into.community_id:
        raise ValidationError(_("Only topics of the same community can be merged."))
    if source.deleted_at or into.deleted_at:
        raise ValidationError(_("This topic was deleted."))
    offset = into.last_number
    moved = Post.objects.filter(topic=source).count()
    Post.objects.filter(topic=source).update(
        topic=into, number=F("number") + offset, search_title=""
    )
    live = Post.objects.filter(topic=into, deleted_at__isnull=True).count()
    now = timezone.now()
    Topic.objects.filter(pk=into.pk).update(
        last_number=offset + source.last_number,
        post_count=live,
        reply_count=Greatest(live - 1, 0),
        last_post_at=max(into.last_post_at, source.last_post_at),
    )
    Topic.objects.filter(pk=source.pk).update(deleted_at=now, accepted_post=None)
    forum_cache.topic_changed(source.pk)
    forum_cache.topic_changed(into.pk)
    forum_cache.community_changed(into.community.slug, structure=True)
    if source.category_id != into.category_id:
        Category.objects.filter(pk=source.category_id).update(
            topic_count=Greatest(F("topic_count") - 1, 0),
            post_count=Greatest(F("post_count") - source.post_count, 0),
        )
        Category.objects.filter(pk=into.category_id).update(
            post_count=F("post_count") + source.post_count
        )
    else:
        Category.objects.filter(pk=source.category_id).update(
            topic_count=Greatest(F("topic_count") - 1, 0)
        )
    table = TopicFollow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (member_id, topic_id, level, created_at)
            SELECT member_id, %s, level, created_at FROM {table} WHERE topic_id = %s
            ON CONFLICT DO NOTHING""",  # noqa: S608 - the table name comes from the model
            [into.pk, source.pk],
        )
    log_action(
        by=by,
        action=ModerationAction.MERGE,
        community=into.community,
        target=into,
        member_id=source.author_id,
        reason=reason.strip(),
        before={"topic_id": source.pk, "title": source.title, "posts": moved},
        after={"topic_id": into.pk, "title": into.title, "first_number": offset + 1},
        label=f"{source.title} → {into.title}",
    )
    into.refresh_from_db()
    return into
