from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a member should know about. Kinds are registered by apps
    (`community.notifications.register_kind`); the payload carries what the row needs to
    be displayed (title, url) so that lists never join back to the target.

    Grouped kinds (e.g. reactions to one post) keep one unread row per group key and
    count up instead of adding rows.
    """

    recipient = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    actor = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    group_key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Decided when the notification is made, from the member's preferences.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notif_recipient_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_unread_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(email_wanted=True, emailed_at__isnull=True),
                name="notif_email_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notif_one_unread_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    """A member's choice for one kind; without a row the kind's default applies."""

    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="notif_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.kind}={'email' if self.email else 'in-app'}"
