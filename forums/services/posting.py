"""Topics and posts: open, reply, edit, delete, images, and discussions about other
things (the `community.discussions` provider)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.markdown import Rendered, render_markdown
from community.models import Community, Member
from community.models.communities import MembershipStatus
from community.permissions import CommunityContext
from community.services.activity import record_activity
from community.uploads import safe_name, validate_image
from forums import activity, permissions
from forums.models import (
    Category,
    FollowLevel,
    Post,
    PostRevision,
    Topic,
    TopicFollow,
    TopicKind,
)
from forums.services._common import check_contribution, clean_tags, context_for, deny

TITLE_MAX = 160
BODY_MAX = 20000


def mention_resolver(community: Community) -> Any:
    """Handles of active members of ``community`` → their profile URLs (one query)."""

    def resolve(handles: set[str]) -> dict[str, str]:
        rows = Member.objects.filter(
            handle__in=list(handles)[:50],
            memberships__community=community,
            memberships__status=MembershipStatus.ACTIVE,
        ).values_list("handle", flat=True)
        return {h: reverse("community:member-detail", kwargs={"handle": h}) for h in rows}

    return resolve


def render_body(body: str, community: Community) -> Rendered:
    return render_markdown(body, resolve_mentions=mention_resolver(community))


def clean_text(text: str) -> str:
    """Drop control characters (NUL and the like) but keep newlines and tabs."""
    return "".join(ch for ch in text or "" if ch in "\n\t" or ord(ch) >= 32)


def _check_text(title: str | None, body: str) -> None:
    errors: dict[str, str] = {}
    if title is not None:
        if not title.strip():
            errors["title"] = _("Give your topic a title.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    if not body.strip():
        errors["body"] = _("Write your message.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Keep the message under %(n)d characters.") % {"n": BODY_MAX}
    if errors:
        raise ValidationError(errors)


def attach_image(body: str, image: UploadedFile | None, *, alt: str = "") -> str:
    """Store an uploaded image (checked by content and size) under a random name and
    add it to the Markdown source."""
    if image is None:
        return body
    try:
        extension = validate_image(image, max_bytes=settings.FORUMS_IMAGE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    name = default_storage.save(f"forums/{safe_name(extension)}", image)
    label = alt or _("image")
    return f"{body.rstrip()}\n\n![{label}]({settings.MEDIA_URL}{name})\n"


def _set_tags(topic: Topic, tags: Iterable[str]) -> None:
    names = clean_tags(tags)
    topic.tags.set(names)
    pairs = sorted({(slugify(t.slug), t.name) for t in topic.tags.all()})
    topic.tag_list = [list(p) for p in pairs]
    Topic.objects.filter(pk=topic.pk).update(tag_list=topic.tag_list)


def _follow(member: Member, topic: Topic) -> None:
    """Automatic follow (watching) of a topic one opens or replies to; a choice the
    member made before (normal, muted) is kept."""
    TopicFollow.objects.get_or_create(
        member=member, topic=topic, defaults={"level": FollowLevel.WATCHING}
    )


def mark_read(*, member: Member, topic: Topic, number: int) -> None:
    """Remember the highest post number the member has seen (one statement)."""
    from forums.models import TopicRead

    table = TopicRead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (member_id, topic_id, last_read_number, updated_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (member_id, topic_id) DO UPDATE
            SET last_read_number = GREATEST({table}.last_read_number, EXCLUDED.last_read_number),
                updated_at = EXCLUDED.updated_at
            WHERE {table}.last_read_number < EXCLUDED.last_read_number""",  # noqa: S608
            [member.pk, topic.pk, number, timezone.now()],
        )


def _queue_fan_out(post: Post) -> None:
    from forums.tasks import fan_out_post_task

    post_id = post.pk
    transaction.on_commit(lambda: fan_out_post_task.delay(post_id))


