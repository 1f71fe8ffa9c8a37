"""Forums: categories, topics (discussions and questions), posts, reactions, follows,
read state and edit history.

Designed for a million posts: posts are numbered within their topic (unique
``(topic, number)``, so a topic page is an index range scan whatever its depth); lists
read denormalised counters kept right by the services (``Topic.reply_count``,
``last_post_at``, ``last_poster``, ``Post.reaction_counts``) and never count rows;
search reads a stored, generated ``tsvector`` with a GIN index.

Moderation (flags, review queue, hiding, silences) is built generically in community/
and relies on ``Post.hidden_at``/``hidden_reason``/``author``/``topic``/``number`` and on
``Topic.locked_at``/``closed_at``/``pinned_at``/``category``/``community``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from community.models.communities import Role, hex_colour
from community.search import weighted_vector


class Category(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="forum_categories",
        verbose_name=_("community"),
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f5f8b", validators=[hex_colour])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Empty: everyone who may read the community. Otherwise only these roles (animators
    # and platform admins always see every category).
    allowed_roles = ArrayField(
        models.CharField(max_length=12, choices=Role.choices),
        verbose_name=_("restricted to the roles"),
        default=list,
        blank=True,
        help_text=_("Leave empty for every reader of the community."),
    )
    # Denormalised counters, kept right by the services.
    topic_count = models.PositiveIntegerField(_("topics"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["community", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "slug"], name="forum_category_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "forums:category", kwargs={"slug": self.community.slug, "category": self.slug}
        )

    @property
    def is_restricted(self) -> bool:
        return bool(self.allowed_roles)


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")


class Topic(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="forum_topics",
        verbose_name=_("community"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="topics", verbose_name=_("category")
    )
    author = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=TopicKind.choices, default=TopicKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=160)
    tags = TaggableManager(_("tags"), blank=True)
    # The tags as [[slug, name], ...] sorted by slug, kept by the services: lists show
    # them and activity payloads carry them without a query.
    tag_list = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Denormalised, kept by the services (lists never count rows).
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    reply_count = models.PositiveIntegerField(_("replies"), default=0, editable=False)
    last_number = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(_("last post"), default=timezone.now, editable=False)
    last_poster = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Questions: the accepted answer (None: not solved yet).
    accepted_post = models.ForeignKey(
        "forums.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True, editable=False)
    pinned_at = models.DateTimeField(_("pinned"), null=True, blank=True)
    locked_at = models.DateTimeField(
        _("locked"), null=True, blank=True, help_text=_("Locked: nobody can reply or edit.")
    )
    closed_at = models.DateTimeField(
        _("closed"), null=True, blank=True, help_text=_("Closed: no new replies.")
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # A discussion about something else (a resource, an event): `community.discussions`.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    subject_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["community", "-last_post_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="topic_latest_idx",
            ),
            models.Index(
                fields=["category", "-last_post_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="topic_category_latest_idx",
            ),
            models.Index(
                fields=["community", "-created_at", "-id"],
                condition=Q(deleted_at__isnull=True, kind="question", reply_count=0),
                name="topic_unanswered_idx",
            ),
            models.Index(
                fields=["community", "-solved_at", "-id"],
                condition=Q(deleted_at__isnull=True, solved_at__isnull=False),
                name="topic_solved_idx",
            ),
            models.Index(
                fields=["community", "-pinned_at"],
                condition=Q(deleted_at__isnull=True, pinned_at__isnull=False),
                name="topic_pinned_idx",
            ),
            models.Index(fields=["author", "-created_at"], name="topic_author_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(subject_type__isnull=False),
                name="topic_one_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:topic", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == TopicKind.QUESTION

    @property
    def is_solved(self) -> bool:
        return self.solved_at is not None

    @property
    def tag_slugs(self) -> list[str]:
        return [slug for slug, _name in self.tag_list]


class Post(models.Model):
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic")
    )
    # Denormalised from the topic (search and per-community reads without a join).
    community = models.ForeignKey("community.Community", on_delete=models.CASCADE, related_name="+")
    # 1 is the opening post; numbers are never reused (deleted posts keep theirs).
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in reply to"),
    )
    body = models.TextField(_("message (Markdown)"), max_length=20000)
    body_html = models.TextField(editable=False, blank=True)
    # For search: the topic's title on the opening post (weighted A), empty on replies.
    search_title = models.CharField(max_length=160, blank=True, editable=False)
    language = models.CharField(max_length=2, default="fr", editable=False)
    # {"👍": 3, "💡": 1}: kept by the reaction services, shown without counting.
    reaction_counts = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    edit_count = models.PositiveIntegerField(default=0, editable=False)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Set by the notification fan-out task when it claims the post (runs once).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=weighted_vector("language", [("search_title", "A"), ("body", "B")]),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="post_topic_number_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_idx"),
            models.Index(fields=["author", "-created_at"], name="post_author_idx"),
            models.Index(fields=["community", "-created_at"], name="post_community_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "forums:post",
            kwargs={"slug": self.community.slug, "pk": self.topic_id, "number": self.number},
        )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text of a post before an edit (the edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=160, blank=True)  # the topic's, when it changed
    edited_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        indexes = [models.Index(fields=["post", "-created_at"], name="post_revision_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ReactionEmoji(models.TextChoices):
    LIKE = "👍", _("Like")
    LOVE = "❤️", _("Love")
    CELEBRATE = "🎉", _("Celebrate")
    INSIGHT = "💡", _("Insightful")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8, choices=ReactionEmoji.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member", "emoji"], name="reaction_one_each_unique"
            ),
        ]
        indexes = [models.Index(fields=["member", "post"], name="reaction_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.emoji} {self.post_id}"


class FollowLevel(models.TextChoices):
    WATCHING = "watching", _("Watching: told about every new post")
    NORMAL = "normal", _("Normal: told when someone replies to me or mentions me")
    MUTED = "muted", _("Muted: never told")


class TopicFollow(models.Model):
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    level = models.CharField(max_length=10, choices=FollowLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "member"], name="topic_follow_unique"),
        ]
        indexes = [models.Index(fields=["member", "level"], name="topic_follow_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.level} topic {self.topic_id}"


class CategoryFollow(models.Model):
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="follows")
    level = models.CharField(max_length=10, choices=FollowLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "member"], name="category_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.level} category {self.category_id}"


class TagFollow(models.Model):
    """Following a tag within one community."""

    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("community.Community", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=FollowLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "tag", "member"], name="tag_follow_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.level} tag {self.tag_id}"


class TopicRead(models.Model):
    """How far a member has read a topic: the highest post number they have seen."""

    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="topic_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.topic_id} up to {self.last_read_number}"
