"""Newsletters: an issue per (community or the whole platform, period), what each member
chose to receive, and one delivery row per (issue, member) that makes sending safe to
repeat. The machinery is in `community.services.newsletters`; the sections apps
contribute are registered in `community.newsletters`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly")
    NEVER = "never", _("Never")


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Newsletter(models.Model):
    """One issue of the digest: for a community (its members) or, without a community,
    for the whole platform. The animators' introduction is Markdown, rendered once."""

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletters",
        verbose_name=_("community"),
        help_text=_("Empty: the platform's issue, for every member."),
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=8,
        choices=[
            (Frequency.MONTHLY, Frequency.MONTHLY.label),
            (Frequency.WEEKLY, Frequency.WEEKLY.label),
        ],
        default=Frequency.MONTHLY,
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"), help_text=_("The first day after the period."))
    introduction = models.TextField(
        _("introduction (Markdown)"),
        max_length=10000,
        blank=True,
        help_text=_("The animators' word, at the top of the issue."),
    )
    introduction_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    scheduled_for = models.DateTimeField(
        _("send at"), null=True, blank=True, help_text=_("Empty: not scheduled yet.")
    )
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    sent_count = models.PositiveIntegerField(_("emails sent"), default=0, editable=False)
    skipped_count = models.PositiveIntegerField(_("nothing to say"), default=0, editable=False)
    created_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-period_start", "community__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "frequency", "period_start"],
                nulls_distinct=False,
                name="newsletter_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="newsletter_period_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                condition=Q(status__in=["scheduled", "sending"]),
                name="newsletter_due_idx",
            ),
        ]

    def __str__(self) -> str:
        scope = self.community.name if self.community is not None else _("All communities")
        return f"{scope} · {self.period_start:%Y-%m-%d}"


class NewsletterPreference(models.Model):
    """How often a member wants the digest of one community (or of the platform issue,
    without a community). Without a row: monthly."""

    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="newsletter_preferences"
    )
    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter preference")
        verbose_name_plural = _("newsletter preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"],
                nulls_distinct=False,
                name="newsletter_pref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.community_id or '*'}={self.frequency}"


class DeliveryStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to send")
    FAILED = "failed", _("Failed")


class NewsletterDelivery(models.Model):
    """One member's copy of one issue. The unique (issue, member) pair is what makes a
    re-run harmless: a row is claimed before sending and marked sent in the transaction
    that is committed right after the SMTP server accepted the message."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices)
    # The Celery task id that holds the claim (a redelivered task keeps its id).
    claim = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "member"], name="newsletter_delivery_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["newsletter", "status"], name="newsletter_delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_id} → {self.member_id}: {self.status}"