@transaction.atomic
def create_topic(
    *,
    community: Community,
    category: Category,
    by: Member,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    image: UploadedFile | None = None,
    ctx: CommunityContext | None = None,
) -> Topic:
    """Open a discussion or a question: the topic, its opening post (number 1), the
    author following it, and the activity record; notifications leave after commit."""
    ctx = ctx or context_for(by, community)
    check_contribution(ctx)
    if category.community_id != community.pk or not permissions.can_post_in(ctx, category):
        raise deny(_("You cannot post in this category."))
    if kind not in TopicKind.values:
        raise ValidationError({"kind": _("Choose a discussion or a question.")})
    title, body = clean_text(title), clean_text(body)
    _check_text(title, body)
    body = attach_image(body, image)
    now = timezone.now()
    title = " ".join(title.split())
    topic = Topic.objects.create(
        community=community,
        category=category,
        author=by,
        kind=kind,
        title=title,
        created_at=now,
        post_count=1,
        last_number=1,
        last_post_at=now,
        last_poster=by,
    )
    _set_tags(topic, tags)
    post = Post.objects.create(
        topic=topic,
        community=community,
        number=1,
        author=by,
        body=body,
        body_html=render_body(body, community).html,
        search_title=title,
        language=community.language,
        created_at=now,
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_post_at=now
    )
    _follow(by, topic)
    mark_read(member=by, topic=topic, number=1)
    record_activity(
        actor=by,
        verb=activity.TOPIC_CREATED.key,
        community=community,
        target=topic,
        payload={
            "topic_id": topic.pk,
            "post_id": post.pk,
            "category_id": category.pk,
            "kind": kind,
            "tags": topic.tag_slugs,
        },
        occurred_at=now,
    )
    _queue_fan_out(post)
    return topic


@transaction.atomic
def reply(
    *,
    topic: Topic,
    by: Member,
    body: str,
    reply_to: Post | None = None,
    image: UploadedFile | None = None,
    ctx: CommunityContext | None = None,
) -> Post:
    """Add a post to a topic. Writes a fixed number of rows whatever the number of
    followers: the post, the topic and category counters, the author's follow and read
    state, the activity record. Notifications fan out in a Celery task after commit."""
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("category", "community")
        .get(pk=topic.pk)
    )
    ctx = ctx or context_for(by, topic.community)
    check_contribution(ctx)
    if not permissions.can_reply(ctx, topic):
        if topic.locked_at:
            raise deny(_("This topic is locked: it takes no more replies."))
        if topic.closed_at:
            raise deny(_("This topic is closed: it takes no more replies."))
        raise deny(_("You cannot reply here."))
    if reply_to is not None and (reply_to.topic_id != topic.pk or reply_to.deleted_at):
        raise ValidationError(_("You can only reply to a post of this topic."))
    body = clean_text(body)
    _check_text(None, body)
    body = attach_image(body, image)
    now = timezone.now()
    number = topic.last_number + 1
    post = Post.objects.create(
        topic=topic,
        community=topic.community,
        number=number,
        author=by,
        reply_to=reply_to,
        body=body,
        body_html=render_body(body, topic.community).html,
        language=topic.community.language,
        created_at=now,
    )
    Topic.objects.filter(pk=topic.pk).update(
        last_number=number,
        post_count=F("post_count") + 1,
        reply_count=F("reply_count") + 1,
        last_post_at=now,
        last_poster=by,
    )
    Category.objects.filter(pk=topic.category_id).update(
        post_count=F("post_count") + 1, last_post_at=Greatest(F("last_post_at"), now)
    )
    _follow(by, topic)
    mark_read(member=by, topic=topic, number=number)
    record_activity(
        actor=by,
        verb=activity.POST_CREATED.key,
        community=topic.community,
        target=post,
        payload={
            "post_id": post.pk,
            "topic_id": topic.pk,
            "topic_kind": topic.kind,
            "topic_author_id": topic.author_id,
            "reply_to_member_id": reply_to.author_id if reply_to is not None else None,
            "tags": topic.tag_slugs,
        },
        occurred_at=now,
    )
    _queue_fan_out(post)
    return post


