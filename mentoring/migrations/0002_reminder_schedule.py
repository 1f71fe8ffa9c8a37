"""The periodic schedule of mentoring/ (django-celery-beat), so that it exists on a fresh
install and admins can see and change it: reminders to pairs that have not met."""

from django.db import migrations

SCHEDULES = [
    # (name, task, every N hours)
    ("Remind mentoring pairs that have not met", "mentoring.remind_stalled_pairs", 24),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hours in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=hours, period="hours")
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
