"""The reminders' periodic schedule (a data migration) and what notifications say."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as global_apps
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from community.models import Notification
from community.notifications import get_kind
from mentoring.activity import (
    MENTORSHIP_STARTED,
    SESSION_HELD,
    SKILLS_DECLARED,
)

pytestmark = pytest.mark.django_db


def test_the_reminder_schedule_exists_once_even_if_created_again() -> None:
    migration = importlib.import_module("mentoring.migrations.0002_reminder_schedule")
    migration.create(global_apps, None)
    migration.create(global_apps, None)
    [task] = PeriodicTask.objects.filter(task="mentoring.remind_stalled_pairs")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 24, "hours")


def test_verbs_follow_the_contract() -> None:
    assert (MENTORSHIP_STARTED.contribution, SESSION_HELD.contribution) == (True, True)
    assert SKILLS_DECLARED.contribution is False


@pytest.mark.parametrize(
    ("kind", "payload", "english", "french"),
    [
        (
            "mentoring.proposal",
            {"partner": "Alice"},
            "A mentoring partner is proposed to you: Alice",
            "Un binôme vous est proposé : Alice",
        ),
        (
            "mentoring.reminder",
            {"partner": "Bob", "days": 21},
            "You and Bob have not met for 21 days: plan your next session",
            "Vous ne vous êtes pas vus avec Bob depuis 21 jours : prévoyez votre prochaine séance",
        ),
        (
            "mentoring.round_results",
            {"title": "Spring", "pairs": 4},
            "The round “Spring” is computed: 4 pairs to review",
            "La campagne « Spring » est calculée : 4 binômes à revoir",
        ),
        (
            "mentoring.request",
            {"skill": "Public speaking", "skill_fr": "Prise de parole"},
            "Someone asks you for mentoring in Public speaking",
            "Quelqu’un vous demande un mentorat en Prise de parole",
        ),
    ],
)
def test_notifications_read_in_the_recipients_language(
    kind: str, payload: dict, english: str, french: str
) -> None:
    note = Notification(kind=kind, payload=payload)
    with translation.override("en"):
        assert get_kind(kind).describe(note) == english
    with translation.override("fr"):
        assert get_kind(kind).describe(note) == french


def test_the_personal_data_download_includes_skills_mentorships_and_notes(
    pair: object, client_for: object
) -> None:
    from django.utils import timezone

    from mentoring.services import mentorships
    from tests.mentoring.test_services import active

    m = active(pair)  # type: ignore[arg-type]
    mentorships.log_session(
        mentorship=m,
        by=pair.alice,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topic="Voice",
        notes="Ours",
    )  # type: ignore[attr-defined]
    response = client_for(pair.bob).get("/me/data/")  # type: ignore[operator,attr-defined]
    data = response.json()["mentoring"]
    assert sorted((s["skill"], s["kind"]) for s in data["skills"]) == sorted(
        [(pair.speaking.slug, "learn"), (pair.excel.slug, "teach")]
    )  # type: ignore[attr-defined]
    assert [(x["id"], x["status"]) for x in data["mentorships"]] == [(m.pk, "active")]
    assert [(s["topic"], s["notes"]) for s in data["sessions"]] == [("Voice", "Ours")]
