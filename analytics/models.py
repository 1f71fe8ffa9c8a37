"""Models of analytics/: one snapshot of figures per community and month."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonthlySnapshot(models.Model):
    """Every figure of one community for one month, computed by `services.compute_snapshot`.

    A national community's snapshot covers its chapters too (a member active in two
    chapters counts once). Key figures are typed columns (for sorting and comparing
    communities); every figure is in ``figures`` under its registry key. A snapshot of the
    current month is *provisional* (refreshed daily); the one computed after the month
    ended is *final*.
    """

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    provisional = models.BooleanField(_("provisional"), default=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    members_total = models.PositiveIntegerField(_("members"), default=0)
    members_active = models.PositiveIntegerField(_("active members"), default=0)
    members_new = models.PositiveIntegerField(_("new members"), default=0)
    contributions = models.PositiveIntegerField(_("contributions"), default=0)
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["community", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="snapshot_unique_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="snapshot_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m}"

    @property
    def final(self) -> bool:
        return not self.provisional
