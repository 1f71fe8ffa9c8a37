"""Moderation: members flag content, animators review it from the admin, and every
moderation action lands in an append-only log. What can be flagged is registered in
`community.moderation` (resources here, forum posts in forums/)."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate (against the charter)")
    OTHER = "other", _("Something else")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    AGREED_HIDDEN = "agreed_hidden", _("Agreed: hidden")
    AGREED_KEPT = "agreed_kept", _("Agreed: kept, edited")
    DISAGREED = "disagreed", _("Disagreed: restored")
    IGNORED = "ignored", _("Ignored")


class ModerationAction(models.TextChoices):
    AUTO_HIDE = "auto_hide", _("Hidden automatically (flags)")
    HIDE = "hide", _("Hidden")
    RESTORE = "restore", _("Restored")
    AGREE_KEEP = "agree_keep", _("Kept, edited")
    DISAGREE = "disagree", _("Flags disagreed with")
    IGNORE = "ignore", _("Flags ignored")
    EDIT = "edit", _("Edited")
    SILENCE = "silence", _("Member silenced")
    UNSILENCE = "unsilence", _("Silence lifted")
    SUSPEND = "suspend", _("Member suspended")
    UNSUSPEND = "unsuspend", _("Suspension lifted")
    LOCK = "lock", _("Topic locked")
    UNLOCK = "unlock", _("Topic unlocked")
    CLOSE = "close", _("Topic closed")
    REOPEN = "reopen", _("Topic reopened")
    PIN = "pin", _("Topic pinned")
    UNPIN = "unpin", _("Topic unpinned")
    MOVE = "move", _("Topic moved")
    MERGE = "merge", _("Topics merged")


class ReviewItem(models.Model):
    """What the flags on one piece of content add up to: one open item per target, its
    weight growing with each flag, until an animator resolves it."""

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    excerpt = models.CharField(_("flagged content"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    flag_count = models.PositiveIntegerField(_("flaggers"), default=0)
    weight = models.PositiveIntegerField(
        _("weight"), default=0, help_text=_("Flaggers, plus their standing in the community.")
    )
    auto_hidden = models.BooleanField(_("hidden automatically"), default=False)
    created_at = models.DateTimeField(_("first flagged"), default=timezone.now)
    updated_at = models.DateTimeField(_("last flagged"), default=timezone.now)
    resolved_by = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(status="open"),
                name="review_one_open_per_target",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "-weight", "created_at"],
                condition=Q(status="open"),
                name="review_open_queue_idx",
            ),
            models.Index(fields=["target_type", "target_id"], name="review_target_idx"),
        ]

    def __str__(self) -> str:
        return self.excerpt or f"{self.target_type_id}:{self.target_id}"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class Flag(models.Model):
    """One member's report on one piece of content (one per member and target)."""

    review_item = models.ForeignKey(
        ReviewItem, on_delete=models.CASCADE, related_name="flags", verbose_name=_("review item")
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    flagger = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="flags",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "target_type", "target_id"], name="flag_one_per_member"
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="flag_target_idx"),
        ]

    def __str__(self) -> str:
        return str(self.get_reason_display())


class AppendOnlyQuerySet(models.QuerySet["ModerationLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The moderation log is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("The moderation log is append-only.")


class ModerationLog(models.Model):
    """Every moderation action: who did what to what, why, and the state before and
    after. Append-only: rows are never changed nor deleted (the admin only lists them)."""

    moderator = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
        help_text=_("Empty when the platform acted on its own (automatic hiding)."),
    )
    action = models.CharField(_("action"), max_length=16, choices=ModerationAction.choices)
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    member = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="modlog_comm_time_idx"),
            models.Index(fields=["target_type", "target_id"], name="modlog_target_idx"),
            models.Index(fields=["member", "-created_at"], name="modlog_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The moderation log is append-only.")
