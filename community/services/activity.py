from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from community.activity import get_verb, listeners_for
from community.models import ActivityEvent, Community, Member


def record_activity(
    *,
    actor: Member | None,
    verb: str,
    community: Community | None = None,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> ActivityEvent:
    """Record one meaningful action. Must run inside the caller's transaction, so that the
    action and its record commit (or roll back) together."""
    get_verb(verb)  # refuses unregistered verbs
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_activity() must be called inside the action's transaction.")
    event = ActivityEvent(
        actor=actor,
        verb=verb,
        community=community,
        payload=payload or {},
    )
    if occurred_at is not None:
        event.occurred_at = occurred_at
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = target.pk
    event.save()
    for callback in listeners_for(verb):
        transaction.on_commit(partial(callback, [event.pk]))
    return event
