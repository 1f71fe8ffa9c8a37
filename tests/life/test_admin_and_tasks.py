"""The back office of community life (scoped to the animator's communities), the periodic
schedules, a real Celery worker sending reminders, and the GDPR export."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community.models import Community, Event, Member, Notification, Survey, SurveyQuestion
from community.selectors.members import export_member_data
from community.services import surveys as survey_services
from community.tasks import send_event_reminders_task
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import EventFactory, QuestionFactory, RegistrationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(animator: Member, settings: object) -> Client:
    settings.ADMIN_REQUIRE_MFA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(animator.user, backend="community.backends.AuthenticationBackend")
    return client


def test_animators_see_only_their_communities_events_and_surveys(
    admin_client: Client, place: Community
) -> None:
    mine = EventFactory(community=place, title="Atelier d'ici")
    other = EventFactory(community=CommunityFactory(), title="Atelier d'ailleurs")
    page = admin_client.get("/admin/community/event/")
    assert page.status_code == 200
    assert "Atelier d&#x27;ici" in page.text and "ailleurs" not in page.text
    assert admin_client.get(f"/admin/community/event/{mine.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/community/event/{other.pk}/change/").status_code == 404
    survey = SurveyFactory(community=CommunityFactory())
    assert admin_client.get(f"/admin/community/survey/{survey.pk}/change/").status_code == 404


def test_animators_write_a_bilingual_survey_in_the_admin(
    admin_client: Client, place: Community
) -> None:
    now = timezone.localtime()
    prefix = "questions"
    data = {
        "community": place.pk,
        "title_fr": "Votre avis sur l'atelier",
        "title_en": "Your view of the workshop",
        "intro_fr": "",
        "intro_en": "",
        "target": "members",
        "opens_at_0": now.strftime("%Y-%m-%d"),
        "opens_at_1": now.strftime("%H:%M:%S"),
        "closes_at_0": (now + timedelta(days=7)).strftime("%Y-%m-%d"),
        "closes_at_1": "18:00:00",
        "anonymous": "on",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-position": "1",
        f"{prefix}-0-kind": "nps",
        f"{prefix}-0-required": "on",
        f"{prefix}-0-text_fr": "Recommanderiez-vous l'atelier ?",
        f"{prefix}-0-text_en": "Would you recommend the workshop?",
        f"{prefix}-1-position": "2",
        f"{prefix}-1-kind": "single",
        f"{prefix}-1-text_fr": "Format préféré ?",
        f"{prefix}-1-text_en": "Preferred format?",
        f"{prefix}-1-choices_fr": "Sur place\nEn ligne",
        f"{prefix}-1-choices_en": "On site\nOnline",
    }
    response = admin_client.post("/admin/community/survey/add/", data)
    assert response.status_code == 302, response.content[:2000]
    survey = Survey.objects.get()
    assert (survey.title_en, survey.anonymous) == ("Your view of the workshop", True)
    assert list(SurveyQuestion.objects.values_list("kind", flat=True).order_by("position")) == [
        "nps",
        "single",
    ]


def test_rituals_written_in_the_admin_are_cooked(animator: Member, place: Community) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    from community.admin.communities import CommunityAdmin

    assert "rituals" in str(CommunityAdmin.fieldsets)
    request = RequestFactory().post("/admin/")
    request.user = animator.user
    place.rituals = "Un **atelier** par mois <script>x</script>"
    CommunityAdmin(Community, admin.site).save_model(request, place, None, True)
    place.refresh_from_db()
    assert (
        place.rituals_html
        == "<p>Un <strong>atelier</strong> par mois &lt;script&gt;x&lt;/script&gt;</p>\n"
    )


def test_the_data_migration_creates_the_schedules() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("community.migrations.0005_life_schedules")
    migration.create(apps, None)
    migration.create(apps, None)  # idempotent
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks["Send event reminders"] == "community.send_event_reminders"
    assert tasks["Invite members to open surveys"] == "community.send_survey_invitations"


def test_gdpr_export_includes_events_resources_and_named_answers(
    place: Community, alice: Member
) -> None:
    event = EventFactory(community=place, title="Atelier RGPD")
    RegistrationFactory(event=event, member=alice)
    named = SurveyFactory(community=place, anonymous=False, title_fr="Nominative")
    question = QuestionFactory(survey=named, kind="rating")
    survey_services.answer_survey(survey=named, member=alice, answers={question.pk: 4})
    anonymous = SurveyFactory(community=place, anonymous=True)
    survey_services.answer_survey(
        survey=anonymous, member=alice, answers={QuestionFactory(survey=anonymous).pk: 2}
    )
    life = export_member_data(alice)["community_life"]
    assert [r["event"] for r in life["event_registrations"]] == ["Atelier RGPD"]
    assert [s["survey"] for s in life["named_survey_answers"]] == ["Nominative"]


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_reminders(celery_worker_process: subprocess.Popen[bytes]) -> None:
    community = CommunityFactory()
    member = MembershipFactory(community=community, member=MemberFactory()).member
    soon = timezone.now() + timedelta(minutes=30)
    event = EventFactory(community=community, starts_at=soon, ends_at=soon + timedelta(hours=1))
    RegistrationFactory(event=event, member=member)
    assert send_event_reminders_task.delay().get(timeout=60) == 1
    assert send_event_reminders_task.delay().get(timeout=60) == 0
    [notice] = Notification.objects.filter(kind="events.reminder")
    assert (notice.recipient_id, notice.payload["lead"]) == (member.pk, "hour")
    assert Event.objects.get().reminded_hour_at is not None


def test_every_life_admin_page_opens_for_an_animator(
    admin_client: Client, place: Community
) -> None:
    event = EventFactory(community=place)
    survey = SurveyFactory(community=place)
    for page in [
        "/admin/community/event/",
        "/admin/community/event/add/",
        f"/admin/community/event/{event.pk}/change/",
        "/admin/community/resource/",
        "/admin/community/collection/",
        "/admin/community/collection/add/",
        "/admin/community/survey/",
        f"/admin/community/survey/{survey.pk}/change/",
        "/admin/community/eventfeedback/",
    ]:
        assert admin_client.get(page).status_code == 200, page


def test_an_animator_plans_an_event_in_the_admin(
    admin_client: Client, place: Community, animator: Member
) -> None:
    from community.models import ActivityEvent

    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = admin_client.post(
        "/admin/community/event/add/",
        {
            "community": place.pk,
            "title": "Atelier planifié au back-office",
            "kind": "workshop",
            "description": "**Venez** nombreux",
            "tags": "animation",
            "starts_at_0": day,
            "starts_at_1": "18:00:00",
            "ends_at_0": day,
            "ends_at_1": "19:30:00",
            "timezone": "Europe/Paris",
            "place": "Lyon",
            "online_url": "",
            "capacity": "20",
            "members_only": "on",
            "organisers": "",
            "speakers": "",
            "status": "scheduled",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line.lower()
    ][:10]
    event = Event.objects.get()
    assert event.description_html == "<p><strong>Venez</strong> nombreux</p>\n"
    assert len(event.checkin_code) == 6
    assert list(event.organisers.all()) == [animator]
    assert list(ActivityEvent.objects.values_list("verb", "actor_id")) == [
        ("events.created", animator.pk)
    ]


def test_hiding_a_resource_from_the_admin(admin_client: Client, place: Community) -> None:
    from community.models import Resource
    from tests.life.factories import ResourceFactory

    resource = ResourceFactory(community=place)
    foreign = ResourceFactory(community=CommunityFactory())
    response = admin_client.post(
        "/admin/community/resource/",
        {"action": "hide", "_selected_action": [resource.pk, foreign.pk]},
    )
    assert response.status_code == 302
    assert dict(Resource.objects.values_list("pk", "is_hidden")) == {
        resource.pk: True,
        foreign.pk: False,
    }
