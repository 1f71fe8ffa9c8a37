"""The monthly digest at scale: an issue rendered for every member of a large community
and handed to the email backend, the way the delivery task does it (chunks of ids, one
short transaction per message, claims, sections prepared once per chunk).

Prints messages per second for one worker (one process), peak memory (max RSS) and the
queries per 1,000 recipients (which must not grow with the size). ``--smtp`` hands the
messages to a real SMTP server on localhost (aiosmtpd, in a thread of this process)
instead of the in-memory backend.

Runs on a throwaway database (``bench_newsletters_<name>``) created and dropped here.
``python -m bench newsletters`` is 2,000 members; ``NEWSLETTER_BENCH_FULL=1`` (or
``python -m bench.newsletters --full``) is 20,000; ``NEWSLETTER_BENCH_SMTP=1`` (or
``--smtp``) uses the SMTP server.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from datetime import timedelta


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _populate(n: int) -> dict[str, object]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community.models import Community, Event, Member, Membership, Resource, User
    from mentoring.models import DeclarationKind, Domain, Mentorship, SkillDeclaration
    from mentoring.services.skills import create_skill

    now = timezone.now()
    community = Community.objects.create(name="Bench", slug="bench", language="fr")
    password = make_password(None)
    users = User.objects.bulk_create(
        (User(email=f"m{i}@bench.example", password=password) for i in range(n)), batch_size=5000
    )
    members = Member.objects.bulk_create(
        (
            Member(
                user=u,
                handle=f"m{i}",
                display_name=f"Membre {i}",
                preferred_language="en" if i % 3 == 0 else "fr",
            )
            for i, u in enumerate(users)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (Membership(member=m, community=community, joined_at=now) for m in members),
        batch_size=5000,
    )
    for i in range(6):
        start = now + timedelta(days=2 + i * 4)
        Event.objects.create(
            community=community,
            kind="workshop",
            title=f"Atelier numéro {i}",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Salle 2",
            checkin_code=f"BENCH{i}",
        )
    month_start = (now.replace(day=1) - timedelta(days=1)).replace(day=1, hour=12)
    Resource.objects.bulk_create(
        Resource(
            community=community,
            author=members[i],
            kind="link",
            title=f"Guide pratique {i}",
            summary="Un guide pour les formateurs.",
            url="https://example.org/guide",
            created_at=month_start + timedelta(days=i),
            useful_count=i,
        )
        for i in range(12)
    )
    domain = Domain.objects.create(slug="bench", name_fr="Bench", name_en="Bench")
    skills = [
        create_skill(domain=domain, slug=f"skill-{i}", name_fr=f"Savoir {i}", name_en=f"Skill {i}")
        for i in range(10)
    ]
    SkillDeclaration.objects.bulk_create(
        [
            SkillDeclaration(
                member=m, skill=skills[i % 10], kind=DeclarationKind.LEARN, level=1, target_level=3
            )
            for i, m in enumerate(members)
            if i % 3 == 1
        ]
        + [
            SkillDeclaration(member=m, skill=skills[i % 10], kind=DeclarationKind.TEACH, level=4)
            for i, m in enumerate(members)
            if i % 10 == 2
        ],
        batch_size=5000,
    )
    Mentorship.objects.bulk_create(
        Mentorship(
            community=community,
            member_a=members[i],
            member_b=members[i + 1],
            status="active",
            started_at=now - timedelta(days=20),
            session_count=2,
        )
        for i in range(0, n // 5, 10)
    )
    return {"community": community, "members": members}


def main() -> None:
    _setup()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    full = "--full" in sys.argv or os.environ.get("NEWSLETTER_BENCH_FULL") == "1"
    smtp = "--smtp" in sys.argv or os.environ.get("NEWSLETTER_BENCH_SMTP") == "1"
    n = 20_000 if full else 2_000
    setup_test_environment()  # the in-memory email backend
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_newsletters_{connection.settings_dict['NAME']}"
    )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    controller = None
    try:
        started = time.perf_counter()
        data = _populate(n)
        print(f"dataset: {n:,} members built in {time.perf_counter() - started:.1f} s")
        if smtp:
            controller = _smtp_server(settings)
        from community.models import Newsletter, NewsletterDelivery
        from community.services.newsletters import deliver_newsletter_chunk, recipients

        today = timezone.localdate()
        end = today.replace(day=1)
        issue = Newsletter.objects.create(
            community=data["community"],
            period_start=(end - timedelta(days=1)).replace(day=1),
            period_end=end,
            status="sending",
            started_at=timezone.now(),
            introduction_html="<p>Le mot des animateurs.</p>",
        )
        ids = list(recipients(issue).order_by("pk").values_list("pk", flat=True))
        size = settings.NEWSLETTER_CHUNK_SIZE
        rss_before = _rss_mb()
        per_thousand = []
        sent = 0
        started = time.perf_counter()
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        for first in range(0, len(ids), 1000):
            counted[0] = 0
            with connection.execute_wrapper(count):
                for i in range(first, min(first + 1000, len(ids)), size):
                    result = deliver_newsletter_chunk(
                        newsletter_id=issue.pk, member_ids=ids[i : i + size], claim="bench"
                    )
                    sent += result.sent
                    mail.outbox = []
            # statements sent to PostgreSQL (BEGIN and COMMIT are not statements here)
            per_thousand.append(counted[0])
        elapsed = time.perf_counter() - started
        if not NewsletterDelivery.objects.filter(status="sent").count() == sent == len(ids):
            raise RuntimeError("Not every member got the digest.")
        backend = "SMTP (aiosmtpd on localhost)" if smtp else "in-memory backend"
        print(f"{sent:,} digests rendered and handed to the {backend} in {elapsed:.1f} s")
        print(f"messages/s, one worker:        {sent / elapsed:8.0f}")
        print(
            f"peak memory (max RSS):         {_rss_mb():8.0f} MB "
            f"(before sending: {rss_before:.0f} MB)"
        )
        print(
            "queries per 1,000 recipients:  "
            f"{min(per_thousand)}–{max(per_thousand)} "
            f"(first {per_thousand[0]}, last {per_thousand[-1]})"
        )
    finally:
        if controller is not None:
            controller.stop()
        connection.creation.destroy_test_db(name, verbosity=0)


def _smtp_server(settings: object) -> object:
    import socket

    from aiosmtpd.controller import Controller

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Count.received += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # type: ignore[attr-defined]
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""  # type: ignore[attr-defined]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False  # type: ignore[attr-defined]
    return controller


if __name__ == "__main__":
    main()
