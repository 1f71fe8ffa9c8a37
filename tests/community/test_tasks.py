"""community/ tasks, run by a real Celery worker on real Redis."""

from __future__ import annotations

import time

import pytest

from community import services
from community.models import Notification
from tests.factories import CommunityFactory, MembershipFactory, with_charter


def wait_for(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
def test_new_charter_notices_fan_out_in_the_worker(celery_worker_process: object) -> None:
    # given a community whose three members accepted version 1
    community = CommunityFactory()
    with_charter(community)
    members = [MembershipFactory(community=community).member for _ in range(3)]
    # when version 2 is published (the request only enqueues the fan-out)
    services.publish_charter(community=community, text="Version 2", by=None)
    # then the worker notifies each member once
    assert wait_for(
        lambda: Notification.objects.filter(kind="community.charter_updated").count() == 3
    )
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        m.pk for m in members
    )
    for member in members:
        member.refresh_from_db()
        assert member.unread_notifications == 1


@pytest.mark.celery_worker
def test_the_same_task_delivered_twice_notifies_once(celery_worker_process: object) -> None:
    from community.tasks import notify_charter_updated_task

    community = CommunityFactory()
    with_charter(community)
    with_charter(community, "v2")
    MembershipFactory(community=community, accepted_charter_version=1)
    first = notify_charter_updated_task.delay(community.pk, 2)
    second = notify_charter_updated_task.delay(community.pk, 2)
    assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [0, 1]
    assert Notification.objects.filter(kind="community.charter_updated").count() == 1
