"""Community life in the browser: every page renders, denied paths change nothing, bad
input keeps what was typed, and list pages run a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from community.models import (
    ActivityEvent,
    Community,
    Event,
    Member,
    Notification,
    Registration,
    Resource,
    SurveyAnswer,
    SurveyResponse,
)
from community.services import events as event_services
from community.services import surveys as survey_services
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory, with_charter
from tests.helpers import assert_inert
from tests.life.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    ResourceFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(Registration.objects.values_list("id", "status", "attendance")),
        ActivityEvent.objects.count(),
        Notification.objects.count(),
        Event.objects.count(),
        Resource.objects.count(),
        SurveyResponse.objects.count(),
        SurveyAnswer.objects.count(),
    )


def url(name: str, *args: object) -> str:
    return reverse(f"community:{name}", args=args)


class TestPages:
    def test_every_page_renders_for_an_animator(
        self, client_for: ClientFor, place: Community, animator: Member, alice: Member
    ) -> None:
        start = timezone.now() - timedelta(hours=1)
        past = EventFactory(
            community=place,
            organisers=[animator],
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            online_url="https://meet.example.org/x",
        )
        RegistrationFactory(event=past, member=alice, attendance="attended")
        upcoming = EventFactory(community=place, organisers=[animator], capacity=10)
        resource = ResourceFactory(community=place, author=alice, event=past)
        survey = SurveyFactory(community=place)
        QuestionFactory(survey=survey, kind="nps")
        client = client_for(animator)
        pages = [
            url("event-list", place.slug),
            url("event-list", place.slug) + "?when=past",
            url("event-calendar", place.slug),
            url("event-calendar", place.slug) + "?month=bad",
            url("event-create", place.slug),
            url("event-detail", place.slug, upcoming.pk),
            url("event-detail", place.slug, past.pk),
            url("event-edit", place.slug, upcoming.pk),
            url("event-attendance", place.slug, past.pk),
            url("library", place.slug),
            url("library", place.slug) + "?q=guide&kind=link&sort=useful",
            url("resource-create", place.slug),
            url("resource-detail", place.slug, resource.pk),
            url("survey-list", place.slug),
            url("survey-answer", place.slug, survey.pk),
            url("survey-results", place.slug, survey.pk),
            url("welcome", place.slug),
            url("rituals-edit", place.slug),
            url("newcomers", place.slug),
            place.get_absolute_url(),
        ]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert "<h1" in response.text, page
        detail = client.get(url("event-detail", place.slug, upcoming.pk)).text
        assert upcoming.checkin_code in detail

    def test_event_detail_for_a_visitor_of_a_public_community(
        self, client: Client, place: Community
    ) -> None:
        event = EventFactory(
            community=place, title="Webinaire ouvert", online_url="https://meet.example.org/secret"
        )
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        assert "Webinaire ouvert" in response.text
        assert "meet.example.org/secret" not in response.text

    def test_online_link_appears_for_the_registered_member_just_before(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        soon = timezone.now() + timedelta(minutes=10)
        event = EventFactory(
            community=place,
            starts_at=soon,
            ends_at=soon + timedelta(hours=1),
            online_url="https://meet.example.org/room-42",
        )
        client = client_for(alice)
        assert "room-42" not in client.get(event.get_absolute_url()).text
        client.post(url("event-rsvp", place.slug, event.pk), {"action": "going"})
        assert "room-42" in client.get(event.get_absolute_url()).text

    def test_rsvp_and_cancel_through_the_page(
        self, client_for: ClientFor, place: Community, alice: Member, bob: Member
    ) -> None:
        event = EventFactory(community=place, capacity=1)
        client_for(alice).post(url("event-rsvp", place.slug, event.pk), {"action": "going"})
        response = client_for(bob).post(
            url("event-rsvp", place.slug, event.pk), {"action": "going"}, follow=True
        )
        assert "waiting list" in response.text or "liste d" in response.text
        client_for(alice).post(url("event-rsvp", place.slug, event.pk), {"action": "cancel"})
        assert Registration.objects.get(member=bob).status == "going"

    def test_ics_and_feed(self, client_for: ClientFor, client: Client, alice: Member) -> None:
        private = CommunityFactory(visibility="members")
        MembershipFactory(community=private, member=alice)
        event = EventFactory(community=private, title="Atelier privé")
        response = client_for(alice).get(url("event-ics", private.slug, event.pk))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")] == [
            "Atelier privé"
        ]
        # the calendar app has no cookie: the member's signed address works, a forged one not
        feed = client_for(alice).get(url("event-list", private.slug)).context["feed_url"]
        assert "token=" in feed
        answer = client.get(feed.replace("http://testserver", ""))
        assert answer.status_code == 200
        assert b"Atelier priv" in answer.content
        assert client.get(url("event-feed", private.slug) + "?token=forged").status_code == 404
        assert client.get(url("event-feed", private.slug)).status_code == 403

    def test_document_download_has_the_clean_name_and_safe_headers(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        body = b"%PDF-1.7\n%%EOF\n"
        response = client_for(alice).post(
            url("resource-create", place.slug),
            {
                "kind": "document",
                "title": "Trame de séance",
                "upload": SimpleUploadedFile("trame séance.pdf", body),
                "visibility": "community",
            },
        )
        resource = Resource.objects.get()
        assert response.status_code == 302
        download = client_for(alice).get(url("resource-download", place.slug, resource.pk))
        assert download["Content-Type"] == "application/pdf"
        assert "trame" in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == body

    def test_useful_vote_with_htmx_returns_the_button(
        self, client_for: ClientFor, place: Community, alice: Member, bob: Member
    ) -> None:
        resource = ResourceFactory(community=place, author=alice)
        response = client_for(bob).post(
            url("resource-useful", place.slug, resource.pk), {"on": "1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.text
        assert Resource.objects.get().useful_count == 1

    def test_survey_answer_then_change_it_with_the_browser_key(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        survey = SurveyFactory(community=place, anonymous=True)
        question = QuestionFactory(survey=survey, kind="nps")
        client = client_for(alice)
        target = url("survey-answer", place.slug, survey.pk)
        assert client.post(target, {f"q{question.pk}": "9"}).status_code == 302
        assert client.post(target, {f"q{question.pk}": "10"}).status_code == 302
        assert list(SurveyAnswer.objects.values_list("number", flat=True)) == [10]
        # another browser of the same member cannot add a second answer
        other = client_for(alice)
        response = other.post(target, {f"q{question.pk}": "0"})
        assert response.status_code == 400
        assert SurveyResponse.objects.count() == 1

    def test_results_show_the_nps_and_a_chart_with_its_table(
        self, client_for: ClientFor, place: Community, animator: Member
    ) -> None:
        survey = SurveyFactory(community=place)
        question = QuestionFactory(survey=survey, kind="nps")
        for score in (10, 9, 3):
            member = MembershipFactory(community=place).member
            survey_services.answer_survey(
                survey=survey, member=member, answers={question.pk: score}
            )
        response = client_for(animator).get(url("survey-results", place.slug, survey.pk))
        assert '<div class="stat__value nps-score">33</div>' in response.text
        assert "<svg" in response.text and "<table" in response.text
        assert "<script" not in response.text.split("</head>")[1]
        csv_response = client_for(animator).get(url("survey-csv", place.slug, survey.pk))
        content = b"".join(csv_response.streaming_content).decode()
        assert content.startswith("\ufeff")
        assert content.count("\n") == 4

    def test_welcome_checklist_ticks_itself_from_the_activity_log(
        self, client_for: ClientFor, alice: Member, place: Community
    ) -> None:
        with_charter(place)
        from django.db import transaction

        from community.models import Membership
        from community.services import accept_charter

        Membership.objects.filter(member=alice).update(accepted_charter_version=0)
        accept_charter(member=alice, community=place)
        event = EventFactory(community=place)
        event_services.rsvp(event=event, member=alice)
        with transaction.atomic():
            ActivityEvent.objects.create(
                actor=alice, verb="forums.topic_created", community=place, payload={}
            )
        response = client_for(alice).get(url("welcome", place.slug))
        steps = {s.key: s.done for s in response.context["steps"]}
        assert steps == {"charter": True, "introduce": True, "skills": False, "rsvp": True}
        assert response.context["done_count"] == 3

    def test_joining_an_open_community_without_charter_lands_on_the_welcome_page(
        self, client_for: ClientFor
    ) -> None:
        community = CommunityFactory()
        response = client_for(MemberFactory()).post(url("community-join", community.slug))
        assert response["Location"] == url("welcome", community.slug)

    def test_newcomers_view_shows_who_has_not_contributed(
        self, client_for: ClientFor, place: Community, animator: Member
    ) -> None:
        quiet = MembershipFactory(
            community=place, member=MemberFactory(display_name="Quiet One")
        ).member
        active = MembershipFactory(
            community=place, member=MemberFactory(display_name="Busy Bee")
        ).member
        MembershipFactory(
            community=place,
            member=MemberFactory(display_name="Old Timer"),
            joined_at=timezone.now() - timedelta(days=60),
        )
        from community.services.resources import share_resource

        share_resource(
            community=place,
            by=active,
            kind="link",
            title="Mon premier partage",
            url="https://x.org",
        )
        response = client_for(animator).get(url("newcomers", place.slug) + "?silent=1")
        names = [m.member.display_name for m in response.context["page"].items]
        assert "Quiet One" in names and "Busy Bee" not in names and "Old Timer" not in names
        assert quiet.display_name in names


class TestDenied:
    def test_non_member_rsvp_to_a_members_only_event(
        self, client_for: ClientFor, place: Community
    ) -> None:
        event = EventFactory(community=place, members_only=True)
        before = snapshot()
        response = client_for(MemberFactory()).post(
            url("event-rsvp", place.slug, event.pk), {"action": "going"}
        )
        assert response.status_code == 403
        assert snapshot() == before

    def test_members_only_community_hides_events_from_outsiders(
        self, client_for: ClientFor
    ) -> None:
        private = CommunityFactory(visibility="members")
        event = EventFactory(community=private)
        outsider = client_for(MemberFactory())
        assert outsider.get(url("event-list", private.slug)).status_code == 403
        assert outsider.get(url("event-detail", private.slug, event.pk)).status_code == 403
        assert outsider.get(url("event-ics", private.slug, event.pk)).status_code == 403
        hidden = CommunityFactory(visibility="invitation")
        assert outsider.get(url("event-list", hidden.slug)).status_code == 404

    def test_event_of_another_community_is_not_found(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        other = EventFactory(community=CommunityFactory())
        assert client_for(alice).get(url("event-detail", place.slug, other.pk)).status_code == 404

    def test_members_cannot_manage_events(
        self, client_for: ClientFor, place: Community, alice: Member, bob: Member
    ) -> None:
        start = timezone.now() - timedelta(hours=2)
        event = EventFactory(community=place, starts_at=start, ends_at=start + timedelta(hours=1))
        RegistrationFactory(event=event, member=bob)
        client = client_for(alice)
        before = snapshot()
        for name, data in [
            ("event-attendance", {f"m{bob.pk}": "no_show"}),
            ("event-message", {"text": "Hello"}),
            ("event-cancel", {}),
            (
                "event-attach",
                {
                    "kind": "link",
                    "title": "Mes slides",
                    "url": "https://x.org",
                    "visibility": "community",
                },
            ),
            ("event-edit", {"title": "Renamed"}),
        ]:
            assert client.post(url(name, place.slug, event.pk), data).status_code == 403, name
        assert client.get(url("event-create", place.slug)).status_code == 403
        assert snapshot() == before

    def test_a_member_cannot_read_others_answers_of_a_named_survey(
        self, client_for: ClientFor, place: Community, alice: Member, bob: Member
    ) -> None:
        survey = SurveyFactory(community=place, anonymous=False)
        question = QuestionFactory(survey=survey, kind="text")
        survey_services.answer_survey(
            survey=survey, member=bob, answers={question.pk: "Mon avis franc"}
        )
        client = client_for(alice)
        before = snapshot()
        results = client.get(url("survey-results", place.slug, survey.pk))
        export = client.get(url("survey-csv", place.slug, survey.pk))
        page = client.get(url("survey-answer", place.slug, survey.pk))
        assert (results.status_code, export.status_code) == (403, 403)
        assert "Mon avis franc" not in page.text
        assert snapshot() == before

    def test_outsiders_cannot_answer_or_see_surveys(
        self, client_for: ClientFor, place: Community
    ) -> None:
        survey = SurveyFactory(community=place)
        question = QuestionFactory(survey=survey)
        before = snapshot()
        response = client_for(MemberFactory()).post(
            url("survey-answer", place.slug, survey.pk), {f"q{question.pk}": "5"}
        )
        assert response.status_code == 403
        assert snapshot() == before

    def test_members_only_resource_and_hidden_resource(
        self, client_for: ClientFor, client: Client, place: Community, alice: Member
    ) -> None:
        internal = ResourceFactory(community=place, visibility="members")
        hidden = ResourceFactory(community=place, is_hidden=True)
        assert client.get(url("resource-detail", place.slug, internal.pk)).status_code == 403
        assert (
            client_for(alice).get(url("resource-detail", place.slug, hidden.pk)).status_code == 404
        )
        before = snapshot()
        assert (
            client_for(MemberFactory())
            .post(url("resource-useful", place.slug, internal.pk))
            .status_code
            == 403
        )
        assert snapshot() == before

    def test_only_animators_see_newcomers_and_edit_rituals(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        client = client_for(alice)
        assert client.get(url("newcomers", place.slug)).status_code == 403
        assert client.post(url("rituals-edit", place.slug), {"rituals": "x"}).status_code == 403
        place.refresh_from_db()
        assert place.rituals == ""

    def test_anonymous_visitors_are_sent_to_log_in(self, client: Client, place: Community) -> None:
        event = EventFactory(community=place)
        before = snapshot()
        response = client.post(url("event-rsvp", place.slug, event.pk))
        assert response.status_code == 302 and "/account/login/" in response["Location"]
        assert snapshot() == before


class TestBadInput:
    def test_event_form_explains_and_keeps_what_was_typed(
        self, client_for: ClientFor, place: Community, animator: Member
    ) -> None:
        response = client_for(animator).post(
            url("event-create", place.slug),
            {
                "title": "Atelier <script>alert(1)</script>",
                "kind": "nonsense",
                "starts_at": "2027-03-04T18:00",
                "ends_at": "2027-03-04T17:00",
                "timezone": "Europe/Paris",
                "online_url": "javascript:alert(1)",
                "capacity": "-3",
                "description": "Mon texte gardé",
            },
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert set(errors) >= {"kind", "ends_at", "online_url", "capacity"}
        assert "Mon texte gardé" in response.text
        assert "&lt;script&gt;" in response.text
        assert Event.objects.count() == 0

    def test_event_form_refuses_a_missing_place(
        self, client_for: ClientFor, place: Community, animator: Member
    ) -> None:
        response = client_for(animator).post(
            url("event-create", place.slug),
            {
                "title": "Atelier sans lieu",
                "kind": "workshop",
                "starts_at": "2027-03-04T18:00",
                "ends_at": "2027-03-04T19:00",
                "timezone": "Europe/Paris",
            },
        )
        assert response.status_code == 400
        assert "place" in response.context["form"].errors

    def test_event_form_names_co_organisers_and_speakers_by_handle(
        self, client_for: ClientFor, place: Community, animator: Member, alice: Member
    ) -> None:
        outsider = MemberFactory(handle="not-here")
        data = {
            "title": "Atelier à deux voix",
            "kind": "workshop",
            "starts_at": "2027-03-04T18:00",
            "ends_at": "2027-03-04T19:00",
            "timezone": "Europe/Paris",
            "place": "Lyon",
            "members_only": "on",
        }
        response = client_for(animator).post(
            url("event-create", place.slug),
            {**data, "speakers": f"@{alice.handle}, {outsider.handle}"},
        )
        assert response.status_code == 400
        assert "@not-here" in str(response.context["form"].errors["speakers"])
        response = client_for(animator).post(
            url("event-create", place.slug),
            {**data, "speakers": f"@{alice.handle}", "co_organisers": alice.handle},
        )
        assert response.status_code == 302
        event = Event.objects.get()
        assert list(event.speakers.all()) == [alice]
        assert sorted(m.pk for m in event.organisers.all()) == sorted([animator.pk, alice.pk])

    def test_event_form_with_a_series(
        self, client_for: ClientFor, place: Community, animator: Member
    ) -> None:
        response = client_for(animator).post(
            url("event-create", place.slug),
            {
                "title": "Premier jeudi",
                "kind": "thematic",
                "starts_at": "2027-02-04T19:00",
                "ends_at": "2027-02-04T20:30",
                "timezone": "Europe/Paris",
                "place": "Lyon",
                "recurrence": "monthly_weekday",
                "occurrences": "3",
                "members_only": "on",
            },
        )
        assert response.status_code == 302
        assert [e.starts_at.day for e in Event.objects.order_by("starts_at")] == [4, 4, 1]

    def test_resource_form_refuses_a_script_in_svg_and_keeps_the_title(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        svg = SimpleUploadedFile(
            "logo.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
        )
        response = client_for(alice).post(
            url("resource-create", place.slug),
            {
                "kind": "document",
                "title": "Mon logo vectoriel",
                "upload": svg,
                "visibility": "community",
            },
        )
        assert response.status_code == 400
        assert "upload" in response.context["form"].errors
        assert 'value="Mon logo vectoriel"' in response.text
        assert Resource.objects.count() == 0

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"kind": "link", "title": "Un lien", "url": "javascript:alert(1)"}, "url"),
            ({"kind": "link", "title": "Un lien", "url": ""}, "url"),
            ({"kind": "article", "title": "Un article", "body": "  "}, "body"),
            ({"kind": "video", "title": "x", "url": "https://v.example.org"}, "title"),
            (
                {
                    "kind": "link",
                    "title": "Des tags",
                    "url": "https://x.org",
                    "tags": ",".join(f"t{i}" for i in range(12)),
                },
                "tags",
            ),
            ({"kind": "zip", "title": "Un lien", "url": "https://x.org"}, "kind"),
        ],
    )
    def test_resource_form_errors(
        self,
        client_for: ClientFor,
        place: Community,
        alice: Member,
        data: dict[str, str],
        field: str,
    ) -> None:
        response = client_for(alice).post(
            url("resource-create", place.slug), {"visibility": "community", **data}
        )
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert Resource.objects.count() == 0

    def test_library_with_bad_filters_never_fails(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        ResourceFactory(community=place, title="Guide <b>gras</b>")
        client = client_for(alice)
        for query in [
            "?q=" + "x" * 300,
            "?q=%00%01",
            "?kind=nope&tag=%%%",
            "?sort=evil",
            "?after=forged",
            "?q=!!!&&&|||",
        ]:
            response = client.get(url("library", place.slug) + query)
            assert response.status_code == 200, query
        response = client.get(url("library", place.slug) + "?q=gras")
        rows = response.text.split('id="library-rows">', 1)[1].split("</ul>", 1)[0]
        assert "&lt;b&gt;gras&lt;/b&gt;" in rows
        assert_inert(rows)

    def test_survey_form_keeps_the_answers_when_one_is_missing(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        survey = SurveyFactory(community=place)
        first = QuestionFactory(survey=survey, kind="rating")
        second = QuestionFactory(survey=survey, kind="text")
        response = client_for(alice).post(
            url("survey-answer", place.slug, survey.pk), {f"q{second.pk}": "Texte gardé"}
        )
        assert response.status_code == 400
        assert f"q{first.pk}" in response.context["form"].errors
        assert "Texte gardé" in response.text
        assert SurveyResponse.objects.count() == 0

    def test_checkin_with_a_wrong_code_says_so(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        start = timezone.now() - timedelta(minutes=5)
        event = EventFactory(community=place, starts_at=start, ends_at=start + timedelta(hours=1))
        RegistrationFactory(event=event, member=alice)
        response = client_for(alice).post(
            url("event-checkin", place.slug, event.pk), {"code": "ZZZZZZ"}, follow=True
        )
        assert "not the right one" in response.text or "pas le bon" in response.text
        assert Registration.objects.get().attendance == ""

    def test_feedback_rating_out_of_range(
        self, client_for: ClientFor, place: Community, alice: Member
    ) -> None:
        start = timezone.now() - timedelta(hours=3)
        event = EventFactory(community=place, starts_at=start, ends_at=start + timedelta(hours=1))
        RegistrationFactory(event=event, member=alice, attendance="attended")
        response = client_for(alice).post(
            url("event-feedback", place.slug, event.pk), {"rating": "9", "comment": "Gardé"}
        )
        assert response.status_code == 400
        assert "Gardé" in response.text


def build_life(n: int) -> tuple[Community, Member]:
    community = CommunityFactory()
    animator = MembershipFactory(community=community, role="animator").member
    members = [MembershipFactory(community=community).member for _ in range(max(n // 10, 2))]
    now = timezone.now()
    events = []
    for i in range(n):
        past = i % 2 == 0
        start = now + (timedelta(days=-i - 1) if past else timedelta(days=i + 1))
        event = EventFactory(
            community=community,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            organisers=[animator],
        )
        event.tags.add(f"tag{i % 5}")
        events.append(event)
        RegistrationFactory(event=event, member=members[i % len(members)])
        resource = ResourceFactory(
            community=community, author=members[i % len(members)], event=event if past else None
        )
        resource.tags.add(f"tag{i % 7}")
    return community, animator


@pytest.mark.parametrize("n", [5, 60])
class TestQueryCounts:
    def test_event_lists(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        community, animator = build_life(n)
        client = client_for(animator)
        for page, limit in [
            (url("event-list", community.slug), 11),
            (url("event-list", community.slug) + "?when=past", 12),
            (url("event-calendar", community.slug), 8),
        ]:
            with django_assert_max_num_queries(limit):
                assert client.get(page).status_code == 200

    def test_event_detail_and_attendance(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        community, animator = build_life(n)
        event = Event.objects.filter(community=community).order_by("starts_at").first()
        assert event is not None
        client = client_for(animator)
        with django_assert_max_num_queries(16):
            assert client.get(event.get_absolute_url()).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(url("event-attendance", community.slug, event.pk)).status_code == 200

    def test_library(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        community, animator = build_life(n)
        client = client_for(animator)
        for query in ["", "?sort=useful", "?q=guide", "?tag=tag1"]:
            with django_assert_max_num_queries(13):
                assert client.get(url("library", community.slug) + query).status_code == 200

    def test_newcomers_and_surveys(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        community, animator = build_life(n)
        for _ in range(3):
            SurveyFactory(community=community)
        client = client_for(animator)
        with django_assert_max_num_queries(9):
            assert client.get(url("newcomers", community.slug)).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(url("survey-list", community.slug)).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(url("welcome", community.slug)).status_code == 200

    def test_survey_results(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        community, animator = build_life(n)
        survey = SurveyFactory(community=community)
        questions = [
            QuestionFactory(survey=survey, kind=k, choices_fr="A\nB")
            for k in ("rating", "nps", "single", "multiple", "text")
        ]
        for member in [m.member for m in community.memberships.select_related("member")]:
            survey_services.answer_survey(
                survey=survey,
                member=member,
                answers={
                    questions[0].pk: 4,
                    questions[1].pk: 8,
                    questions[2].pk: 1,
                    questions[3].pk: [0, 1],
                    questions[4].pk: "ok",
                },
            )
        client = client_for(animator)
        with django_assert_max_num_queries(12):
            assert client.get(url("survey-results", community.slug, survey.pk)).status_code == 200
