"""Tasks, schedules and a snapshot produced by a real Celery worker over real Redis."""

from __future__ import annotations

import importlib
import subprocess

import pytest
from django.apps import apps as global_apps
from django_celery_beat.models import PeriodicTask

from analytics.models import MonthlySnapshot
from analytics.months import add_months, current_month
from analytics.tasks import (
    compute_snapshot_task,
    refresh_current_month_task,
    snapshot_previous_month_task,
)
from config.celery import app
from tests.analytics.conftest import OCTOBER, Network


@pytest.mark.celery_worker
def test_a_real_worker_produces_the_snapshot(
    celery_worker_process: subprocess.Popen[bytes], network: Network
) -> None:
    result = compute_snapshot_task.delay(network.nation.pk, OCTOBER.isoformat())
    pk = result.get(timeout=60)
    snapshot = MonthlySnapshot.objects.get(pk=pk)
    assert (snapshot.community_id, snapshot.month, snapshot.provisional) == (
        network.nation.pk,
        OCTOBER,
        False,
    )
    assert (snapshot.members_total, snapshot.members_active, snapshot.contributions) == (6, 5, 14)
    # Delivered twice (a redelivery after a lost worker): still one row, same figures.
    again = compute_snapshot_task.delay(network.nation.pk, OCTOBER.isoformat()).get(timeout=60)
    assert again == pk
    assert MonthlySnapshot.objects.filter(community=network.nation).count() == 1


def test_the_celery_settings_suit_long_idempotent_tasks() -> None:
    conf = app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_serializer, conf.result_serializer, conf.accept_content) == (
        "json",
        "json",
        ["json"],
    )
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit


@pytest.mark.django_db
def test_the_periodic_tasks_fan_out_one_task_per_community(network: Network) -> None:
    assert refresh_current_month_task() == 3
    assert set(
        MonthlySnapshot.objects.filter(month=current_month()).values_list("provisional", flat=True)
    ) == {True}
    assert snapshot_previous_month_task() == 3
    last = MonthlySnapshot.objects.filter(month=add_months(current_month(), -1))
    assert last.count() == 3 and not last.filter(provisional=True).exists()


@pytest.mark.django_db
def test_the_schedules_exist_once_even_if_created_again() -> None:
    migration = importlib.import_module("analytics.migrations.0002_schedules")
    migration.create(global_apps, None)
    migration.create(global_apps, None)
    monthly = PeriodicTask.objects.get(task="analytics.snapshot_previous_month")
    daily = PeriodicTask.objects.get(task="analytics.refresh_current_month")
    assert (monthly.crontab.day_of_month, monthly.crontab.hour, monthly.crontab.minute) == (
        "1",
        "4",
        "30",
    )
    assert (daily.crontab.day_of_month, daily.crontab.hour) == ("*", "5")
    assert monthly.enabled and daily.enabled
