"""forums/'s newsletter sections: the top discussions of the period in the member's
communities, and the open questions of the period they could answer (tags they follow or
skills they teach). Each `prepare` fetches what a whole chunk of recipients needs in a
fixed number of queries; `build` picks the member's part, keeping only the categories
their role may read (no per-member query)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from community.models import Community, Member, Membership
from community.models.communities import MembershipStatus, Role
from community.newsletters import DigestPeriod, NewsletterSection, absolute_url, register_section
from forums.models import FollowLevel, Post, Reaction, TagFollow, Topic, TopicKind

TOP_KEY = "forums.top"
QUESTIONS_KEY = "forums.questions"
SHOWN = 5
# Unanswered questions fetched per chunk at most (the newest first).
QUESTION_CANDIDATES = 500
SEES_EVERY_CATEGORY = {Role.ANIMATOR, Role.MANAGER}


def _roles(members: list[Member], communities: list[Community]) -> dict[tuple[int, int], str]:
    """(member id, community id) → role, for active memberships only (one query)."""
    return {
        (member_id, community_id): role
        for member_id, community_id, role in Membership.objects.filter(
            member_id__in=[m.pk for m in members],
            community_id__in=[c.pk for c in communities],
            status=MembershipStatus.ACTIVE,
        ).values_list("member_id", "community_id", "role")
    }


def _may_read(role: str | None, topic: Topic) -> bool:
    if role is None:
        return False
    allowed = topic.category.allowed_roles
    return not allowed or role in SEES_EVERY_CATEGORY or role in allowed


def _readable_topics(communities: list[Community], period: DigestPeriod) -> QuerySet[Topic]:
    """Topics opened in the period, not deleted, whose opening post is visible."""
    opening_hidden = Post.objects.filter(topic=OuterRef("pk"), number=1).filter(
        Q(hidden_at__isnull=False) | Q(deleted_at__isnull=False)
    )
    return (
        Topic.objects.filter(
            community__in=communities,
            created_at__gte=period.start,
            created_at__lt=period.end,
            deleted_at__isnull=True,
        )
        .exclude(Exists(opening_hidden))
        .select_related("community", "category")
    )


def _row(topic: Topic, **extra: Any) -> dict[str, Any]:
    return {
        "title": topic.title,
        "url": absolute_url(topic.get_absolute_url()),
        "community": topic.community.name,
        "category": topic.category.name,
        **extra,
    }


# --- Top discussions ------------------------------------------------------------------


def prepare_top(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[str, Any]:
    reactions = (
        Reaction.objects.filter(
            post__topic=OuterRef("pk"), post__hidden_at__isnull=True, post__deleted_at__isnull=True
        )
        .order_by()
        .values("post__topic")
        .annotate(n=Count("*"))
        .values("n")
    )
    # The five best of each category: whatever categories a member may read, their top
    # five is among these rows (one query, at most 5 rows per category).
    rows = (
        _readable_topics(communities, period)
        .annotate(
            reactions=Coalesce(Subquery(reactions, output_field=IntegerField()), Value(0)),
        )
        .annotate(score=F("reply_count") + F("reactions"))
        .filter(score__gt=0)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("score").desc(), F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=SHOWN)
    )
    by_community: dict[int, list[Topic]] = defaultdict(list)
    for topic in rows:
        by_community[topic.community_id].append(topic)
    return {"topics": by_community, "roles": _roles(members, communities)}


def build_top(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    data = period.data.get(TOP_KEY) or prepare_top([member], communities, period)
    topics = sorted(
        (
            t
            for c in communities
            for t in data["topics"].get(c.pk, [])
            if _may_read(data["roles"].get((member.pk, c.pk)), t)
        ),
        key=lambda t: (-t.score, -t.created_at.timestamp(), -t.pk),
    )[:SHOWN]
    if not topics:
        return None
    return {
        "topics": [
            _row(t, replies=t.reply_count, reactions=t.reactions, question=t.is_question)
            for t in topics
        ],
        "many_communities": len(communities) > 1,
    }


# --- Unanswered questions ---------------------------------------------------------------


def prepare_questions(
    members: list[Member], communities: list[Community], period: DigestPeriod
) -> dict[str, Any]:
    from mentoring.models import DeclarationKind, SkillDeclaration

    ids = [m.pk for m in members]
    community_ids = [c.pk for c in communities]
    # What each member is interested in, as tag ids: the tags they follow in a community
    # (muted ones excluded), and the skills they teach (a skill *is* a tag).
    followed: dict[tuple[int, int], set[int]] = defaultdict(set)
    for member_id, community_id, tag_id in (
        TagFollow.objects.filter(member_id__in=ids, community_id__in=community_ids)
        .exclude(level=FollowLevel.MUTED)
        .values_list("member_id", "community_id", "tag_id")
    ):
        followed[(member_id, community_id)].add(tag_id)
    taught: dict[int, set[int]] = defaultdict(set)
    for member_id, tag_id in SkillDeclaration.objects.filter(
        member_id__in=ids, kind=DeclarationKind.TEACH, skill__merged_into__isnull=True
    ).values_list("member_id", "skill__tag_id"):
        taught[member_id].add(tag_id)
    wanted = set().union(*followed.values(), *taught.values())
    by_community: dict[int, list[tuple[Topic, set[int]]]] = defaultdict(list)
    if wanted:
        rows = list(
            _readable_topics(communities, period)
            .filter(
                kind=TopicKind.QUESTION,
                reply_count=0,
                accepted_post__isnull=True,
                closed_at__isnull=True,
                locked_at__isnull=True,
                tags__in=wanted,
            )
            .distinct()
            .order_by("-created_at", "-id")[:QUESTION_CANDIDATES]
        )
        if rows:
            tags: dict[int, set[int]] = defaultdict(set)
            through = Topic.tags.through
            for topic_id, tag_id in through.objects.filter(
                content_type__app_label="forums",
                content_type__model="topic",
                object_id__in=[t.pk for t in rows],
                tag_id__in=wanted,
            ).values_list("object_id", "tag_id"):
                tags[topic_id].add(tag_id)
            for topic in rows:
                by_community[topic.community_id].append((topic, tags[topic.pk]))
    return {
        "questions": by_community,
        "followed": followed,
        "taught": taught,
        "roles": _roles(members, communities),
    }


def build_questions(
    member: Member, communities: list[Community], period: DigestPeriod
) -> dict[str, Any] | None:
    data = period.data.get(QUESTIONS_KEY) or prepare_questions([member], communities, period)
    taught = data["taught"].get(member.pk, set())
    found = []
    for community in communities:
        role = data["roles"].get((member.pk, community.pk))
        interests = taught | data["followed"].get((member.pk, community.pk), set())
        for topic, tags in data["questions"].get(community.pk, []):
            if topic.author_id == member.pk or not (tags & interests):
                continue
            if _may_read(role, topic):
                found.append(topic)
    found.sort(key=lambda t: (-t.created_at.timestamp(), -t.pk))
    if not found:
        return None
    return {
        "questions": [_row(t, tags=[name for _slug, name in t.tag_list]) for t in found[:SHOWN]],
        "many_communities": len(communities) > 1,
    }


def register() -> None:
    register_section(
        NewsletterSection(
            TOP_KEY,
            _("Top discussions of the month"),
            20,
            build=build_top,
            template="forums/newsletter/top.html",
            prepare=prepare_top,
        )
    )
    register_section(
        NewsletterSection(
            QUESTIONS_KEY,
            _("Unanswered questions you could answer"),
            25,
            build=build_questions,
            template="forums/newsletter/questions.html",
            prepare=prepare_questions,
        )
    )
