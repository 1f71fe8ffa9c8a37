"""The resource library: documents, links, videos, podcasts and write-ups that members
share, "useful" votes, and collections curated by animators."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from community.search import weighted_vector


class ResourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")
    VIDEO = "video", _("Video")
    PODCAST = "podcast", _("Podcast")
    ARTICLE = "article", _("Article")


class ResourceVisibility(models.TextChoices):
    COMMUNITY = "community", _("Like the community (public communities: everyone)")
    MEMBERS = "members", _("Members of the community only")


class Resource(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="resources",
        verbose_name=_("community"),
    )
    author = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        related_name="resources",
        verbose_name=_("shared by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("article (Markdown)"), max_length=50000, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="resources/", blank=True, max_length=200)
    file_name = models.CharField(max_length=160, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    file_type = models.CharField(max_length=8, blank=True, editable=False)
    visibility = models.CharField(
        _("who may see it"),
        max_length=12,
        choices=ResourceVisibility.choices,
        default=ResourceVisibility.COMMUNITY,
    )
    event = models.ForeignKey(
        "community.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("from the event"),
    )
    tags = TaggableManager(_("tags and skills"), blank=True)
    # The tags' names, kept by the services so that search finds them too.
    tag_text = models.CharField(max_length=500, blank=True, editable=False)
    language = models.CharField(max_length=2, default="fr", editable=False)
    useful_count = models.PositiveIntegerField(_("found useful"), default=0, editable=False)
    discussion_url = models.CharField(max_length=300, blank=True, editable=False)
    is_hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden by an animator: not listed.")
    )
    created_at = models.DateTimeField(_("shared"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=weighted_vector(
            "language", [("title", "A"), ("tag_text", "B"), ("summary", "B"), ("body", "C")]
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            GinIndex(fields=["search_vector"], name="resource_search_idx"),
            models.Index(
                fields=["community", "-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="resource_recent_idx",
            ),
            models.Index(
                fields=["community", "-useful_count", "-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="resource_useful_idx",
            ),
            models.Index(fields=["author", "-created_at"], name="resource_author_idx"),
            models.Index(fields=["event"], name="resource_event_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "community:resource-detail", kwargs={"slug": self.community.slug, "pk": self.pk}
        )


class ResourceVote(models.Model):
    """A member found a resource useful (one vote each)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "member"], name="resource_vote_unique"),
        ]
        indexes = [models.Index(fields=["member", "resource"], name="resource_vote_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} ♥ {self.resource_id}"


class Collection(models.Model):
    """A shelf of resources curated by animators ("Getting started", "Best of the month")."""

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="collections",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["community", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="collection_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "community:collection-detail",
            kwargs={"slug": self.community.slug, "collection": self.slug},
        )


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("resource in the collection")
        verbose_name_plural = _("resources in the collection")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "resource"], name="collection_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}: {self.resource_id}"
