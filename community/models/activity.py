from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityEvent(models.Model):
    """One meaningful action, recorded once, in the transaction that made it.

    The single source that badge rules and engagement metrics read. Verbs are registered
    in `community.activity` (one catalogue, documented in docs/activity.md). Designed for
    tens of millions of rows: reads go through (community, occurred_at), (actor,
    occurred_at) and (verb, occurred_at) indexes, plus a BRIN index on time for
    whole-month scans.
    """

    actor = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("verb"), max_length=64)
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["community", "occurred_at"], name="activity_comm_time_idx"),
            models.Index(fields=["actor", "occurred_at"], name="activity_actor_time_idx"),
            models.Index(fields=["verb", "occurred_at"], name="activity_verb_time_idx"),
            models.Index(fields=["target_type", "target_id"], name="activity_target_idx"),
            BrinIndex(fields=["occurred_at"], name="activity_time_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        from community.activity import get_verb

        try:
            return str(get_verb(self.verb).label)
        except ValueError:
            return self.verb
