"""An index on the activity log for the retention figure: every member's first
contribution in a community, read from the index alone (community, verb, actor, time)
instead of the whole table (at 5M events: from seconds to a fraction of a second).

It lives here rather than in community/ because analytics is its only reader; built
concurrently so that a large log stays writable while it is built."""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("analytics", "0002_schedules"),
        ("community", "0005_life_schedules"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS activity_cohort_idx "
            "ON community_activityevent (community_id, verb, actor_id, occurred_at) "
            "WHERE actor_id IS NOT NULL",
            "DROP INDEX CONCURRENTLY IF EXISTS activity_cohort_idx",
        )
    ]
