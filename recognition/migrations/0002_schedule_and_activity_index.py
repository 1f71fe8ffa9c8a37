"""The nightly badge backfill (django-celery-beat, editable in the admin), and an index on
the activity log for the rules that find members in the payload (``for_member_id``: the
author of the post reacted to, of the accepted answer...), so that an evaluation after an
action reads only the rows of the members concerned."""

from django.db import migrations

SCHEDULES = [
    # (name, task, hour of the night, UTC)
    ("Recognition: evaluate every badge rule for everyone", "recognition.backfill", 2),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="15", hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*"
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0001_badges_kudos_endorsements"),
        ("community", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create, remove),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS activity_for_member_idx ON community_activityevent "
            "(((payload->>'for_member_id')::bigint), verb) WHERE payload ? 'for_member_id'",
            "DROP INDEX IF EXISTS activity_for_member_idx",
        ),
    ]
