"""Community life in a real browser: the waiting list, promotion, attendance, slides in
the library, a survey answered, and the NPS seen by the animator."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from community.models import Event, Member, Notification, Registration, Resource
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import EventFactory, QuestionFactory, RegistrationFactory, SurveyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server: Any, member: Member) -> None:
    """A real session for ``member`` in the browser (no password typing)."""
    page.context.clear_cookies()
    client = Client()
    client.force_login(member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_waiting_list_promotion_attendance_slides_survey_and_nps(
    page: Page,
    live_server: Any,
    shoot: Callable[[str], None],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    community = CommunityFactory(name="Réseau des formateurs", slug="reseau")
    animator = MembershipFactory(
        community=community, role="animator", member=MemberFactory(display_name="Claire Martin")
    ).member
    lea = MembershipFactory(
        community=community, member=MemberFactory(display_name="Léa Petit")
    ).member
    tom = MembershipFactory(
        community=community, member=MemberFactory(display_name="Tom Legrand")
    ).member
    start = timezone.now() + timedelta(days=2)
    event = EventFactory(
        community=community,
        title="Atelier : la classe virtuelle qui vit",
        capacity=1,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        organisers=[animator],
        online_url="https://meet.example.org/atelier",
    )
    RegistrationFactory(event=event, member=tom)
    Event.objects.filter(pk=event.pk).update(going_count=1)
    base = live_server.url

    # Léa finds the event full and joins the waiting list
    log_in(page, live_server, lea)
    page.goto(f"{base}/c/{community.slug}/events/")
    expect(page.get_by_text("Full")).to_be_visible()
    shoot("life-events")
    page.get_by_role("link", name="Atelier : la classe virtuelle qui vit").click()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are number 1 on the waiting list")).to_be_visible()
    shoot("life-event-waiting-list")

    # Tom cancels: Léa is promoted
    log_in(page, live_server, tom)
    page.goto(f"{base}{event.get_absolute_url()}")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    assert Registration.objects.get(member=lea).status == "going"

    # ... and is told so
    log_in(page, live_server, lea)
    page.goto(f"{base}/notifications/")
    expect(page.get_by_text(re.compile("A seat freed up"))).to_be_visible()
    shoot("life-promoted-notification")
    page.goto(f"{base}{event.get_absolute_url()}")
    expect(page.get_by_text("You are registered")).to_be_visible()

    # the event takes place (two days later)
    past = timezone.now() - timedelta(hours=3)
    Event.objects.filter(pk=event.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))

    # the organiser records attendance and attaches the slides
    log_in(page, live_server, animator)
    page.goto(f"{base}{event.get_absolute_url()}")
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Léa Petit was present").check()
    shoot("life-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    assert Registration.objects.get(member=lea).attendance == "attended"
    page.goto(f"{base}{event.get_absolute_url()}")
    page.get_by_text("Attach slides or a recording").click()
    page.get_by_label("Document").check()
    page.get_by_label("Title").fill("Support : la classe virtuelle qui vit")
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.locator("input[name=upload]").set_input_files(str(slides))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("Added to the event and to the library.")).to_be_visible()
    shoot("life-event-with-slides")

    # the slides are in the library
    page.goto(f"{base}/c/{community.slug}/library/")
    expect(page.get_by_role("link", name="Support : la classe virtuelle qui vit")).to_be_visible()
    shoot("life-library")
    assert Resource.objects.get().event_id == event.pk

    # a member answers the survey
    survey = SurveyFactory(community=community, title_en="How was the workshop?", anonymous=True)
    rating = QuestionFactory(survey=survey, kind="rating", text_en="How satisfied are you?")
    nps = QuestionFactory(survey=survey, kind="nps", text_en="Would you recommend it?")
    log_in(page, live_server, lea)
    page.goto(f"{base}/c/{community.slug}/surveys/")
    page.get_by_role("link", name="How was the workshop?").click()
    page.locator(f"input[name=q{rating.pk}][value='5']").check()
    page.locator(f"input[name=q{nps.pk}][value='9']").check()
    shoot("life-survey-answer")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you! You can change your answers")).to_be_visible()

    # the animator sees the NPS
    log_in(page, live_server, animator)
    page.goto(f"{base}/c/{community.slug}/surveys/{survey.pk}/results/")
    expect(page.locator(".nps-score")).to_have_text("100")
    shoot("life-survey-results")

    # the welcome page and the newcomers view
    page.goto(f"{base}/c/{community.slug}/welcome/")
    shoot("life-welcome")
    page.goto(f"{base}/c/{community.slug}/newcomers/")
    expect(page.get_by_role("link", name="Léa Petit")).to_be_visible()
    shoot("life-newcomers")
    page.goto(f"{base}/c/{community.slug}/events/calendar/?month={past:%Y-%m}")
    shoot("life-calendar")
    assert Notification.objects.filter(kind="events.promoted", recipient=lea).count() == 1
    assert console_errors == []
