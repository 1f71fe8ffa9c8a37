"""Topic lists, a topic's page of posts, unread state, search."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Bookmark, Community, Member, Membership
from community.models.communities import MembershipStatus, Role, Visibility
from community.pagination import KeysetPage, first_keyset_page, paginate_keyset
from community.permissions import CommunityContext, can_animate, is_platform_admin
from community.prepared import Array, Const, PreparedQuery
from community.search import headline, highlight, matches, rank
from community.selectors.communities import access_community
from forums import permissions
from forums.models import Category, Post, Reaction, Topic, TopicFollow, TopicKind, TopicRead

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User

PAGE_SIZE = 20
SEARCH_CANDIDATES = 400
NEW_TOPIC_DAYS = 7


# Columns the pages never show, left out of their queries: the search vectors (the
# largest columns of their tables: PostgreSQL spends longer printing them than finding
# the rows), the Markdown source of posts (their HTML is shown), members' biographies.
_AUTHOR_UNSHOWN = ("search_vector", "search_name", "bio")
_POST_UNSHOWN = ("search_vector", "body")


def _unshown(*relations: str) -> list[str]:
    """The unshown columns of the members at ``relations`` (e.g. "author")."""
    return [f"{r}__{f}" for r in relations for f in _AUTHOR_UNSHOWN]


# The queries of the pages everyone reads are compiled once (community/prepared.py).
_categories = PreparedQuery(
    lambda community: Category.objects.filter(community_id=community).order_by("position", "name")
)


def visible_categories(ctx: CommunityContext) -> list[Category]:
    """The community's categories this person may read, in order (one query)."""
    rows = _categories.fetch(community=ctx.community.pk)
    visible = [c for c in rows if permissions.can_see_category(ctx, c)]
    for category in visible:  # their addresses need the community's slug: no query each
        category.community = ctx.community
    return visible


def readable_categories(ctx: CommunityContext, prefix: str = "category__") -> Q:
    """A filter on topics (or anything with a category) for the categories this person
    may read, without fetching them (role restrictions)."""
    if can_animate(ctx):
        return Q()
    readable = Q(**{f"{prefix}allowed_roles": []})
    if ctx.role:
        readable |= Q(**{f"{prefix}allowed_roles__contains": [ctx.role]})
    return readable


def get_category(ctx: CommunityContext, categories: list[Category], slug: str) -> Category:
    for category in categories:
        if category.slug == slug:
            return category
    raise Http404(_("No such category."))


def _topics(ctx: CommunityContext, categories: list[Category]) -> QuerySet[Topic]:
    return Topic.objects.filter(
        community=ctx.community,
        category_id__in=[c.pk for c in categories],
        deleted_at__isnull=True,
    ).select_related("category__community", "author", "last_poster")


LIST_ORDERS = {
    "latest": ["-last_post_at", "-id"],
    "unanswered": ["-created_at", "-id"],
    "solved": ["-solved_at", "-id"],
}


@dataclass
class TopicRef:
    """A row of a topic list before its rendering is known to be cached: what the list
    needs to find the rendering (id), to page (sort keys) and to show the reader's read
    state. The topic itself is loaded only when its row is not cached
    (``load_topics``)."""

    pk: int
    last_post_at: Any
    created_at: Any
    solved_at: Any
    last_number: int
    community: Any = None

    @property
    def id(self) -> int:
        return self.pk

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forums:topic", kwargs={"slug": self.community.slug, "pk": self.pk})


_REF_FIELDS = ("pk", "last_post_at", "created_at", "solved_at", "last_number")


def _first_page_qs(
    community: int, categories: list[int], view: str, tag: str, size: int
) -> QuerySet[Any]:
    qs = Topic.objects.filter(
        community_id=community, category_id__in=categories, deleted_at__isnull=True
    )
    if view == "unanswered":
        qs = qs.filter(kind=TopicKind.QUESTION, reply_count=0)
    elif view == "solved":
        qs = qs.filter(solved_at__isnull=False)
    if tag:
        qs = qs.filter(tags__slug=tag)
    return qs.order_by(*LIST_ORDERS[view]).values_list(*_REF_FIELDS)[: size + 1]


def _full_topics_qs() -> QuerySet[Topic]:
    return Topic.objects.select_related("category__community", "author", "last_poster").defer(
        *_unshown("author", "last_poster")
    )


_topics_by_id = PreparedQuery(lambda ids: _full_topics_qs().filter(pk__in=ids))


