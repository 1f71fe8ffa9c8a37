"""Reads of events: lists (upcoming, past, a month), one event's page, calendar feeds."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.life_permissions import (
    can_create_event,
    can_manage_event,
    can_rsvp,
    online_link_visible,
)
from community.models import Event, EventFeedback, Member, Registration, Resource
from community.models.events import Attendance, RegistrationStatus
from community.pagination import KeysetPage, paginate_keyset
from community.permissions import CommunityContext, can_read_community
from community.selectors.communities import Need, access_community

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User


def _with_people(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("community").prefetch_related(
        Prefetch("organisers", queryset=Member.objects.order_by("display_name")),
        "tags",
    )  # type: ignore[misc]


def access_event(
    user: User | AnonymousUser, slug: str, pk: int, *, need: Need = "read"
) -> tuple[CommunityContext, Event]:
    ctx = access_community(user, slug, need=need)
    event = (
        _with_people(Event.objects.filter(pk=pk, community=ctx.community))
        .prefetch_related(Prefetch("speakers", queryset=Member.objects.order_by("display_name")))
        .first()
    )
    if event is None:
        raise Http404(_("No such event."))
    event.community = ctx.community
    return ctx, event


def registration_map(member: Member | None, event_ids: list[int]) -> dict[int, Registration]:
    """The member's registrations to these events (one query, for list pages)."""
    if member is None or not event_ids:
        return {}
    return {
        r.event_id: r
        for r in Registration.objects.filter(member=member, event_id__in=event_ids).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }


def list_upcoming_events(
    community: Any, *, cursor: str | None = None, size: int = 20, now: datetime | None = None
) -> KeysetPage[Event]:
    qs = _with_people(Event.objects.filter(community=community).upcoming(now))
    return paginate_keyset(qs, order=["starts_at", "id"], cursor=cursor, size=size)


def list_past_events(
    community: Any, *, cursor: str | None = None, size: int = 20, now: datetime | None = None
) -> KeysetPage[Event]:
    resources = (
        Resource.objects.filter(is_hidden=False)
        .select_related("community")
        .order_by("created_at", "id")
    )
    qs = _with_people(Event.objects.filter(community=community).past(now)).prefetch_related(
        Prefetch("resources", queryset=resources)
    )
    return paginate_keyset(qs, order=["-starts_at", "-id"], cursor=cursor, size=size)


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    events: list[Event]


def calendar_month(community: Any, year: int, month: int) -> list[list[Day]]:
    """The weeks of a month (Monday first) with each day's events, in the viewer's time
    zone; one query."""
    zone = timezone.get_current_timezone()
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone)
    by_day: dict[date, list[Event]] = {}
    for event in (
        Event.objects.filter(community=community, starts_at__gte=start, starts_at__lt=end)
        .select_related("community")
        .order_by("starts_at", "id")[:500]
    ):
        by_day.setdefault(timezone.localtime(event.starts_at, zone).date(), []).append(event)
    today = timezone.localdate()
    return [
        [Day(d, d.month == month, d == today, by_day.get(d, [])) for d in week] for week in weeks
    ]


def list_event_participants(event: Event, *, limit: int = 48) -> dict[str, Any]:
    """Who is going and who waits (first ones, with their members), for the event page."""
    base = Registration.objects.filter(event=event).select_related("member")
    going = list(
        base.filter(status=RegistrationStatus.GOING).order_by("registered_at", "id")[:limit]
    )
    waiting = list(
        base.filter(status=RegistrationStatus.WAITLIST).order_by("registered_at", "id")[:limit]
    )
    return {"going": going, "waiting": waiting}


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLIST:
        return None
    ahead = Registration.objects.filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, id__lt=registration.pk),
        event_id=registration.event_id,
        status=RegistrationStatus.WAITLIST,
    ).count()
    return ahead + 1


def get_event_page(ctx: CommunityContext, event: Event) -> dict[str, Any]:
    """Everything the event page shows, for this viewer (a bounded number of queries)."""
    organiser_ids = {m.pk for m in event.organisers.all()}
    member = ctx.member
    registration = registration_map(member, [event.pk]).get(event.pk)
    manage = can_manage_event(ctx, organiser_ids)
    now = timezone.now()
    feedback = None
    if member is not None and registration and registration.attendance == Attendance.ATTENDED:
        feedback = EventFeedback.objects.filter(event=event, member=member).first()
    participants = list_event_participants(event)
    return {
        "event": event,
        "registration": registration,
        "waitlist_position": waitlist_position(registration) if registration else None,
        "can_manage": manage,
        "can_rsvp": can_rsvp(ctx, event) and event.ends_at > now,
        "show_online_link": online_link_visible(ctx, event, registration, organiser_ids, now),
        "link_opens_at": event.starts_at - timedelta(minutes=settings.EVENT_ONLINE_LINK_MINUTES),
        "is_past": event.ends_at < now,
        "has_started": event.starts_at <= now,
        "checkin_open": event.starts_at - timedelta(minutes=30)
        <= now
        <= event.ends_at + timedelta(minutes=30),
        "attended": bool(registration and registration.attendance == Attendance.ATTENDED),
        "feedback": feedback,
        "resources": list(
            Resource.objects.filter(event=event, is_hidden=False)
            .select_related("author", "community")
            .order_by("created_at", "id")
        ),
        "going": participants["going"],
        "waiting": participants["waiting"] if manage else [],
        "speakers": list(event.speakers.all()),
        "organisers": list(event.organisers.all()),
    }


def list_attendance(event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status=RegistrationStatus.GOING)
        .select_related("member")
        .order_by("member__display_name", "id")[:1000]
    )


def list_feed_events(community: Any, *, now: datetime | None = None) -> list[Event]:
    """What a calendar subscription shows: the last 60 days and everything to come."""
    since = (now or timezone.now()) - timedelta(days=60)
    return list(
        Event.objects.filter(community=community, ends_at__gte=since).order_by("starts_at", "id")[
            :1000
        ]
    )


def overview_panel(ctx: CommunityContext) -> dict[str, Any] | None:
    if not can_read_community(ctx):
        return None
    events = list(
        Event.objects.filter(community=ctx.community, status="scheduled")
        .select_related("community")
        .upcoming()
        .order_by("starts_at", "id")[:3]
    )
    if not events and not can_create_event(ctx):
        return None
    return {"events": events, "community": ctx.community}


def export_member_life(member: Member) -> dict[str, Any]:
    """The member's part of community life for their GDPR download (anonymous survey
    answers cannot be found: nothing links them to the member)."""
    from community.models import SurveyResponse

    return {
        "event_registrations": [
            {
                "event": r["event__title"],
                "starts_at": r["event__starts_at"],
                "status": r["status"],
                "attendance": r["attendance"],
            }
            for r in Registration.objects.filter(member=member)
            .values("event__title", "event__starts_at", "status", "attendance")
            .order_by("event__starts_at")
        ],
        "event_feedback": list(
            EventFeedback.objects.filter(member=member).values("event__title", "rating", "comment")
        ),
        "resources_shared": list(
            Resource.objects.filter(author=member).values(
                "title", "kind", "summary", "url", "body", "file_name", "created_at"
            )
        ),
        "named_survey_answers": [
            {
                "survey": response.survey.title_fr or response.survey.title_en,
                "day": response.submitted_on,
                "answers": [
                    {
                        "question": a.question.text_fr,
                        "number": a.number,
                        "choices": a.choices,
                        "text": a.text,
                    }
                    for a in response.answers.all()
                ],
            }
            for response in SurveyResponse.objects.filter(member=member)
            .select_related("survey")
            .prefetch_related("answers__question")
        ],
    }
