"""Badge rules at scale: the nightly backfill of every shipped rule over a large activity
log, and the evaluation triggered by one action.

Runs on a throwaway database (``bench_recognition_<name>``) created and dropped here.
Default size (quick): 2,000 members, 100,000 posts, 500,000 activity events. ``--full``
(or RECOGNITION_BENCH_FULL=1): 20,000 members, 1,000,000 posts (200k topics, 800k
replies), 5,000,000 activity events over two years — reactions, accepted answers,
mentoring sessions and completions, events, resources, surveys, kudos — written with
``INSERT … SELECT generate_series`` (no Python loop). Authors are skewed (a few members
write most), every post carries one of 50 tags.

Prints, per badge: time, grants, the Python peak memory (tracemalloc) and the PostgreSQL
temporary bytes written (sorts and hashes that spilled to disk); then the totals, and the
queries and time of one triggered evaluation.
``python -m bench recognition`` (quick) or ``python -m bench.recognition --full``.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from typing import Any

# Event mix for one "post" unit (fractions of the number of posts).
MIX = [
    # verb, per post, SQL for (actor, payload) given g (the row number) and p (a post id)
    ("forums.reaction_added", 2.5),
    ("forums.answer_accepted", 0.2),
    ("mentoring.session_held", 0.1),
    ("mentoring.mentorship_completed", 0.02),
    ("events.attended", 0.5),
    ("events.created", 0.02),
    ("resources.shared", 0.05),
    ("resources.found_useful", 0.2),
    ("surveys.answered", 0.1),
    ("recognition.kudos_given", 0.1),
    ("forums.post_edited", 0.21),
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()


def _populate(members: int, posts: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from community.models import Community, Member, Membership, User

    now = timezone.now()
    community = Community.objects.create(name="Bench", slug="bench", language="fr")
    password = make_password("bench-password-1234")
    users = User.objects.bulk_create(
        (User(email=f"m{i}@bench.example", password=password) for i in range(members)),
        batch_size=5000,
    )
    created = Member.objects.bulk_create(
        (Member(user=u, handle=f"m{i}", display_name=f"Membre {i}") for i, u in enumerate(users)),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (Membership(member=m, community=community, joined_at=now) for m in created),
        batch_size=5000,
    )
    first = created[0].pk
    # The author of post p (1..posts): skewed towards the first members, deterministic.
    h = "(mod({p}::bigint * 2654435761, 4294967296)::float8 / 4294967296.0)"

    def author(p: str) -> str:
        return f"({first} + floor(power({h.format(p=p)}, 2) * {members})::bigint)"

    def anyone(g: str) -> str:
        return f"({first} + floor(random() * {members})::bigint)"

    span = "interval '730 days'"
    at = f"now() - random() * {span}"
    tag = "jsonb_build_array('tag-' || mod({p}, 50))"
    payloads = {
        "forums.reaction_added": (
            anyone("g"),
            f"jsonb_build_object('post_id', p, 'topic_id', p / 5, 'emoji', '👍', "
            f"'for_member_id', {author('p')}, 'tags', {tag.format(p='p')})",
        ),
        "forums.answer_accepted": (
            anyone("g"),
            f"jsonb_build_object('post_id', p, 'topic_id', p / 5, 'for_member_id', "
            f"{author('p')}, 'question_author_id', 1, 'question_created_at', '2025-01-01', "
            f"'tags', {tag.format(p='p')})",
        ),
        "mentoring.session_held": (
            anyone("g"),
            f"jsonb_build_object('mentorship_id', mod(g, 5000), 'duration_minutes', 60, "
            f"'mentor_ids', jsonb_build_array({author('p')}), 'learner_ids', "
            f"jsonb_build_array({anyone('g')}), 'skill_ids', '[]'::jsonb)",
        ),
        "mentoring.mentorship_completed": (
            anyone("g"),
            f"jsonb_build_object('mentorship_id', g, 'reciprocal', mod(g, 3) = 0, 'member_ids', "
            f"jsonb_build_array({author('p')}, {anyone('g')}), 'directions', "
            f"jsonb_build_array(jsonb_build_object('mentor_id', {author('p')}, "
            f"'learner_id', {anyone('g')}, 'skill_id', 1)))",
        ),
        "events.attended": (
            author("p"),
            "jsonb_build_object('event_id', mod(g, 20000), 'kind', 'workshop', 'marked_by_id', 1)",
        ),
        "events.created": (author("p"), "jsonb_build_object('event_id', g, 'kind', 'meetup')"),
        "resources.shared": (
            author("p"),
            f"jsonb_build_object('resource_id', g, 'kind', 'link', 'tags', {tag.format(p='g')})",
        ),
        "resources.found_useful": (
            anyone("g"),
            f"jsonb_build_object('resource_id', p, 'for_member_id', {author('p')})",
        ),
        "surveys.answered": (anyone("g"), "jsonb_build_object('survey_id', mod(g, 500))"),
        "recognition.kudos_given": (
            anyone("g"),
            f"jsonb_build_object('kudos_id', g, 'for_member_id', {author('p')}, "
            "'about', 'general')",
        ),
        "forums.post_edited": (author("p"), "jsonb_build_object('post_id', p, 'topic_id', p)"),
    }
    insert = (
        "INSERT INTO community_activityevent (actor_id, verb, community_id, occurred_at, payload) "
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Load without the secondary indexes, then build them once (much faster).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'community_activityevent' AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Posts: the first fifth open topics, the rest are replies.
        topics = posts // 5
        cursor.execute(
            insert + f"SELECT {author('g')}, 'forums.topic_created', %s, {at}, "
            f"jsonb_build_object('topic_id', g, 'post_id', g, 'category_id', 1, 'kind', "
            f"'question', 'tags', {tag.format(p='g')}) FROM generate_series(1, %s) g",
            [community.pk, topics],
        )
        cursor.execute(
            insert + f"SELECT {author('g')}, 'forums.post_created', %s, {at}, "
            f"jsonb_build_object('post_id', g, 'topic_id', g / 5, 'topic_kind', 'question', "
            f"'topic_author_id', 1, 'reply_to_member_id', NULL, 'tags', {tag.format(p='g')}) "
            f"FROM generate_series(%s, %s) g",
            [community.pk, topics + 1, posts],
        )
        for verb, per_post in MIX:
            actor, payload = payloads[verb]
            n = int(posts * per_post)
            cursor.execute(
                insert + f"SELECT {actor}, %s, %s, {at}, {payload} FROM "
                f"(SELECT g, 1 + floor(random() * {posts})::bigint AS p "
                f"FROM generate_series(1, %s) g) s",
                [verb, community.pk, n],
            )
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE community_activityevent")
        cursor.execute("SELECT count(*) FROM community_activityevent")
        total = cursor.fetchone()[0]
    print(
        f"dataset: {members:,} members, {posts:,} posts, {total:,} activity events "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    return {"community": community, "members": members, "events": total}


def _temp_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _backfill(label: str, *, full: bool = True) -> None:
    from recognition.catalogue import install_default_badges
    from recognition.services import awarding

    install_default_badges()
    print(f"\n{label}")
    print(f"{'badge (rule)':<52} {'time':>8} {'grants':>8} {'py peak':>9} {'pg temp':>9}")
    total_time, total_grants = 0.0, 0
    peak = 0
    for badge in awarding.enabled_badges():
        temp0 = _temp_bytes()
        tracemalloc.start()
        started = time.perf_counter()
        outcome = awarding.run_backfill(badge_ids=[badge.pk], full=full)[badge.slug]
        elapsed = time.perf_counter() - started
        _current, badge_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        time.sleep(0.6)  # pg_stat_database is updated by the backend about twice a second
        temp = _temp_bytes() - temp0
        peak = max(peak, badge_peak)
        total_time += elapsed
        total_grants += outcome.granted + outcome.revoked
        print(
            f"{badge.slug + ' (' + badge.rule + ')':<52} {elapsed:7.2f}s {outcome.granted:>8,} "
            f"{badge_peak / 1e6:7.1f}MB {temp / 1e6:7.0f}MB",
            flush=True,
        )
    print(f"{'TOTAL':<52} {total_time:7.2f}s {total_grants:>8,} {peak / 1e6:7.1f}MB", flush=True)


def _one_more_day(members: int, posts: int) -> None:
    """A day of activity (1/730 of the log, the same mix), recorded after the backfill."""
    from django.db import connection

    from community.models import Member

    first = Member.objects.order_by("pk").values_list("pk", flat=True).first()
    day_posts = max(posts // 730, 10)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO community_activityevent (actor_id, verb, community_id, occurred_at, "
            "payload) SELECT %s + floor(power(random(), 2) * %s)::bigint, 'forums.post_created', "
            "(SELECT min(id) FROM community_community), now(), jsonb_build_object('post_id', "
            "%s + g, 'topic_id', g, 'tags', jsonb_build_array('tag-' || mod(g, 50)))"
            " FROM generate_series(1, %s) g",
            [first, members, posts, day_posts],
        )
        anyone = f"{first} + floor(power(random(), 2) * {members})::bigint"
        extra = {
            "forums.reaction_added": f"'for_member_id', {anyone}, ",
            "forums.answer_accepted": f"'for_member_id', {anyone}, ",
            "resources.found_useful": f"'for_member_id', {anyone}, ",
            "recognition.kudos_given": f"'for_member_id', {anyone}, ",
            "mentoring.session_held": f"'mentor_ids', jsonb_build_array({anyone}), ",
            "mentoring.mentorship_completed": (
                f"'reciprocal', true, 'member_ids', jsonb_build_array({anyone}, {anyone}), "
            ),
        }
        for verb, per_post in MIX:
            cursor.execute(
                "INSERT INTO community_activityevent (actor_id, verb, community_id, "
                f"occurred_at, payload) SELECT {anyone}, %s, "
                "(SELECT min(id) FROM community_community), now(), jsonb_build_object("
                f"{extra.get(verb, '')}'post_id', g, "
                "'tags', jsonb_build_array('tag-' || mod(g, 50))) "
                "FROM generate_series(1, %s) g",
                [verb, max(int(day_posts * per_post), 1)],
            )
        cursor.execute(
            "SELECT count(*) FROM community_activityevent WHERE occurred_at > "
            "now() - interval '1 minute'"
        )
        print(f"\none more day: {cursor.fetchone()[0]:,} new activity events", flush=True)


def _triggered() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from community.models import ActivityEvent
    from recognition.services import awarding

    sample = ActivityEvent.objects.filter(verb="forums.answer_accepted").order_by("-id").first()
    if sample is None:
        return
    times = []
    for _ in range(5):
        with transaction.atomic():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                awarding.evaluate_events([sample.pk])
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    times.sort()
    print(
        f"triggered evaluation after one accepted answer: {len(ctx.captured_queries)} queries, "
        f"median {times[2]:.0f} ms"
    )


def main() -> None:
    _setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    full = "--full" in sys.argv or os.environ.get("RECOGNITION_BENCH_FULL") == "1"
    members, posts = (20_000, 1_000_000) if full else (2_000, 100_000)
    setup_test_environment()
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_recognition_{connection.settings_dict['NAME']}"
    )
    keep = "--keep" in sys.argv  # keep the database (and reuse it next time with --reuse)
    reuse = "--reuse" in sys.argv
    if reuse:
        connection.close()
        connection.settings_dict["NAME"] = connection.settings_dict["TEST"]["NAME"]
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # Notification emails leave from their own task (another worker in production):
        # not part of what is measured here.
        from community import tasks as community_tasks

        community_tasks.send_notification_emails_task.apply_async = (  # type: ignore[method-assign]
            lambda *args, **kwargs: None
        )
        # Load the URLconf (every app's views) once, as a running worker has: the first
        # notification's reverse() would otherwise count it.
        from django.urls import reverse

        reverse("recognition:mine")
        if not reuse:
            _populate(members, posts)
            if "--populate-only" in sys.argv:  # build the dataset once (with --keep)
                return
            _backfill("Full backfill, first run (every rule for everyone, grants written)")
        if "--incremental-only" not in sys.argv:
            _backfill("Full backfill again (every rule for everyone, nothing new: the rules' cost)")
        _one_more_day(members, posts)
        _backfill("Nightly incremental backfill after that day", full=False)
        _triggered()
    finally:
        if not keep:
            connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