def load_topics(ctx_community: Community, ids: list[int]) -> dict[int, Topic]:
    """The topics of a list whose rows are not cached, with what their rows show."""
    if not ids:
        return {}
    topics = {t.pk: t for t in _topics_by_id.fetch(ids=ids)}
    for topic in topics.values():
        topic.community = ctx_community
        topic.category.community = ctx_community
    return topics


_first_page = PreparedQuery(_first_page_qs)
_pinned = PreparedQuery(
    lambda community, categories: (
        Topic.objects.filter(
            community_id=community,
            category_id__in=categories,
            deleted_at__isnull=True,
            pinned_at__isnull=False,
        )
        .select_related("category__community", "author", "last_poster")
        .defer(*_unshown("author", "last_poster"))
        .order_by("-pinned_at")[:5]
    )
)


def list_topics(
    ctx: CommunityContext,
    categories: list[Category],
    *,
    view: str = "latest",
    category: Category | None = None,
    tag: str = "",
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage[Topic]:
    """One keyset page of topics (latest activity, unanswered questions, solved), within
    a category or a tag if given."""
    if cursor is None:
        # The first page, by far the most read: a compiled statement per view and
        # number of categories.
        ids = [c.pk for c in ([category] if category else categories)]
        if view not in LIST_ORDERS:
            view = "latest"
        refs = [
            TopicRef(*row)
            for row in _first_page.fetch(
                community=ctx.community.pk,
                categories=ids,
                view=Const(view),
                tag=tag if tag else Const(""),
                size=Const(size),
            )
        ]
        # Light rows (TopicRef) stand for the topics: see load_topics.
        return first_keyset_page(cast(list[Any], refs), order=LIST_ORDERS[view], size=size)
    qs = _topics(ctx, [category] if category else categories)
    if view == "unanswered":
        qs = qs.filter(kind=TopicKind.QUESTION, reply_count=0)
    elif view == "solved":
        qs = qs.filter(solved_at__isnull=False)
    else:
        view = "latest"
    if tag:
        qs = qs.filter(tags__slug=tag)
    return paginate_keyset(qs, order=LIST_ORDERS[view], cursor=cursor, size=size)


def attach_community(ctx: CommunityContext, topics: list[Any]) -> None:
    """Set the community already fetched on each row (URLs need its slug: no query)."""
    for topic in topics:
        topic.community = ctx.community
        if not isinstance(topic, TopicRef):
            topic.category.community = ctx.community


def list_pinned(ctx: CommunityContext, categories: list[Category]) -> list[Topic]:
    if not categories:
        return []
    return _pinned.fetch(community=ctx.community.pk, categories=[c.pk for c in categories])


def list_bookmarked_topics(
    ctx: CommunityContext, categories: list[Category], *, cursor: str | None = None
) -> KeysetPage[Topic]:
    if ctx.member is None:
        return KeysetPage(items=[], next_cursor=None, prev_cursor=None)
    marked = Bookmark.objects.filter(
        member=ctx.member,
        target_type=ContentType.objects.get_for_model(Topic),
        target_id=OuterRef("pk"),
    )
    qs = _topics(ctx, categories).filter(Exists(marked))
    return paginate_keyset(qs, order=["-last_post_at", "-id"], cursor=cursor, size=PAGE_SIZE)


_reads = PreparedQuery(
    lambda member, topics: TopicRead.objects.filter(
        member_id=member, topic_id__in=topics
    ).values_list("topic_id", "last_read_number")
)


@dataclass
class ReadState:
    last_read: int | None = None  # None: never opened
    new: bool = False
    unread: int = 0
    first_unread: int = 1


def read_states(member: Member | None, topics: list[Topic]) -> dict[int, ReadState]:
    """Unread replies and new topics for a list (one query)."""
    if member is None or not topics:
        return {}
    reads = dict(_reads.fetch(member=member.pk, topics=[t.pk for t in topics]))
    recent = timezone.now() - timedelta(days=NEW_TOPIC_DAYS)
    states = {}
    for topic in topics:
        last = reads.get(topic.pk)
        if last is None:
            states[topic.pk] = ReadState(new=topic.created_at >= recent)
        else:
            states[topic.pk] = ReadState(
                last_read=last,
                unread=max(topic.last_number - last, 0),
                first_unread=min(last + 1, topic.last_number),
            )
    return states


def _topic_qs(community: int, pk: int) -> QuerySet[Topic]:
    return (
        Topic.objects.select_related("category", "author", "accepted_post__author")
        .defer(
            *_unshown("author", "accepted_post__author"),
            *[f"accepted_post__{f}" for f in (*_POST_UNSHOWN, "body_html")],
        )
        .filter(community_id=community, pk=pk, deleted_at__isnull=True)
    )


def _topic_for_member_qs(community: int, pk: int, member: int, topic_type: int) -> QuerySet[Topic]:
    return _topic_qs(community, pk).annotate(
        my_follow=Subquery(
            TopicFollow.objects.filter(topic=OuterRef("pk"), member_id=member).values("level")[:1]
        ),
        my_read=Subquery(
            TopicRead.objects.filter(topic=OuterRef("pk"), member_id=member).values(
                "last_read_number"
            )[:1]
        ),
        my_bookmark=Exists(
            Bookmark.objects.filter(
                member_id=member, target_type_id=topic_type, target_id=OuterRef("pk")
            )
        ),
    )


_topic = PreparedQuery(_topic_qs)
_topic_for_member = PreparedQuery(_topic_for_member_qs)


def access_topic(user: User | AnonymousUser, slug: str, pk: int) -> tuple[CommunityContext, Topic]:
    """The topic and the person's state in it (follow level, bookmark, last read post)
    in one query, after the community check (2 queries). 404 for deleted topics and
    categories the person may not read."""
    ctx = access_community(user, slug, need="read")
    if ctx.member is not None:
        found = _topic_for_member.fetch(
            community=ctx.community.pk,
            pk=pk,
            member=ctx.member.pk,
            topic_type=ContentType.objects.get_for_model(Topic).pk,
        )
    else:
        found = _topic.fetch(community=ctx.community.pk, pk=pk)
    topic = found[0] if found else None
    if topic is None or not permissions.can_see_category(ctx, topic.category):
        raise Http404(_("No such topic."))
    topic.category.community = ctx.community
    topic.community = ctx.community
    return ctx, topic


@dataclass
class PostRow:
    """What a topic page needs of a post when its rendering comes from the cache."""

    pk: int
    number: int
    author_id: int | None
    mine: list[str] | None = None  # the reader's reactions on the post


@dataclass
class PostPage:
    rows: list[PostRow]
    after: int | None  # next page: posts after this number
    before: int | None  # previous page: posts before this number
    mine: dict[int, set[str]] = field(default_factory=dict)  # my reactions per post
    topic: Topic | None = None

    @cached_property
    def posts(self) -> list[Post]:
        """The posts themselves, with their authors and the posts they reply to: loaded
        on first use only (the page's posts are usually drawn from the cache)."""
        if not self.rows:
            return []
        by_id = {p.pk: p for p in _posts_by_id.fetch(ids=[r.pk for r in self.rows])}
        posts = [by_id[r.pk] for r in self.rows if r.pk in by_id]
        if self.topic is not None:
            for post in posts:
                post.topic = self.topic
                post.community = self.topic.community
        return posts


def _posts_qs() -> QuerySet[Post]:
    return Post.objects.select_related("author", "reply_to__author").defer(
        *_POST_UNSHOWN,
        *_unshown("author", "reply_to__author"),
        # Of the post replied to, only its number and author are shown.
        *[f"reply_to__{f}" for f in (*_POST_UNSHOWN, "body_html", "reaction_counts")],
    )


_posts_by_id = PreparedQuery(lambda ids: _posts_qs().filter(pk__in=ids))


def _rows_qs(topic: int, member: int | None) -> QuerySet[Any]:
    """The page's posts as (id, number, author[, my reactions]): the reader's reactions
    come with the rows (an array per post), not from a second query."""
    qs: QuerySet[Any] = Post.objects.filter(topic_id=topic)
    if member is None:
        return qs
    return qs.annotate(
        mine=ArraySubquery(
            Reaction.objects.filter(post=OuterRef("pk"), member_id=member).values("emoji")
        )
    )


def _row_fields(member: int | None) -> tuple[str, ...]:
    return ("pk", "number", "author_id") + (() if member is None else ("mine",))


_rows_after = PreparedQuery(
    lambda topic, member, number, size: (
        _rows_qs(topic, member)
        .filter(number__gt=number)
        .order_by("number")
        .values_list(*_row_fields(member))[: size + 1]
    )
)
_rows_before = PreparedQuery(
    lambda topic, member, number, size: (
        _rows_qs(topic, member)
        .filter(number__lt=number)
        .order_by("-number")
        .values_list(*_row_fields(member))[: size + 1]
    )
)


def topic_posts(
    ctx: CommunityContext,
    topic: Topic,
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> PostPage:
    """A page of posts by number: ``after`` N reads forward from N+1, ``before`` N reads
    backward; either way one index range scan on (topic, number), so page 500 costs
    what page 1 costs. Plus one query for the member's own reactions. The posts' rows
    are loaded only when the page's rendering is not in the cache (``PostPage.posts``)."""
    member = ctx.member.pk if ctx.member is not None else None
    if before is not None:
        found = [
            PostRow(*r)
            for r in _rows_before.fetch(
                topic=topic.pk, member=member, number=before, size=Const(size)
            )
        ]
        more_before = len(found) > size
        rows = list(reversed(found[:size]))
        prev = rows[0].number if rows and more_before else None
        nxt = rows[-1].number if rows and rows[-1].number < topic.last_number else None
    else:
        start = after or 0
        found = [
            PostRow(*r)
            for r in _rows_after.fetch(
                topic=topic.pk, member=member, number=start, size=Const(size)
            )
        ]
        rows = found[:size]
        nxt = rows[-1].number if len(found) > size else None
        prev = rows[0].number if rows and rows[0].number > 1 else None
    mine = {r.pk: set(r.mine) for r in rows if r.mine}
    return PostPage(rows=rows, after=nxt, before=prev, mine=mine, topic=topic)


def access_post(
    user: User | AnonymousUser, slug: str, pk: int, number: int
) -> tuple[CommunityContext, Topic, Post]:
    ctx, topic = access_topic(user, slug, pk)
    post = Post.objects.select_related("author").filter(topic=topic, number=number).first()
    if post is None:
        raise Http404(_("No such post."))
    post.topic = topic
    post.community = ctx.community
    return ctx, topic, post


def check_category_readable(ctx: CommunityContext, category: Category) -> None:
    if not permissions.can_see_category(ctx, category):
        raise PermissionDenied


# --- Search ---------------------------------------------------------------------------


def _readable_scope(user: User | AnonymousUser) -> tuple[Q, set[int]]:
    """Which posts this person may find: a filter on the community, and the restricted
    categories they may not read."""
    if is_platform_admin(user):
        return Q(), set()
    member: Member | None = getattr(user, "member", None) if user.is_authenticated else None
    roles: dict[int, str] = dict(_active_roles.fetch(member=member.pk)) if member else {}
    scope = Q(community__visibility=Visibility.PUBLIC) | Q(community_id__in=list(roles))
    forbidden = {
        pk
        for pk, allowed, community_id in _restricted_categories.fetch()
        if roles.get(community_id) not in ([*allowed, Role.ANIMATOR])
    }
    return scope, forbidden


_active_roles = PreparedQuery(
    lambda member: Membership.objects.filter(
        member_id=member, status=MembershipStatus.ACTIVE
    ).values_list("community_id", "role")
)
_restricted_categories = PreparedQuery(
    lambda: Category.objects.exclude(allowed_roles=[]).values_list(
        "pk", "allowed_roles", "community_id"
    )
)


@dataclass
class SearchFilters:
    community: Community | None = None
    category: Category | None = None
    tag: str = ""
    author: str = ""  # handle
    solved: bool = False


SEARCH_WINDOW = 20_000  # posts, counted back from the newest


_newest: list[float] = [0.0, 0.0]  # (id, time): the newest post id, read at most every 10 s


def _newest_post_id() -> int:
    """The newest post's id, remembered for 10 seconds: the window below is a lower bound
    on ids, so a post newer than the one remembered is still in it."""
    now = time.monotonic()
    if now - _newest[1] > 10:
        _newest[0] = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _newest[1] = now
    return int(_newest[0])


def _recent_matches(qs: QuerySet[Post], limit: int) -> list[int]:
    """The ids of the ``limit`` most recent posts of ``qs``.

    A common word matches tens of thousands of posts: the GIN index hands PostgreSQL all
    of them (67,000 rows and 14,000 pages for "apprenants tableur" on a million posts)
    before it can keep the newest. Walking the newest posts backwards and testing each
    finds them after a few thousand rows instead; that walk is bounded to the last
    SEARCH_WINDOW posts, and the planner is told not to build the GIN bitmap for it (in
    the same round trip: ``SET LOCAL`` and the query are sent together, one implicit
    transaction, and the setting is reset after). If the window holds fewer than
    ``limit`` matches the word is rare, and the GIN index, which then has few entries,
    finds them everywhere. Either way the result is the same: the ``limit`` newest
    matches."""
    newest = _newest_post_id()
    if newest == 0:
        return []
    ordered = qs.order_by("-pk").values_list("pk", flat=True)
    if newest > SEARCH_WINDOW:
        sql, params = ordered.filter(pk__gt=newest - SEARCH_WINDOW)[:limit].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SET LOCAL enable_bitmapscan = off; {sql}; RESET enable_bitmapscan", params
            )
            cursor.nextset()
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) >= limit:
            return ids
    return list(ordered[:limit])


