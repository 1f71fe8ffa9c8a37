"""The periodic schedules of analytics/ (django-celery-beat), so that they exist on a fresh
install and admins can see and change them: the final figures of the previous month on
the 1st early in the morning, and a daily refresh of the current month's provisional ones."""

from django.db import migrations

SCHEDULES = [
    # (name, task, crontab: minute, hour, day of month)
    (
        "Monthly dashboards: final figures of last month",
        "analytics.snapshot_previous_month",
        "30",
        "4",
        "1",
    ),
    (
        "Monthly dashboards: refresh this month's figures",
        "analytics.refresh_current_month",
        "15",
        "5",
        "*",
    ),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day,
            month_of_year="*",
            day_of_week="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "interval": None, "enabled": True},
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_monthly_snapshot"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
