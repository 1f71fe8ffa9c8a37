"""Community life at scale: the library, event lists and survey results on a large
community, and RSVP throughput on one event (the row lock serialises the seats).

Runs on a throwaway database (``bench_life_<name>``) created and dropped here; prints figures.
Sizes: LIFE_BENCH_SCALE=1 (default) is 2,000 members, 20,000 resources, 5,000 events,
100,000 registrations and 20,000 survey responses.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from datetime import timedelta


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()


def _timed(label: str, call: object, runs: int = 20) -> None:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        f"{label:<42} median {statistics.median(samples):7.1f} ms   "
        f"p90 {samples[int(len(samples) * 0.9) - 1]:7.1f} ms"
    )


def _populate(scale: int) -> dict[str, object]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community.models import (
        Community,
        Event,
        Member,
        Membership,
        Registration,
        Resource,
        Survey,
        SurveyAnswer,
        SurveyQuestion,
        SurveyResponse,
        User,
    )

    now = timezone.now()
    community = Community.objects.create(name="Bench", slug="bench", language="fr")
    password = make_password("bench-password-1234")
    n_members = 2000 * scale
    users = User.objects.bulk_create(
        User(email=f"m{i}@bench.example", password=password) for i in range(n_members)
    )
    members = Member.objects.bulk_create(
        Member(user=u, handle=f"m{i}", display_name=f"Membre {i}") for i, u in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(member=m, community=community, joined_at=now, role="member") for m in members
    )
    Membership.objects.filter(member=members[0]).update(role="animator")
    words = ["atelier", "évaluation", "classe virtuelle", "tableur", "posture", "jeu sérieux"]
    Resource.objects.bulk_create(
        (
            Resource(
                community=community,
                author=members[i % n_members],
                kind="link",
                title=f"Guide {words[i % 6]} numéro {i}",
                summary=f"Un guide sur {words[(i * 7) % 6]} pour les formateurs.",
                url="https://example.org/x",
                language="fr",
                useful_count=i % 50,
                created_at=now - timedelta(minutes=i),
            )
            for i in range(20000 * scale)
        ),
        batch_size=2000,
    )
    events = Event.objects.bulk_create(
        (
            Event(
                community=community,
                kind="workshop",
                title=f"Atelier {i}",
                starts_at=now + timedelta(hours=i - 2500 * scale),
                ends_at=now + timedelta(hours=i - 2500 * scale + 1),
                place="Salle",
                checkin_code="ABCDEF",
                going_count=20,
            )
            for i in range(5000 * scale)
        ),
        batch_size=2000,
    )
    Registration.objects.bulk_create(
        (
            Registration(
                event=events[i % len(events)], member=members[(i * 13) % n_members], status="going"
            )
            for i in range(100000 * scale)
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    survey = Survey.objects.create(
        community=community,
        title_fr="Baromètre",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    questions = [
        SurveyQuestion.objects.create(
            survey=survey, kind=k, text_fr=k, position=i, choices_fr="A\nB\nC"
        )
        for i, k in enumerate(["rating", "nps", "multiple", "text"])
    ]
    responses = SurveyResponse.objects.bulk_create(
        (SurveyResponse(id=uuid.uuid4(), survey=survey) for _ in range(20000 * scale)),
        batch_size=5000,
    )
    answers = []
    for i, response in enumerate(responses):
        answers += [
            SurveyAnswer(response=response, question=questions[0], number=1 + i % 5),
            SurveyAnswer(response=response, question=questions[1], number=i % 11),
            SurveyAnswer(response=response, question=questions[2], choices=[i % 3]),
            SurveyAnswer(response=response, question=questions[3], text=f"avis {i % 400}"),
        ]
    SurveyAnswer.objects.bulk_create(answers, batch_size=10000)
    return {"community": community, "animator": members[0], "members": members, "survey": survey}


def main() -> None:
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    scale = int(os.environ.get("LIFE_BENCH_SCALE", "1"))
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    # A database of its own (never the one the tests reuse).
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_life_{connection.settings_dict['NAME']}"
    )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        data = _populate(scale)
        print(f"dataset (scale {scale}) built in {time.perf_counter() - started:.1f} s")
        from community.models import Event
        from community.selectors.surveys import satisfaction
        from community.services.events import rsvp

        community = data["community"]
        client = Client()
        client.force_login(data["animator"].user, backend=settings.AUTHENTICATION_BACKENDS[0])  # type: ignore[attr-defined]
        slug = community.slug  # type: ignore[attr-defined]
        _timed("library, most recent", lambda: client.get(f"/c/{slug}/library/"))
        _timed("library, most useful", lambda: client.get(f"/c/{slug}/library/?sort=useful"))
        _timed(
            "library, search 'évaluation'", lambda: client.get(f"/c/{slug}/library/?q=évaluation")
        )
        _timed("events, upcoming", lambda: client.get(f"/c/{slug}/events/"))
        _timed("events, past with resources", lambda: client.get(f"/c/{slug}/events/?when=past"))
        _timed("events, calendar month", lambda: client.get(f"/c/{slug}/events/calendar/"))
        survey = data["survey"]
        _timed(
            "survey results (20k responses)",
            lambda: client.get(f"/c/{slug}/surveys/{survey.pk}/results/"),  # type: ignore[attr-defined]
            runs=5,
        )
        today = timezone.localdate()
        _timed(
            "satisfaction() for the dashboard",
            lambda: satisfaction(community, today, today + timedelta(days=1)),
            runs=10,
        )  # type: ignore[arg-type]
        start = timezone.now() + timedelta(days=3)
        event = Event.objects.create(
            community=community,
            kind="webinar",
            title="RSVP bench",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="x",
            capacity=300,
            checkin_code="ABCDEF",
        )
        members = data["members"][:500]  # type: ignore[index]
        started = time.perf_counter()
        for member in members:
            rsvp(event=event, member=member)
        elapsed = time.perf_counter() - started
        event.refresh_from_db()
        print(
            f"{'RSVP, one event, 500 members in a row':<42} {len(members) / elapsed:7.0f} RSVP/s   "
            f"(going {event.going_count}, waiting {event.waitlist_count})"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