def _results_qs(ids: list[int], text: str, limit: int) -> QuerySet[Post]:
    """The best ``limit`` of the candidates ``ids`` (ranking alone, no join), then those
    rows with what the results show: the joins and the snippets for ``limit`` rows, not
    for all the candidates."""
    from django.db.models import Case, When

    best = (
        Post.objects.filter(pk__any_of=ids)
        .annotate(score=rank(text))
        .order_by("-score", "-id")
        .values("pk")[:limit]
    )
    snippet = Case(
        When(language="en", then=headline("body", text, "en")),
        default=headline("body", text, "fr"),
    )
    return (
        Post.objects.filter(pk__in=best)
        .select_related("topic__category", "community", "author")
        .defer(*_POST_UNSHOWN, *_unshown("author"))
        .annotate(score=rank(text), snippet=snippet)
        .order_by("-score", "-id")
    )


_results = PreparedQuery(_results_qs)


def search_posts(
    user: User | AnonymousUser, text: str, filters: SearchFilters, *, limit: int = 30
) -> list[Post]:
    """Posts matching ``text`` with each row's own stemming (French or English), best
    first, with a highlighted snippet; only what the person may read."""
    text = text.strip()[:200]
    if not text:
        return []
    scope, forbidden = _readable_scope(user)

    qs = (
        Post.objects.filter(matches(text), scope)
        .filter(hidden_at__isnull=True, deleted_at__isnull=True, topic__deleted_at__isnull=True)
        .exclude(topic__category_id__in=forbidden)
    )
    if filters.community is not None:
        qs = qs.filter(community=filters.community)
    if filters.category is not None:
        qs = qs.filter(topic__category=filters.category)
    if filters.tag:
        qs = qs.filter(topic__tags__slug=filters.tag)
    if filters.author:
        qs = qs.filter(author__handle=filters.author)
    if filters.solved:
        qs = qs.filter(topic__solved_at__isnull=False)
    # Ranking every match of a common word over a million posts costs seconds: rank the
    # most recent SEARCH_CANDIDATES matches, best first among them.
    recent = _recent_matches(qs, SEARCH_CANDIDATES)
    rows: list[Post] = _results.fetch(ids=Array(recent), text=text, limit=Const(limit))
    for row in rows:
        row.snippet_html = highlight(row.snippet)  # type: ignore[attr-defined]
    return rows


