"""A small crafted network (a national community with two chapters) whose October 2026
figures are worked out by hand in test_metrics.py."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from community.models import ActivityEvent, Community, Member
from community.models.communities import MembershipStatus, Role
from mentoring.models import Mentorship
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory

OCTOBER = date(2026, 10, 1)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def record(
    verb: str,
    actor: Member | None,
    community: Community,
    when: datetime,
    **payload: Any,
) -> ActivityEvent:
    """An activity row as the apps record it (the ORM, not the verb registry: forums and
    recognition are other branches)."""
    return ActivityEvent.objects.create(
        verb=verb, actor=actor, community=community, occurred_at=when, payload=payload
    )


@dataclass
class Network:
    nation: Community
    chapter_a: Community
    chapter_b: Community
    alice: Member
    bob: Member
    carol: Member
    dave: Member
    erin: Member
    anim: Member


def topic(
    community: Community, author: Member, when: datetime, topic_id: int, kind: str, tags: list[str]
) -> None:
    record(
        "forums.topic_created",
        author,
        community,
        when,
        topic_id=topic_id,
        post_id=topic_id * 100,
        category_id=1,
        kind=kind,
        tags=sorted(tags),
    )


def reply(
    community: Community,
    author: Member,
    when: datetime,
    topic_id: int,
    topic_author: Member,
    tags: list[str],
    kind: str = "question",
) -> None:
    record(
        "forums.post_created",
        author,
        community,
        when,
        post_id=topic_id * 100 + when.hour,
        topic_id=topic_id,
        topic_kind=kind,
        topic_author_id=topic_author.pk,
        reply_to_member_id=None,
        tags=sorted(tags),
    )


def accept(
    community: Community,
    by: Member,
    when: datetime,
    topic_id: int,
    answer_author: Member,
    question_author: Member,
    asked: datetime,
) -> None:
    record(
        "forums.answer_accepted",
        by,
        community,
        when,
        post_id=topic_id * 100 + 1,
        topic_id=topic_id,
        for_member_id=answer_author.pk,
        question_author_id=question_author.pk,
        question_created_at=asked.isoformat(),
        tags=[],
    )


@pytest.fixture
def network(db: None) -> Network:
    nation = CommunityFactory(name="Nation", slug="nation")
    a = CommunityFactory(name="Chapter A", slug="chapter-a", parent=nation)
    b = CommunityFactory(name="Chapter B", slug="chapter-b", parent=nation)
    alice, bob, carol, dave, erin, anim, frank, gina = (
        MemberFactory(display_name=n)
        for n in ("Alice", "Bob", "Carol", "Dave", "Erin", "Anim", "Frank", "Gina")
    )
    jan = at(1, 10)
    MembershipFactory(member=alice, community=a, joined_at=jan)
    MembershipFactory(member=alice, community=b, joined_at=at(10, 2))  # second chapter
    MembershipFactory(member=bob, community=a, joined_at=jan)
    MembershipFactory(member=carol, community=b, joined_at=at(10, 3))  # new in October
    MembershipFactory(member=dave, community=nation, joined_at=jan)
    MembershipFactory(member=erin, community=nation, joined_at=jan)
    MembershipFactory(member=anim, community=nation, joined_at=jan, role=Role.ANIMATOR)
    MembershipFactory(
        member=frank,
        community=a,
        joined_at=jan,
        status=MembershipStatus.LEFT,
        left_at=at(10, 15),
    )
    MembershipFactory(member=gina, community=b, joined_at=at(11, 2))  # after October

    # Before October: dave contributed in July, erin and bob in September.
    record("resources.shared", dave, nation, at(7, 4), resource_id=1, kind="link", tags=[])
    topic(nation, erin, at(9, 28, 10), 10, "question", [])
    reply(nation, bob, at(9, 29, 9), 10, erin, [])

    # October. q1 in chapter A: asked 10:00, alice's own reply 11:00, bob 13:00 (3 h),
    # bob's answer accepted the next day (24 h).
    topic(a, alice, at(10, 2, 10), 1, "question", ["python", "sql"])
    reply(a, alice, at(10, 2, 11), 1, alice, ["python", "sql"])
    reply(a, bob, at(10, 2, 13), 1, alice, ["python", "sql"])
    accept(a, alice, at(10, 3, 10), 1, bob, alice, at(10, 2, 10))
    # q2 in chapter B: answered only by its author, who accepts their own answer.
    topic(b, carol, at(10, 5, 8), 2, "question", ["python"])
    reply(b, carol, at(10, 5, 9), 2, carol, ["python"])
    accept(b, carol, at(10, 6, 9), 2, carol, carol, at(10, 5, 8))
    # t3: a discussion by the animator, untagged, one reply.
    topic(nation, anim, at(10, 10, 9), 3, "discussion", [])
    reply(nation, alice, at(10, 10, 12), 3, anim, [], kind="discussion")
    # q4: first reply after 12 hours, never accepted.
    topic(nation, dave, at(10, 20, 12), 4, "question", ["sql"])
    reply(nation, alice, at(10, 21, 0), 4, dave, ["sql"])
    # erin's September question solved on October 1st (72 h), accepted by the animator.
    accept(nation, anim, at(10, 1, 10), 10, bob, erin, at(9, 28, 10))
    # Reactions, a resource, kudos, badges, an endorsement, attendance, a session.
    for who in (carol, carol, dave):
        record("forums.reaction_added", who, a, at(10, 12), post_id=100, topic_id=1, emoji="+1")
    record("resources.shared", dave, nation, at(10, 8), resource_id=2, kind="link", tags=["python"])
    record("recognition.kudos_given", bob, a, at(10, 9), kudos_id=1, for_member_id=alice.pk)
    record("recognition.badge_granted", alice, a, at(10, 9), badge_id=1, backfill=False)
    record("recognition.badge_granted", bob, a, at(10, 9), badge_id=2, backfill=True)
    record("recognition.skill_endorsed", carol, b, at(10, 9), endorsement_id=1, member_id=alice.pk)
    record("events.attended", dave, nation, at(10, 14), event_id=7, kind="meetup")
    record("events.attended", carol, nation, at(10, 14), event_id=7, kind="meetup")
    record("mentoring.session_held", alice, a, at(10, 16), mentorship_id=1, duration_minutes=90)
    # After October (ignored).
    record("events.attended", erin, nation, at(11, 3), event_id=8, kind="meetup")

    def pair(x: Member, y: Member, community: Community, **kw: Any) -> None:
        low, high = sorted((x, y), key=lambda m: m.pk)
        Mentorship.objects.create(community=community, member_a=low, member_b=high, **kw)

    pair(alice, bob, a, status="active", started_at=at(10, 5))
    pair(dave, erin, nation, status="active", started_at=at(9, 1))
    pair(carol, dave, nation, status="ended", started_at=at(8, 1), ended_at=at(9, 20))
    return Network(nation, a, b, alice, bob, carol, dave, erin, anim)


def entropy(weights: list[float]) -> float:
    total = sum(weights)
    return -sum(w / total * math.log(w / total) for w in weights)


@pytest.fixture
def client_for(client_for: Any) -> Any:
    """Logged-in clients that read the pages in English (the language cookie)."""
    from django.conf import settings

    def make(member: Member | None) -> Any:
        client = client_for(member)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
