"""Events: create (once or recurring), change, cancel; RSVP with a waiting list;
reminders; attendance and feedback."""

from __future__ import annotations

import hmac
import secrets
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from community import life
from community.life_permissions import check_can_manage_event, check_can_rsvp
from community.markdown import render_markdown
from community.models import (
    ActivityEvent,
    Community,
    Event,
    EventFeedback,
    EventSeries,
    Member,
    Notification,
    Registration,
)
from community.models.events import Attendance, EventStatus, RegistrationStatus
from community.services.activity import record_activity
from community.services.notifications import notify

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_OCCURRENCES = 24
CHECKIN_EARLY = timedelta(minutes=30)
CHECKIN_LATE = timedelta(minutes=30)

# Recurrence presets offered in the forms: key -> RFC 5545 rule without COUNT.
RECURRENCES = {
    "weekly": "FREQ=WEEKLY",
    "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly_weekday": "FREQ=MONTHLY;BYDAY={nth}{day}",
    "monthly_day": "FREQ=MONTHLY;BYMONTHDAY={monthday}",
}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _member_context(member: Member, community: Community) -> Any:
    from community.selectors.communities import get_community_context

    return get_community_context(member.user, community)


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def when_text(event: Event) -> str:
    """The start in the event's own time zone, for notifications (read by members in any
    zone, so the zone is named)."""
    local = timezone.localtime(event.starts_at, zoneinfo.ZoneInfo(event.timezone))
    return f"{local:%d/%m/%Y %H:%M} ({event.timezone})"


def rule_for(preset: str, local_start: datetime, count: int) -> str:
    """The RFC 5545 rule for a preset ("monthly_weekday" on a first Thursday gives
    ``FREQ=MONTHLY;BYDAY=+1TH``; a fifth weekday becomes "the last")."""
    template = RECURRENCES[preset]
    nth = (local_start.day - 1) // 7 + 1
    rule = template.format(
        nth="-1" if nth == 5 else f"+{nth}",
        day=WEEKDAYS[local_start.weekday()],
        monthday=local_start.day,
    )
    return f"{rule};COUNT={count}"


def expand_occurrences(rule: str, local_start: datetime, tz: str) -> list[datetime]:
    """The aware start of every occurrence: the rule runs on the wall-clock time of the
    event's zone, so 19:00 stays 19:00 across a daylight-saving change (the UTC offset
    moves, not the local hour)."""
    zone = zoneinfo.ZoneInfo(tz)
    naive = local_start.replace(tzinfo=None)
    starts = []
    for occurrence in rrulestr(rule, dtstart=naive)[:MAX_OCCURRENCES]:
        starts.append(occurrence.replace(tzinfo=zone))
    return starts


def _validate_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("The end must come after the start.")}, code="ends_before_start"
        )
    if ends_at - starts_at > timedelta(days=7):
        raise ValidationError({"ends_at": _("An event lasts at most a week.")}, code="too_long")


def _set_tags(obj: Any, tags: Iterable[str]) -> list[str]:
    names = sorted({t.strip()[:100] for t in tags if t and t.strip()})[:10]
    obj.tags.set(names)
    return [t.slug for t in obj.tags.all()]


@transaction.atomic
def create_event(
    *,
    community: Community,
    by: Member,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    tz: str,
    description: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    members_only: bool = True,
    tags: Iterable[str] = (),
    organisers: Iterable[Member] = (),
    speakers: Iterable[Member] = (),
    recurrence: str = "",
    occurrences: int = 1,
) -> list[Event]:
    """Create an event, or a series of them when ``recurrence`` names a preset (see
    RECURRENCES). The creator organises it unless ``organisers`` says otherwise."""
    from community.life_permissions import can_create_event

    if not can_create_event(_member_context(by, community)):
        raise PermissionDenied(_("Only animators and ambassadors can plan events."))
    _validate_times(starts_at, ends_at)
    if not place and not online_url:
        raise ValidationError(
            {"place": _("Say where it happens: a place, an online link, or both.")},
            code="nowhere",
        )
    zone = zoneinfo.ZoneInfo(tz)
    local_start = timezone.localtime(starts_at, zone)
    duration = ends_at - starts_at
    series = None
    starts = [starts_at]
    if recurrence:
        if recurrence not in RECURRENCES:
            raise ValidationError({"recurrence": _("Choose a repetition from the list.")})
        rule = rule_for(recurrence, local_start, max(2, min(occurrences, MAX_OCCURRENCES)))
        series = EventSeries.objects.create(community=community, rule=rule, timezone=tz)
        starts = expand_occurrences(rule, local_start, tz)
    html = render_markdown(description).html
    organiser_list = list(organisers) or [by]
    events = []
    for start in starts:
        event = Event(
            community=community,
            series=series,
            kind=kind,
            title=title,
            description=description,
            description_html=html,
            starts_at=start,
            ends_at=start + duration,
            timezone=tz,
            place=place,
            online_url=online_url,
            capacity=capacity,
            members_only=members_only,
            checkin_code=new_checkin_code(),
            created_by=by,
        )
        event.full_clean()
        event.save()
        event.organisers.set(organiser_list)
        event.speakers.set(list(speakers))
        _set_tags(event, tags)
        events.append(event)
    record_activity(
        actor=by,
        verb=life.EVENT_CREATED.key,
        community=community,
        target=events[0],
        payload={"event_id": events[0].pk, "kind": kind},
    )
    return events


