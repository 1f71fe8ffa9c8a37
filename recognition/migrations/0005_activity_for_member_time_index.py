"""The activity log's index on the member a payload names (``for_member_id``) gains the
event's time: a badge rule finds a member's first (or n-th) reaction, accepted answer,
kudos or "useful" vote received by reading that member's first index entries, in order,
instead of sorting every row of the verb (the nightly backfill). It replaces
``activity_for_member_idx`` (same leading columns, same predicate)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recognition", "0004_activity_verb_actor_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS activity_for_member_time_idx ON community_activityevent "
            "(((payload->>'for_member_id')::bigint), verb, occurred_at, id) "
            "WHERE payload ? 'for_member_id'",
            "DROP INDEX IF EXISTS activity_for_member_time_idx",
        ),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS activity_for_member_idx",
            "CREATE INDEX IF NOT EXISTS activity_for_member_idx ON community_activityevent "
            "(((payload->>'for_member_id')::bigint), verb) WHERE payload ? 'for_member_id'",
        ),
    ]
