"""An index on the reactions' post (``'post:' || post_id``, the per-post rule's target
key, only for ``forums.reaction_added`` rows): the nightly run re-counts only the posts
that received new reactions by reading their rows from the index, not every reaction."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recognition", "0005_activity_for_member_time_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS activity_reaction_post_idx ON community_activityevent "
            "(('post:' || (payload->>'post_id'))) WHERE verb = 'forums.reaction_added'",
            "DROP INDEX IF EXISTS activity_reaction_post_idx",
        ),
    ]