def _organiser_ids(event: Event) -> set[int]:
    return set(event.organisers.values_list("pk", flat=True))


def _participant_ids(event: Event, statuses: Iterable[str] = ("going", "waitlist")) -> list[int]:
    return list(
        Registration.objects.filter(event=event, status__in=list(statuses)).values_list(
            "member_id", flat=True
        )
    )


@transaction.atomic
def update_event(*, event: Event, by: Member, **fields: Any) -> Event:
    """Change an event; registered members are told when the date, time or place moves."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    check_can_manage_event(_member_context(by, event.community), _organiser_ids(event))
    tags = fields.pop("tags", None)
    organisers = fields.pop("organisers", None)
    speakers = fields.pop("speakers", None)
    before = (event.starts_at, event.ends_at, event.place, event.online_url)
    for name, value in fields.items():
        setattr(event, name, value)
    _validate_times(event.starts_at, event.ends_at)
    event.description_html = render_markdown(event.description).html
    event.full_clean()
    moved = before != (event.starts_at, event.ends_at, event.place, event.online_url)
    if moved:
        event.sequence += 1
        if event.starts_at != before[0]:
            event.reminded_day_at = event.reminded_hour_at = None
    event.save()
    if tags is not None:
        _set_tags(event, tags)
    if organisers:
        event.organisers.set(organisers)
    if speakers is not None:
        event.speakers.set(speakers)
    if moved:
        _queue_participants_notice(event, life.EVENT_CHANGED.key, f"changed:{event.sequence}")
    return event


@transaction.atomic
def cancel_event(*, event: Event, by: Member) -> Event:
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    check_can_manage_event(_member_context(by, event.community), _organiser_ids(event))
    if event.is_cancelled:
        return event
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence", "updated_at"])
    _queue_participants_notice(event, life.EVENT_CANCELLED.key, "cancelled")
    return event


def _queue_participants_notice(event: Event, kind: str, key: str, message: str = "") -> None:
    from community.tasks import notify_event_participants_task

    event_id = event.pk
    transaction.on_commit(
        lambda: notify_event_participants_task.delay(event_id, kind, key, message)
    )


def notify_event_participants(*, event_id: int, kind: str, key: str, message: str = "") -> int:
    """Tell the members registered (going or waiting) about ``kind``. Safe to run twice:
    whoever already has this notice (same group key) is not told again."""
    event = Event.objects.select_related("community").get(pk=event_id)
    group_key = f"event:{event.pk}:{key}"
    already = Notification.objects.filter(group_key=group_key).values("recipient_id")
    recipients = list(
        Registration.objects.filter(event=event, status__in=["going", "waitlist"])
        .exclude(member_id__in=already)
        .values_list("member_id", flat=True)
    )
    payload = {"title": event.title, "when": when_text(event), "url": event.get_absolute_url()}
    if message:
        payload["message"] = message[:1000]
    with transaction.atomic():
        return notify(
            recipients=recipients,
            kind=kind,
            community=event.community,
            target=event,
            payload=payload,
            group_key=group_key,
        )


@transaction.atomic
def message_participants(*, event: Event, by: Member, text: str) -> None:
    """The organisers write to everyone registered (sent by a Celery task)."""
    check_can_manage_event(_member_context(by, event.community), _organiser_ids(event))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your message first.")}, code="required")
    _queue_participants_notice(
        event, life.ORGANISER_MESSAGE.key, f"message:{secrets.token_hex(6)}", text
    )


def _refresh_counts(event: Event) -> None:
    counts = Registration.objects.filter(event=event).aggregate(
        going=Count("id", filter=Q(status=RegistrationStatus.GOING)),
        waiting=Count("id", filter=Q(status=RegistrationStatus.WAITLIST)),
        attended=Count("id", filter=Q(attendance=Attendance.ATTENDED)),
    )
    Event.objects.filter(pk=event.pk).update(
        going_count=counts["going"],
        waitlist_count=counts["waiting"],
        attended_count=counts["attended"],
    )
    event.going_count = counts["going"]
    event.waitlist_count = counts["waiting"]
    event.attended_count = counts["attended"]


def _record_rsvp(registration: Registration, event: Event) -> None:
    record_activity(
        actor=registration.member,
        verb=life.EVENT_RSVP.key,
        community=event.community,
        target=event,
        payload={"event_id": event.pk, "status": registration.status},
    )


@transaction.atomic
def rsvp(*, event: Event, member: Member) -> Registration:
    """Register ``member``: a seat if one is left, else the end of the waiting list.

    The event row is locked for the decision, so two members asking for the last seat at
    the same moment are served one after the other: exactly one gets it.
    """
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    check_can_rsvp(_member_context(member, event.community), event)
    if event.ends_at <= timezone.now():
        raise ValidationError(_("This event is over."), code="over")
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is not None and registration.status in ("going", "waitlist"):
        return registration
    status = RegistrationStatus.WAITLIST if event.is_full else RegistrationStatus.GOING
    if registration is None:
        registration = Registration(event=event, member=member)
    registration.status = status
    registration.registered_at = timezone.now()
    registration.save()
    _refresh_counts(event)
    _record_rsvp(registration, event)
    return registration


@transaction.atomic
def cancel_rsvp(*, event: Event, member: Member) -> Registration | None:
    """Give up a seat (or a place on the waiting list). A freed seat goes to the first
    member waiting, who is told at once."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    registration = (
        Registration.objects.filter(event=event, member=member)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        return None
    freed = registration.status == RegistrationStatus.GOING
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _refresh_counts(event)
    _record_rsvp(registration, event)
    if freed:
        _promote_waiting(event)
    return registration


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served."""
    if event.is_cancelled or event.ends_at <= timezone.now():
        return []
    free = None if event.capacity is None else event.capacity - event.going_count
    queue = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLIST).order_by(
        "registered_at", "id"
    )
    if free is not None:
        queue = queue[: max(free, 0)]
    promoted = list(queue.select_related("member"))
    for registration in promoted:
        registration.status = RegistrationStatus.GOING
        registration.save(update_fields=["status", "updated_at"])
        _record_rsvp(registration, event)
    if promoted:
        _refresh_counts(event)
        notify(
            recipients=[r.member_id for r in promoted],
            kind=life.PROMOTED.key,
            community=event.community,
            target=event,
            payload={
                "title": event.title,
                "when": when_text(event),
                "url": event.get_absolute_url(),
            },
        )
    return promoted


@transaction.atomic
def set_capacity(*, event: Event, by: Member, capacity: int | None) -> Event:
    """More seats promote members from the waiting list."""
    event = update_event(event=event, by=by, capacity=capacity)
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    _promote_waiting(event)
    return event


def _record_attendance(registration: Registration, event: Event, by: Member) -> None:
    # A corrected mark replaces the previous record, so metrics count each member once.
    ActivityEvent.objects.filter(
        verb__in=[life.EVENT_ATTENDED.key, life.EVENT_NO_SHOW.key],
        actor_id=registration.member_id,
        target_id=event.pk,
        payload__event_id=event.pk,
    ).delete()
    if registration.attendance == Attendance.ATTENDED:
        record_activity(
            actor=registration.member,
            verb=life.EVENT_ATTENDED.key,
            community=event.community,
            target=event,
            payload={"event_id": event.pk, "kind": event.kind, "marked_by_id": by.pk},
        )
    elif registration.attendance == Attendance.NO_SHOW:
        record_activity(
            actor=registration.member,
            verb=life.EVENT_NO_SHOW.key,
            community=event.community,
            target=event,
            payload={"event_id": event.pk},
        )


@transaction.atomic
def mark_attendance(*, event: Event, by: Member, marks: dict[int, str]) -> int:
    """Record who came (``marks``: member id -> "attended" / "no_show"), by an organiser
    or an animator, once the event has started. Returns how many marks changed."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    check_can_manage_event(_member_context(by, event.community), _organiser_ids(event))
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the event has started."))
    if any(value not in (Attendance.ATTENDED, Attendance.NO_SHOW) for value in marks.values()):
        raise ValidationError(_("Mark each person as present or absent."), code="invalid")
    changed = 0
    registrations = Registration.objects.filter(
        event=event, member_id__in=list(marks), status=RegistrationStatus.GOING
    ).select_related("member")
    for registration in registrations:
        value = marks[registration.member_id]
        if registration.attendance == value:
            continue
        registration.attendance = value
        registration.marked_by = by
        registration.save(update_fields=["attendance", "marked_by", "updated_at"])
        _record_attendance(registration, event, by)
        changed += 1
    _refresh_counts(event)
    if changed:
        from community.tasks import ask_event_feedback_task

        event_id = event.pk
        transaction.on_commit(lambda: ask_event_feedback_task.delay(event_id))
    return changed


