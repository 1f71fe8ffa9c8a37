"""Factories of recognition/ tests: activity rows written directly (forum models do not
exist on this branch: rules read the forums contract's verbs from the activity log)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from community.models import ActivityEvent, Community, Member
from recognition.models import BadgeClass

_ids = itertools.count(1000)
T0 = timezone.now() - timedelta(days=400)


def event(
    verb: str,
    actor: Member | None,
    community: Community | None = None,
    *,
    at: datetime | None = None,
    **payload: Any,
) -> ActivityEvent:
    return ActivityEvent.objects.create(
        verb=verb,
        actor=actor,
        community=community,
        occurred_at=at or timezone.now(),
        payload=payload,
    )


def post(
    author: Member,
    community: Community,
    *,
    at: datetime | None = None,
    tags: list[str] | None = None,
    reply: bool = True,
) -> int:
    post_id = next(_ids)
    if reply:
        event(
            "forums.post_created",
            author,
            community,
            at=at,
            post_id=post_id,
            topic_id=1,
            topic_kind="question",
            topic_author_id=None,
            reply_to_member_id=None,
            tags=sorted(tags or []),
        )
    else:
        event(
            "forums.topic_created",
            author,
            community,
            at=at,
            topic_id=next(_ids),
            post_id=post_id,
            category_id=1,
            kind="question",
            tags=sorted(tags or []),
        )
    return post_id


def react(
    reactor: Member,
    author: Member,
    community: Community,
    post_id: int,
    *,
    at: datetime | None = None,
    tags: list[str] | None = None,
) -> ActivityEvent:
    return event(
        "forums.reaction_added",
        reactor,
        community,
        at=at,
        post_id=post_id,
        topic_id=1,
        emoji="👍",
        for_member_id=author.pk,
        tags=sorted(tags or []),
    )


def accept(
    asker: Member,
    author: Member,
    community: Community,
    post_id: int,
    *,
    at: datetime | None = None,
    tags: list[str] | None = None,
) -> ActivityEvent:
    return event(
        "forums.answer_accepted",
        asker,
        community,
        at=at,
        post_id=post_id,
        topic_id=1,
        for_member_id=author.pk,
        question_author_id=asker.pk,
        question_created_at=(at or timezone.now()).isoformat(),
        tags=sorted(tags or []),
    )


def badge(rule: str, slug: str | None = None, **kw: Any) -> BadgeClass:
    return BadgeClass.objects.create(
        slug=slug or rule.replace("_", "-"),
        rule=rule,
        name_en=kw.pop("name_en", rule),
        name_fr=kw.pop("name_fr", rule),
        description_en="d",
        description_fr="d",
        **kw,
    )
