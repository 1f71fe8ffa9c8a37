"""The newsletter dispatch schedule, stored with django-celery-beat so that it exists on a
fresh install and admins can see and change it in the admin. The dispatcher creates the
issues of the period that ended, starts the scheduled issues that are due and re-queues
what an interrupted run left unsent; running it more often than needed is harmless."""

from django.db import migrations

NAME = "Dispatch newsletters"
TASK = "community.dispatch_newsletters"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": interval, "enabled": True}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_newsletters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
