from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Bookmark(models.Model):
    """Something a member keeps to find again (a topic, a resource, an event...)."""

    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="bookmarks"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "target_type", "target_id"], name="bookmark_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "target_type", "-created_at"], name="bookmark_member_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.target_type_id}:{self.target_id}"
