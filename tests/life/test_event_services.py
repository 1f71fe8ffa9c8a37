"""Events: capacity, waiting list, promotion, recurrence across DST, iCalendar, the online
link, attendance, check-in, reminders, and what each writes to the activity log."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from community import ical
from community.life_permissions import online_link_visible
from community.models import ActivityEvent, Community, Event, Member, Notification, Registration
from community.selectors.communities import get_community_context
from community.services import events as services
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def verbs(**filters: object) -> list[tuple[str, int | None, dict[str, object]]]:
    return list(
        ActivityEvent.objects.filter(**filters)
        .order_by("id")
        .values_list("verb", "actor_id", "payload")
    )


def test_create_event_records_it_once_and_cooks_the_markdown(
    place: Community, animator: Member
) -> None:
    start = timezone.now() + timedelta(days=2)
    [event] = services.create_event(
        community=place,
        by=animator,
        title="Atelier feedback",
        kind="workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        tz="Europe/Paris",
        description="**Apportez** vos cas <script>alert(1)</script>",
        place="Salle 3",
        capacity=12,
        tags=["feedback", "Facilitation"],
    )
    assert (
        event.description_html
        == "<p><strong>Apportez</strong> vos cas &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )
    assert list(event.organisers.all()) == [animator]
    assert sorted(t.name for t in event.tags.all()) == ["Facilitation", "feedback"]
    assert len(event.checkin_code) == 6
    assert verbs(verb="events.created") == [
        ("events.created", animator.pk, {"event_id": event.pk, "kind": "workshop"})
    ]


def test_plain_members_cannot_plan_events(place: Community, alice: Member) -> None:
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(PermissionDenied):
        services.create_event(
            community=place,
            by=alice,
            title="Mon atelier",
            kind="workshop",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            tz="Europe/Paris",
            place="Ici",
        )
    assert Event.objects.count() == 0


def test_rsvp_fills_seats_then_the_waiting_list(place: Community) -> None:
    event = EventFactory(community=place, capacity=2)
    people = [MembershipFactory(community=place).member for _ in range(4)]
    statuses = [services.rsvp(event=event, member=m).status for m in people]
    event.refresh_from_db()
    assert statuses == ["going", "going", "waitlist", "waitlist"]
    assert (event.going_count, event.waitlist_count) == (2, 2)
    # asking twice changes nothing
    assert services.rsvp(event=event, member=people[0]).status == "going"
    assert Registration.objects.count() == 4
    assert [p["status"] for _v, _a, p in verbs(verb="events.rsvp")] == [
        "going",
        "going",
        "waitlist",
        "waitlist",
    ]


def test_cancelling_promotes_the_first_waiting_and_tells_them(place: Community) -> None:
    event = EventFactory(community=place, capacity=1, title="Déjeuner pédagogique")
    first, second, third = (MembershipFactory(community=place).member for _ in range(3))
    services.rsvp(event=event, member=first)
    services.rsvp(event=event, member=second)
    services.rsvp(event=event, member=third)

    services.cancel_rsvp(event=event, member=first)

    event.refresh_from_db()
    status = dict(Registration.objects.values_list("member_id", "status"))
    assert status == {first.pk: "cancelled", second.pk: "going", third.pk: "waitlist"}
    assert (event.going_count, event.waitlist_count) == (1, 1)
    [notice] = Notification.objects.filter(kind="events.promoted")
    assert notice.recipient_id == second.pk
    assert notice.payload["title"] == "Déjeuner pédagogique"
    assert notice.payload["url"] == event.get_absolute_url()
    assert [(a, p["status"]) for _v, a, p in verbs(verb="events.rsvp")][-2:] == [
        (first.pk, "cancelled"),
        (second.pk, "going"),
    ]


def test_leaving_the_waiting_list_promotes_nobody(place: Community) -> None:
    event = EventFactory(community=place, capacity=1)
    a, b, c = (MembershipFactory(community=place).member for _ in range(3))
    for m in (a, b, c):
        services.rsvp(event=event, member=m)
    services.cancel_rsvp(event=event, member=c)
    assert dict(Registration.objects.values_list("member_id", "status")) == {
        a.pk: "going",
        b.pk: "waitlist",
        c.pk: "cancelled",
    }
    assert Notification.objects.filter(kind="events.promoted").count() == 0


def test_more_seats_promote_from_the_waiting_list(place: Community, animator: Member) -> None:
    event = EventFactory(community=place, capacity=1, organisers=[animator])
    a, b, c = (MembershipFactory(community=place).member for _ in range(3))
    for m in (a, b, c):
        services.rsvp(event=event, member=m)
    services.set_capacity(event=event, by=animator, capacity=3)
    assert sorted(
        Registration.objects.filter(status="going").values_list("member_id", flat=True)
    ) == sorted([a.pk, b.pk, c.pk])


def test_non_members_cannot_rsvp_to_a_members_only_event(place: Community) -> None:
    event = EventFactory(community=place, members_only=True)
    outsider = MemberFactory()
    with pytest.raises(PermissionDenied):
        services.rsvp(event=event, member=outsider)
    assert Registration.objects.count() == 0
    assert ActivityEvent.objects.count() == 0


def test_open_events_take_any_logged_in_member(place: Community) -> None:
    event = EventFactory(community=place, members_only=False)
    assert services.rsvp(event=event, member=MemberFactory()).status == "going"


def test_no_rsvp_to_a_cancelled_or_finished_event(place: Community, alice: Member) -> None:
    done = EventFactory(
        community=place,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        services.rsvp(event=done, member=alice)
    cancelled = EventFactory(community=place, status="cancelled")
    with pytest.raises(PermissionDenied):
        services.rsvp(event=cancelled, member=alice)
    assert Registration.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_members_asking_for_the_last_seat_at_once_exactly_one_wins() -> None:
    # given an event with one seat left and two members, each on their own connection
    community = CommunityFactory()
    event = EventFactory(community=community, capacity=2)
    services.rsvp(event=event, member=MembershipFactory(community=community).member)
    rivals = [MembershipFactory(community=community).member for _ in range(2)]
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def attempt(member: Member) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results[member.pk] = services.rsvp(event=event, member=member).status
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    # when both ask at the same moment
    threads = [threading.Thread(target=attempt, args=(m,)) for m in rivals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then exactly one gets the seat and the other waits
    assert errors == []
    assert sorted(results.values()) == ["going", "waitlist"]
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (2, 1)
    assert Registration.objects.filter(event=event, status="going").count() == 2
    assert connection.vendor == "postgresql"


def test_monthly_series_keeps_the_local_hour_across_daylight_saving() -> None:
    # every first Thursday at 19:00 in Paris, from February to May 2027 (DST on 28 March)
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2027, 2, 4, 19, 0, tzinfo=paris)
    rule = services.rule_for("monthly_weekday", start, 4)
    assert rule == "FREQ=MONTHLY;BYDAY=+1TH;COUNT=4"
    starts = services.expand_occurrences(rule, start, "Europe/Paris")
    assert [s.astimezone(paris).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2027-02-04 19:00",
        "2027-03-04 19:00",
        "2027-04-01 19:00",
        "2027-05-06 19:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [18, 18, 17, 17]


def test_weekly_series_creates_every_session_across_the_autumn_change(
    place: Community, animator: Member
) -> None:
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2027, 10, 21, 12, 30, tzinfo=paris)  # DST ends on 31 October 2027
    events = services.create_event(
        community=place,
        by=animator,
        title="Déjeuner pédagogique",
        kind="meetup",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        tz="Europe/Paris",
        place="Cafétéria",
        recurrence="weekly",
        occurrences=3,
    )
    assert [e.starts_at.astimezone(paris).strftime("%d/%m %H:%M") for e in events] == [
        "21/10 12:30",
        "28/10 12:30",
        "04/11 12:30",
    ]
    assert [e.starts_at.astimezone(UTC).hour for e in events] == [10, 10, 11]
    assert [e.ends_at - e.starts_at for e in events] == [timedelta(hours=1)] * 3
    assert len({e.series_id for e in events}) == 1
    assert ActivityEvent.objects.filter(verb="events.created").count() == 1


def test_event_ics_parses_back_with_the_same_facts(place: Community) -> None:
    start = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    event = EventFactory(
        community=place,
        title="Co-dév : le feedback difficile",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Lyon, salle Rhône",
        online_url="https://meet.example.org/secret-room",
        description_html="<p>Venez</p>",
    )
    parsed = Calendar.from_ical(ical.event_ics(event, site_url="https://learners.example.org"))
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["summary"]) == "Co-dév : le feedback difficile"
    assert vevent.decoded("dtstart") == start
    assert vevent.decoded("dtend") == start + timedelta(hours=2)
    assert str(vevent["location"]) == "Lyon, salle Rhône"
    assert str(vevent["uid"]) == f"event-{event.pk}@testserver"
    assert str(vevent["url"]) == f"https://learners.example.org{event.get_absolute_url()}"
    assert str(vevent["status"]) == "CONFIRMED"
    assert "secret-room" not in parsed.to_ical().decode()


def test_community_feed_lists_recent_and_coming_events(place: Community) -> None:
    EventFactory(
        community=place,
        title="Ancien",
        starts_at=timezone.now() - timedelta(days=90),
        ends_at=timezone.now() - timedelta(days=90) + timedelta(hours=1),
    )
    EventFactory(community=place, title="Bientôt")
    EventFactory(community=place, title="Annulé", status="cancelled")
    from community.selectors.events import list_feed_events

    parsed = Calendar.from_ical(ical.community_feed(place, list_feed_events(place)))
    found = {str(e["summary"]): str(e["status"]) for e in parsed.walk("VEVENT")}
    assert found == {"Bientôt": "CONFIRMED", "Annulé": "CANCELLED"}
    assert str(parsed["x-wr-calname"]) == "Formateurs de Lyon"


def test_online_link_shows_only_to_registered_members_shortly_before(
    place: Community, alice: Member, bob: Member, animator: Member
) -> None:
    start = timezone.now() + timedelta(hours=2)
    event = EventFactory(
        community=place,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        online_url="https://meet.example.org/room",
        organisers=[animator],
    )
    registration = services.rsvp(event=event, member=alice)
    organisers = {animator.pk}

    def visible(member: Member, at: datetime, reg: Registration | None) -> bool:
        ctx = get_community_context(member.user, place)
        return online_link_visible(ctx, event, reg, organisers, at)

    assert visible(alice, start - timedelta(minutes=31), registration) is False
    assert visible(alice, start - timedelta(minutes=29), registration) is True
    assert visible(alice, start + timedelta(minutes=90), registration) is False
    assert visible(bob, start - timedelta(minutes=5), None) is False
    assert visible(animator, start - timedelta(days=1), None) is True


def test_attendance_is_marked_only_by_organisers_and_animators(
    place: Community, alice: Member, bob: Member, animator: Member
) -> None:
    organiser = MembershipFactory(community=place, role="ambassador").member
    start = timezone.now() - timedelta(hours=2)
    event = EventFactory(
        community=place, starts_at=start, ends_at=start + timedelta(hours=1), organisers=[organiser]
    )
    RegistrationFactory(event=event, member=alice)
    RegistrationFactory(event=event, member=bob)

    with pytest.raises(PermissionDenied):
        services.mark_attendance(event=event, by=alice, marks={alice.pk: "attended"})
    assert Registration.objects.filter(attendance="").count() == 2
    assert ActivityEvent.objects.count() == 0

    assert (
        services.mark_attendance(
            event=event, by=organiser, marks={alice.pk: "attended", bob.pk: "no_show"}
        )
        == 2
    )
    event.refresh_from_db()
    assert event.attended_count == 1
    assert verbs(verb__in=["events.attended", "events.no_show"]) == [
        (
            "events.attended",
            alice.pk,
            {"event_id": event.pk, "kind": "workshop", "marked_by_id": organiser.pk},
        ),
        ("events.no_show", bob.pk, {"event_id": event.pk}),
    ]
    # an animator corrects a mark: the log keeps one record per member
    services.mark_attendance(event=event, by=animator, marks={bob.pk: "attended"})
    assert sorted((v, a) for v, a, _p in verbs(verb__in=["events.attended", "events.no_show"])) == [
        ("events.attended", alice.pk),
        ("events.attended", bob.pk),
    ]


def test_attendees_are_asked_for_feedback_once(
    place: Community,
    animator: Member,
    alice: Member,
    bob: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    start = timezone.now() - timedelta(hours=2)
    event = EventFactory(
        community=place, starts_at=start, ends_at=start + timedelta(hours=1), organisers=[animator]
    )
    RegistrationFactory(event=event, member=alice)
    RegistrationFactory(event=event, member=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_attendance(
            event=event, by=animator, marks={alice.pk: "attended", bob.pk: "no_show"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_attendance(event=event, by=animator, marks={bob.pk: "attended"})
    assert services.ask_event_feedback(event_id=event.pk) == 0
    rows = sorted(
        Notification.objects.filter(kind="events.feedback").values_list(
            "recipient_id", "payload__url"
        )
    )
    assert rows == sorted(
        [
            (alice.pk, event.get_absolute_url() + "#feedback"),
            (bob.pk, event.get_absolute_url() + "#feedback"),
        ]
    )


def test_attendance_waits_for_the_start(place: Community, animator: Member, alice: Member) -> None:
    event = EventFactory(community=place, organisers=[animator])
    RegistrationFactory(event=event, member=alice)
    with pytest.raises(ValidationError):
        services.mark_attendance(event=event, by=animator, marks={alice.pk: "attended"})
    assert Registration.objects.get().attendance == ""


def test_self_check_in_with_the_code(place: Community, alice: Member) -> None:
    start = timezone.now() - timedelta(minutes=10)
    event = EventFactory(community=place, starts_at=start, ends_at=start + timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.check_in(event=event, member=alice, code="WRONG1")
    assert Registration.objects.count() == 0
    registration = services.check_in(event=event, member=alice, code=event.checkin_code.lower())
    assert (registration.status, registration.attendance) == ("going", "attended")
    assert verbs(verb="events.attended") == [
        (
            "events.attended",
            alice.pk,
            {"event_id": event.pk, "kind": "workshop", "marked_by_id": alice.pk},
        )
    ]
    # twice is once
    services.check_in(event=event, member=alice, code=event.checkin_code)
    assert ActivityEvent.objects.filter(verb="events.attended").count() == 1


def test_check_in_is_closed_long_before_the_event(place: Community, alice: Member) -> None:
    event = EventFactory(community=place)
    with pytest.raises(ValidationError):
        services.check_in(event=event, member=alice, code=event.checkin_code)


def test_feedback_only_from_attendees(place: Community, alice: Member, bob: Member) -> None:
    start = timezone.now() - timedelta(hours=3)
    event = EventFactory(community=place, starts_at=start, ends_at=start + timedelta(hours=1))
    RegistrationFactory(event=event, member=alice, attendance="attended")
    RegistrationFactory(event=event, member=bob, attendance="no_show")
    services.leave_feedback(event=event, member=alice, rating=4, comment="Très concret")
    services.leave_feedback(event=event, member=alice, rating=5)
    with pytest.raises(PermissionDenied):
        services.leave_feedback(event=event, member=bob, rating=1)
    event.refresh_from_db()
    assert (event.feedback_count, event.feedback_total, event.rating) == (1, 5, 5.0)


def test_reminders_go_once_the_day_before_and_once_the_hour_before(
    place: Community, alice: Member, bob: Member
) -> None:
    now = timezone.now()
    tomorrow = EventFactory(
        community=place, starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=22)
    )
    soon = EventFactory(
        community=place, starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2)
    )
    later = EventFactory(community=place, starts_at=now + timedelta(days=3))
    for event in (tomorrow, soon, later):
        RegistrationFactory(event=event, member=alice)
    RegistrationFactory(event=tomorrow, member=bob, status="waitlist")

    assert services.send_event_reminders(now=now) == 2
    assert services.send_event_reminders(now=now) == 0
    rows = sorted(
        Notification.objects.filter(kind="events.reminder").values_list(
            "recipient_id", "target_id", "payload__lead"
        )
    )
    assert rows == sorted([(alice.pk, tomorrow.pk, "day"), (alice.pk, soon.pk, "hour")])
    # the next day, the hour-before reminder of tomorrow's event
    assert services.send_event_reminders(now=now + timedelta(hours=19, minutes=30)) == 1
    assert Notification.objects.filter(kind="events.reminder", target_id=tomorrow.pk).count() == 2


def test_changing_the_time_tells_the_registered_members(
    place: Community, animator: Member, alice: Member, django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(community=place, organisers=[animator], title="Hackathon data")
    services.rsvp(event=event, member=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(
            event=event,
            by=animator,
            starts_at=event.starts_at + timedelta(days=1),
            ends_at=event.ends_at + timedelta(days=1),
        )
        services.update_event(
            event=event, by=animator, title="Hackathon data ouverte"
        )  # no move, no notice
        services.cancel_event(event=event, by=animator)
    assert sorted(Notification.objects.values_list("kind", "recipient_id")) == [
        ("events.cancelled", alice.pk),
        ("events.changed", alice.pk),
    ]
    event.refresh_from_db()
    assert (event.status, event.sequence) == ("cancelled", 2)


def test_organiser_message_reaches_participants_once_each(
    place: Community,
    animator: Member,
    alice: Member,
    bob: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = EventFactory(community=place, organisers=[animator])
    services.rsvp(event=event, member=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_participants(
            event=event, by=animator, text="Pensez à apporter un cas concret."
        )
    [notice] = Notification.objects.filter(kind="events.message")
    assert (notice.recipient_id, notice.payload["message"]) == (
        alice.pk,
        "Pensez à apporter un cas concret.",
    )
    # the task run again tells nobody twice
    services.notify_event_participants(
        event_id=event.pk, kind="events.message", key=notice.group_key.split(":", 2)[2]
    )
    assert Notification.objects.filter(kind="events.message").count() == 1
    with pytest.raises(PermissionDenied):
        services.message_participants(event=event, by=bob, text="Spam")
