"""Monthly snapshot at scale: one community-month computed over a growing activity log.

A throwaway database (``bench_analytics_<name>``, created and dropped here) gets 20,000
members in ten communities (a national one with two chapters, whose snapshot is timed,
covering 30 % of the log) and activity events spread over two years, generated inside
PostgreSQL (``INSERT … SELECT generate_series``): 20 % are ``forums.post_created`` (so
5M events carry 1M posts), then reactions, topics (30 % questions), accepted answers,
RSVPs and attendance, resources, mentoring sessions, kudos, badges… with the payloads of
docs/activity.md (tags from a vocabulary of 40, one or two per post).

The log is written in time order, as the platform writes it (rows of one month sit
together, which the BRIN index on time relies on): each size is generated afresh, with the
indexes dropped during the load and rebuilt after it, and foreign-key triggers off while
loading (``session_replication_role = replica``; the ids are valid by construction).

At each size the snapshot of the national community for last month is computed in a
fresh process (so its peak memory, max RSS, is its own), three times; the median is kept.

``python -m bench analytics`` (or ``make bench``): 0.2M and 0.5M events;
``python -m bench.analytics --full`` (or ``ANALYTICS_BENCH_FULL=1``): 0.5M, 1M, 2M, 5M.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

SMALL = (200_000, 500_000)
FULL = (500_000, 1_000_000, 2_000_000, 5_000_000)
MEMBERS = 20_000
CHUNK = 500_000

# verb, cumulative share
VERBS = [
    ("forums.post_created", 0.20),
    ("forums.reaction_added", 0.45),
    ("forums.topic_created", 0.49),
    ("forums.answer_accepted", 0.50),
    ("forums.post_edited", 0.60),
    ("events.rsvp", 0.68),
    ("events.attended", 0.73),
    ("resources.shared", 0.75),
    ("resources.found_useful", 0.80),
    ("mentoring.session_held", 0.82),
    ("recognition.kudos_given", 0.85),
    ("recognition.badge_granted", 0.87),
    ("recognition.skill_endorsed", 0.88),
    ("community.joined", 0.90),
    ("community.charter_accepted", 0.92),
    ("surveys.answered", 0.95),
    ("member.profile_updated", 1.00),
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()


def _verb_case() -> str:
    parts = [f"WHEN r < {share} THEN '{verb}'" for verb, share in VERBS]
    return "CASE " + " ".join(parts) + " END"


def _populate_people() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from community.models import Community, Member, User

    nation = Community.objects.create(name="Nation", slug="nation")
    chapters = [
        Community.objects.create(name=f"Chapter {i}", slug=f"chapter-{i}", parent=nation)
        for i in (1, 2)
    ]
    others = [Community.objects.create(name=f"Other {i}", slug=f"other-{i}") for i in range(7)]
    password = make_password("bench-password-1234")
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example", password=password) for i in range(MEMBERS)],
        batch_size=5000,
    )
    members = Member.objects.bulk_create(
        [
            Member(user=u, display_name=f"Member {i}", handle=f"m{i}", languages=["fr"])
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    ids = [c.pk for c in [nation, *chapters, *others]]
    low = members[0].pk
    with connection.cursor() as cursor:
        # Each member in one community, one in five in a second one too.
        cursor.execute(
            """
            INSERT INTO community_membership (member_id, community_id, role, status,
                request_message, joined_at, accepted_charter_version, silence_reason,
                ban_reason, updated_at)
            SELECT m, (%(ids)s::int[])[1 + (m %% 10)],
                   CASE WHEN m %% 200 = 0 THEN 'animator' ELSE 'member' END, 'active', '',
                   now() - random() * interval '800 days', 0, '', '', now()
            FROM generate_series(%(low)s, %(high)s) m
            UNION ALL
            SELECT m, (%(ids)s::int[])[1 + ((m + 3) %% 10)], 'member', 'active', '',
                   now() - random() * interval '800 days', 0, '', '', now()
            FROM generate_series(%(low)s, %(high)s) m WHERE m %% 5 = 0
            """,
            {"ids": ids, "low": low, "high": low + MEMBERS - 1},
        )
    return {"nation": nation, "community_ids": ids, "low": low}


def _load_events(total: int, data: dict[str, Any]) -> None:
    """``total`` events over two years in time order, generated inside PostgreSQL in
    chunks. Actors are skewed towards a core of regulars (random() squared)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE community_activityevent")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'community_activityevent' AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total) - 1
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO community_activityevent
                    (actor_id, verb, community_id, target_id, occurred_at, payload)
                SELECT actor, verb, community, g, ts,
                    CASE
                    WHEN verb = 'forums.post_created' THEN jsonb_build_object(
                        'post_id', g, 'topic_id', topic, 'topic_kind', 'question',
                        'topic_author_id', other, 'reply_to_member_id', NULL, 'tags', tags)
                    WHEN verb = 'forums.topic_created' THEN jsonb_build_object(
                        'topic_id', topic, 'post_id', g, 'category_id', 1,
                        'kind', CASE WHEN r2 < 0.3 THEN 'question' ELSE 'discussion' END,
                        'tags', tags)
                    WHEN verb = 'forums.reaction_added' THEN jsonb_build_object(
                        'post_id', g - 7, 'topic_id', topic, 'emoji', '+1',
                        'for_member_id', other, 'tags', tags)
                    WHEN verb = 'forums.answer_accepted' THEN jsonb_build_object(
                        'post_id', g - 3, 'topic_id', topic, 'for_member_id', other,
                        'question_author_id', actor,
                        'question_created_at', ts - r2 * interval '72 hours', 'tags', tags)
                    WHEN verb = 'mentoring.session_held' THEN jsonb_build_object(
                        'mentorship_id', topic %% 500, 'duration_minutes', 30 + (g %% 4) * 15)
                    WHEN verb IN ('events.attended', 'events.rsvp') THEN jsonb_build_object(
                        'event_id', topic %% 2000, 'kind', 'meetup', 'status', 'going')
                    WHEN verb = 'resources.shared' THEN jsonb_build_object(
                        'resource_id', g, 'kind', 'link', 'tags', tags)
                    WHEN verb = 'recognition.badge_granted' THEN jsonb_build_object(
                        'badge_id', g %% 20, 'backfill', false)
                    ELSE jsonb_build_object('for_member_id', other)
                    END
                FROM (
                    SELECT g, r, r2,
                        %(low)s + floor(power(random(), 2) * {MEMBERS})::int AS actor,
                        %(low)s + floor(random() * {MEMBERS})::int AS other,
                        (%(ids)s::int[])[1 + floor(random() * 10)::int] AS community,
                        now() - interval '730 days' * (1 - g::float / %(total)s) AS ts,
                        -- replies go to the topics of the last few days (ids grow with time)
                        greatest(0, floor(g::float / 25 - random() * 400))::int AS topic,
                        CASE WHEN random() < 0.6 THEN jsonb_build_array(
                                 'tag-' || floor(random() * 30)::int)
                             ELSE jsonb_build_array('tag-' || floor(random() * 30)::int,
                                 'tag-' || (30 + floor(random() * 10)::int))
                        END AS tags,
                        {_verb_case()} AS verb
                    FROM (SELECT g, random() AS r, random() AS r2
                          FROM generate_series(%(lo)s, %(hi)s) g) base
                ) s
                """,
                {
                    "low": data["low"],
                    "ids": data["community_ids"],
                    "lo": lo,
                    "hi": hi,
                    "total": total,
                },
            )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE community_activityevent")


def run_one(community_id: int, month: str) -> dict[str, Any]:
    """One snapshot in this (fresh) process: seconds per metric, total, peak memory."""
    _setup()
    from datetime import date

    # A worker's process is warm: connections open, modules imported (the first cache
    # access imports the Redis client, ~2 s, once per process).
    from django.core.cache import cache

    from analytics import services
    from analytics.registry import all_metrics
    from community.models import Community

    cache.get("bench-warm-up")
    Community.objects.exists()
    started = time.perf_counter()
    services.compute_snapshot(community_id=community_id, month=date.fromisoformat(month))
    seconds = time.perf_counter() - started
    # Then each metric alone (a second pass: the pages it reads are now cached).
    scope = services.build_scope(Community.objects.get(pk=community_id), date.fromisoformat(month))
    timings = {}
    for metric in all_metrics():
        t = time.perf_counter()
        metric.compute(scope)
        timings[metric.key] = round(time.perf_counter() - t, 3)
    return {
        "seconds": round(seconds, 3),
        "timings": timings,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _database_url(db: dict[str, Any]) -> str:
    host, port, user = db.get("HOST") or "", db.get("PORT") or "", db.get("USER") or ""
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    if str(host).startswith("/"):
        return f"postgres://{auth}/{db['NAME']}?host={host}"
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def _subprocess(url: str, community_id: int, month: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.analytics", "--one", str(community_id), month],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(full: bool | None = None) -> None:
    if full is None:
        full = os.environ.get("ANALYTICS_BENCH_FULL") == "1" or "--full" in sys.argv
    sizes = FULL if full else SMALL
    _setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from analytics.months import add_months, current_month

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_analytics_{connection.settings_dict['NAME']}"
    )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        data = _populate_people()
        print(f"{MEMBERS:,} members in 10 communities in {time.perf_counter() - started:.1f} s")
        url = _database_url({**connection.settings_dict, "NAME": name})
        month = add_months(current_month(), -1).isoformat()
        print(
            f"{'events':>10} | {'posts':>9} | {'generated in':>12} | {'snapshot (median)':>17} "
            f"| {'slowest metric':<28} | {'peak RSS':>8}"
        )
        for size in sizes:
            started = time.perf_counter()
            _load_events(size, data)
            generated = time.perf_counter() - started
            runs = [_subprocess(url, data["nation"].pk, month) for _ in range(3)]
            seconds = statistics.median(r["seconds"] for r in runs)
            worst = max(runs[-1]["timings"].items(), key=lambda kv: kv[1])
            rss = max(r["rss_mb"] for r in runs)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM community_activityevent "
                    "WHERE verb = 'forums.post_created'"
                )
                (posts,) = cursor.fetchone()
            print(
                f"{size:>10,} | {posts:>9,} | {generated:>10.1f} s | {seconds:>15.2f} s "
                f"| {worst[0] + f' {worst[1]:.2f} s':<28} | {rss:>5.0f} MB"
            )
        print("per metric at the largest size:", json.dumps(runs[-1]["timings"]))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]), sys.argv[3])))
    else:
        main()