@transaction.atomic
def edit_post(
    *,
    post: Post,
    by: Member,
    body: str,
    title: str | None = None,
    tags: Iterable[str] | None = None,
    reason: str = "",
    ctx: CommunityContext | None = None,
) -> Post:
    """Change a post (and, on the opening post, the topic's title and tags), keeping the
    previous text in the edit history."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic__community", "topic__category")
        .get(pk=post.pk)
    )
    topic = post.topic
    ctx = ctx or context_for(by, topic.community)
    if permissions.is_author(ctx, post):
        check_contribution(ctx)
    if not permissions.can_edit(ctx, topic, post):
        raise deny(_("You cannot edit this post."))
    editing_title = post.number == 1 and title is not None
    body = clean_text(body)
    title = clean_text(title) if title is not None else None
    _check_text(title if editing_title else None, body)
    new_title = " ".join(title.split()) if editing_title and title else topic.title
    if body == post.body and new_title == topic.title and tags is None:
        return post
    PostRevision.objects.create(
        post=post,
        body=post.body,
        title=topic.title if new_title != topic.title else "",
        edited_by=by,
        reason=reason[:200],
    )
    now = timezone.now()
    post.body = body
    post.body_html = render_body(body, topic.community).html
    post.edited_at = now
    post.edit_count += 1
    fields = ["body", "body_html", "edited_at", "edit_count"]
    if post.number == 1 and new_title != topic.title:
        post.search_title = new_title
        fields.append("search_title")
        Topic.objects.filter(pk=topic.pk).update(title=new_title)
        topic.title = new_title
    post.save(update_fields=fields)
    if post.number == 1 and tags is not None:
        _set_tags(topic, tags)
    record_activity(
        actor=by,
        verb=activity.POST_EDITED.key,
        community=topic.community,
        target=post,
        payload={"post_id": post.pk, "topic_id": topic.pk},
        occurred_at=now,
    )
    return post


@transaction.atomic
def delete_post(*, post: Post, by: Member, ctx: CommunityContext | None = None) -> Post:
    """Delete a post (kept as a placeholder, its number stays); deleting the opening post
    deletes the topic."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic__community", "topic__category")
        .get(pk=post.pk)
    )
    topic = post.topic
    ctx = ctx or context_for(by, topic.community)
    if not permissions.can_delete(ctx, topic, post):
        raise deny(_("You cannot delete this post."))
    now = timezone.now()
    post.deleted_at = now
    post.save(update_fields=["deleted_at"])
    if post.number == 1:
        Topic.objects.filter(pk=topic.pk).update(deleted_at=now)
        Category.objects.filter(pk=topic.category_id).update(
            topic_count=Greatest(F("topic_count") - 1, 0),
            post_count=Greatest(F("post_count") - topic.post_count, 0),
        )
        return post
    changes: dict[str, Any] = {
        "post_count": Greatest(F("post_count") - 1, 1),
        "reply_count": Greatest(F("reply_count") - 1, 0),
    }
    if topic.accepted_post_id == post.pk:
        changes.update(accepted_post=None, solved_at=None)
    Topic.objects.filter(pk=topic.pk).update(**changes)
    Category.objects.filter(pk=topic.category_id).update(
        post_count=Greatest(F("post_count") - 1, 0)
    )
    return post


def open_discussion(
    *, target: models.Model, community: Community, title: str, url: str, by: Member
) -> str:
    """The `community.discussions` provider: the topic about ``target`` (a resource, an
    event), opened the first time in the community's first category."""
    subject_type = ContentType.objects.get_for_model(target)
    existing = Topic.objects.filter(subject_type=subject_type, subject_id=target.pk).first()
    if existing is not None:
        return existing.get_absolute_url()
    category = Category.objects.filter(community=community, allowed_roles=[]).first()
    if category is None:
        category = Category.objects.create(
            community=community, name=_("General"), slug="general", position=0
        )
    body = _("Let's talk about [%(title)s](%(url)s).") % {
        "title": title.replace("]", ")"),
        "url": url,
    }
    with transaction.atomic():
        topic = create_topic(
            community=community,
            category=category,
            by=by,
            kind=TopicKind.DISCUSSION,
            title=title[:TITLE_MAX],
            body=body,
        )
        Topic.objects.filter(pk=topic.pk).update(
            subject_type=subject_type, subject_id=target.pk, subject_url=url
        )
    return topic.get_absolute_url()