def ask_event_feedback(*, event_id: int) -> int:
    """Ask the members marked present for a rating and a word (once each: safe to run
    again after more marks)."""
    event = Event.objects.select_related("community").get(pk=event_id)
    group_key = f"event:{event.pk}:feedback"
    told = Notification.objects.filter(group_key=group_key).values("recipient_id")
    answered = EventFeedback.objects.filter(event=event).values("member_id")
    recipients = list(
        Registration.objects.filter(event=event, attendance=Attendance.ATTENDED)
        .exclude(member_id__in=told)
        .exclude(member_id__in=answered)
        .values_list("member_id", flat=True)
    )
    with transaction.atomic():
        return notify(
            recipients=recipients,
            kind=life.FEEDBACK_ASKED.key,
            community=event.community,
            target=event,
            payload={
                "title": event.title,
                "when": when_text(event),
                "url": event.get_absolute_url() + "#feedback",
            },
            group_key=group_key,
        )


@transaction.atomic
def check_in(*, event: Event, member: Member, code: str) -> Registration:
    """Self check-in during the event with the code the organiser shows."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    check_can_rsvp(_member_context(member, event.community), event)
    now = timezone.now()
    if not (event.starts_at - CHECKIN_EARLY <= now <= event.ends_at + CHECKIN_LATE):
        raise ValidationError(
            {"code": _("Check-in opens 30 minutes before the start and closes after the end.")},
            code="closed",
        )
    typed = "".join(code.split()).upper()
    if not hmac.compare_digest(typed.encode(), event.checkin_code.encode()):
        raise ValidationError({"code": _("This code is not the right one.")}, code="wrong")
    registration, _created = Registration.objects.get_or_create(
        event=event, member=member, defaults={"status": RegistrationStatus.GOING}
    )
    if registration.attendance == Attendance.ATTENDED:
        return registration
    if registration.status != RegistrationStatus.GOING:
        registration.status = RegistrationStatus.GOING
        _record_rsvp(registration, event)
    registration.attendance = Attendance.ATTENDED
    registration.checked_in_at = now
    registration.marked_by = member
    registration.save()
    _record_attendance(registration, event, member)
    _refresh_counts(event)
    return registration


@transaction.atomic
def leave_feedback(
    *, event: Event, member: Member, rating: int, comment: str = ""
) -> EventFeedback:
    """A short rating (1-5) and comment, from members who attended."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    attended = Registration.objects.filter(
        event=event, member=member, attendance=Attendance.ATTENDED
    ).exists()
    if not attended:
        raise PermissionDenied(_("Only the people who attended can give feedback."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")}, code="range")
    feedback, _created = EventFeedback.objects.update_or_create(
        event=event, member=member, defaults={"rating": rating, "comment": comment.strip()}
    )
    totals = EventFeedback.objects.filter(event=event).aggregate(
        n=Count("id"), total=Coalesce(Sum("rating"), Value(0))
    )
    Event.objects.filter(pk=event.pk).update(
        feedback_count=totals["n"], feedback_total=totals["total"]
    )
    return feedback


def send_event_reminders(*, now: datetime | None = None) -> int:
    """The day-before and hour-before reminders (run every few minutes by beat). Each
    event is claimed under a row lock and its reminder marked sent in the same
    transaction, so a reminder never leaves twice."""
    now = now or timezone.now()
    sent = 0
    windows = [
        ("reminded_hour_at", timedelta(hours=1), "hour"),
        ("reminded_day_at", timedelta(hours=24), "day"),
    ]
    for field, lead, label in windows:
        due = Event.objects.filter(
            status=EventStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + lead,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)[:500]
        for event_id in list(due):
            with transaction.atomic():
                event = (
                    Event.objects.select_for_update(skip_locked=True)
                    .select_related("community")
                    .filter(pk=event_id, **{f"{field}__isnull": True})
                    .first()
                )
                if event is None:
                    continue
                updates = {field: now}
                if label == "hour":  # too late for the day-before one
                    updates["reminded_day_at"] = event.reminded_day_at or now
                Event.objects.filter(pk=event.pk).update(**updates)
                notify(
                    recipients=_participant_ids(event, ["going"]),
                    kind=life.REMINDER.key,
                    community=event.community,
                    target=event,
                    payload={
                        "title": event.title,
                        "when": when_text(event),
                        "url": event.get_absolute_url(),
                        "lead": label,
                    },
                    group_key=f"event:{event.pk}:reminder:{label}",
                )
                sent += 1
    return sent
