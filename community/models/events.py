"""Events of a community: workshops, webinars, co-development sessions... with RSVP,
a waiting list, attendance and feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    WEBINAR = "webinar", _("Webinar")
    CODEV = "codev", _("Co-development session")
    HACKATHON = "hackathon", _("Hackathon")
    THEMATIC = "thematic", _("Thematic session")
    MEETUP = "meetup", _("Meet-up")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EventSeries(models.Model):
    """A recurring event (e.g. every first Thursday): its occurrences are Events created
    from the rule, each with its own RSVPs."""

    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, related_name="event_series"
    )
    rule = models.CharField(_("recurrence rule (RFC 5545)"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64)
    created_at = models.DateTimeField(default=dj_timezone.now, editable=False)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return self.rule


class EventQuerySet(models.QuerySet["Event"]):
    def upcoming(self, now: object = None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or dj_timezone.now())

    def past(self, now: object = None) -> EventQuerySet:
        return self.filter(ends_at__lt=now or dj_timezone.now())


class Event(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("community"),
    )
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("series"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description (Markdown)"), max_length=20000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(
        _("time zone of the event"), max_length=64, default=settings.TIME_ZONE
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    members_only = models.BooleanField(
        _("for members only"),
        default=True,
        help_text=_("Only members of the community may register."),
    )
    organisers = models.ManyToManyField(
        "community.Member",
        related_name="organised_events",
        blank=True,
        verbose_name=_("organisers"),
        help_text=_("Empty: you organise it."),
    )
    speakers = models.ManyToManyField(
        "community.Member", related_name="spoken_events", blank=True, verbose_name=_("speakers")
    )
    tags = TaggableManager(_("tags and skills"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    checkin_code = models.CharField(_("check-in code"), max_length=8, editable=False)
    # Denormalised counters, kept right by the RSVP services.
    going_count = models.PositiveIntegerField(_("going"), default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(_("waiting list"), default=0, editable=False)
    attended_count = models.PositiveIntegerField(_("attended"), default=0, editable=False)
    feedback_count = models.PositiveIntegerField(default=0, editable=False)
    feedback_total = models.PositiveIntegerField(default=0, editable=False)
    # State of the reminders (the periodic task sends each once).
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_hour_at = models.DateTimeField(null=True, blank=True, editable=False)
    discussion_url = models.CharField(max_length=300, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE
    created_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["community", "starts_at", "id"], name="event_comm_start_idx"),
            models.Index(fields=["community", "ends_at", "id"], name="event_comm_end_idx"),
            models.Index(
                fields=["starts_at"],
                condition=Q(status="scheduled"),
                name="event_reminder_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "community:event-detail", kwargs={"slug": self.community.slug, "pk": self.pk}
        )

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.going_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    @property
    def rating(self) -> float | None:
        return self.feedback_total / self.feedback_count if self.feedback_count else None


class RegistrationStatus(models.TextChoices):
    GOING = "going", _("Going")
    WAITLIST = "waitlist", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class Registration(models.Model):
    """One member's RSVP to one event; the waiting list is ordered by ``registered_at``."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    attendance = models.CharField(
        max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="registration_unique"),
        ]
        indexes = [
            models.Index(
                fields=["event", "status", "registered_at", "id"], name="registration_queue_idx"
            ),
            models.Index(fields=["member", "status"], name="registration_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.event_id} ({self.status})"


class EventFeedback(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event feedback")
        verbose_name_plural = _("event feedback")
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="event_feedback_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="event_feedback_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.event_id}"