def search_section(user: Any, text: str, limit: int) -> Any:
    """The global search's "Discussions" section."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from community.global_search import Hit, Section

    posts = search_posts(user, text, SearchFilters(), limit=limit)
    return Section(
        hits=[
            Hit(
                title=p.topic.title,
                url=p.get_absolute_url(),
                snippet=p.snippet_html,  # type: ignore[attr-defined]
                meta=f"{p.community.name} · {p.topic.category.name}",
            )
            for p in posts
        ],
        more_url=f"{reverse('forums:search')}?{urlencode({'q': text})}",
    )


def can_moderate(ctx: CommunityContext) -> bool:
    return can_animate(ctx)


def kudos_post_urls(viewer: Any, rows: list[Any]) -> dict[int, str]:
    """For recognition's kudos about a post: the posts ``viewer`` may read (not hidden nor
    deleted, in a readable community and category), in the kudos' community."""
    from django.contrib.auth.models import AnonymousUser

    user = viewer if viewer is not None else AnonymousUser()
    scope, forbidden = _readable_scope(user)
    wanted = Q()
    for k in rows:
        wanted |= Q(pk=k.about_id, community_id=k.community_id)
    found = (
        Post.objects.filter(wanted)
        .filter(scope, hidden_at__isnull=True, deleted_at__isnull=True)
        .filter(topic__deleted_at__isnull=True)
        .exclude(topic__category_id__in=forbidden)
        .select_related("community")
    )
    return {p.pk: p.get_absolute_url() for p in found}
