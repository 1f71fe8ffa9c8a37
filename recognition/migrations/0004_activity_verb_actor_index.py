"""An index on the activity log for the badge rules that count a member's own actions:
(verb, actor, time) finds the rows of one verb for some members directly (the evaluation
after an action, the nightly incremental backfill), and hands a verb's rows already in
(member, time) order to the full backfill."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recognition", "0003_badge_watermark"), ("community", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS activity_verb_actor_idx ON community_activityevent "
            "(verb, actor_id, occurred_at) INCLUDE (community_id)",
            "DROP INDEX IF EXISTS activity_verb_actor_idx",
        )
    ]
