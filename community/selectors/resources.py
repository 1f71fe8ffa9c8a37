"""Reads of the resource library: the library page (search, filters, sorts), one
resource, collections, panels and the global-search provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from community.global_search import Hit, Section
from community.life_permissions import can_read_resource
from community.models import Collection, CollectionItem, Member, Resource, ResourceVote
from community.models.communities import MembershipStatus, Visibility
from community.pagination import KeysetPage, paginate_keyset
from community.permissions import CommunityContext, can_animate, can_read_community
from community.search import headline, highlight, matches, rank
from community.selectors.communities import access_community

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User

SORTS = {
    "recent": ["-created_at", "-id"],
    "useful": ["-useful_count", "-created_at", "-id"],
}


def visible_resources(ctx: CommunityContext) -> QuerySet[Resource]:
    qs = Resource.objects.filter(community=ctx.community, is_hidden=False).select_related(
        "community"
    )
    if not (ctx.is_active_member or can_animate(ctx)):
        qs = qs.exclude(visibility="members")
    return qs


def access_resource(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[CommunityContext, Resource]:
    ctx = access_community(user, slug, need="read")
    resource = (
        Resource.objects.filter(pk=pk, community=ctx.community)
        .select_related("author", "event")
        .prefetch_related("tags")  # type: ignore[misc]
        .first()
    )
    if resource is None:
        raise Http404(_("No such resource."))
    is_author = ctx.member is not None and resource.author_id == ctx.member.pk
    if resource.is_hidden and not (can_animate(ctx) or is_author):
        # Hidden by the moderation: gone for others; its author sees a placeholder.
        raise Http404(_("No such resource."))
    resource.community = ctx.community
    if not is_author and not can_read_resource(ctx, resource):
        raise PermissionDenied(_("This resource is for the community's members."))
    return ctx, resource


def list_library(
    ctx: CommunityContext,
    *,
    text: str = "",
    kind: str = "",
    tag: str = "",
    author: str = "",
    sort: str = "recent",
    cursor: str | None = None,
    size: int = 20,
) -> KeysetPage[Resource]:
    """A page of the library. With search text, the best matches first (ranked, with a
    highlighted snippet, at most ``size``); otherwise keyset pages in the chosen order."""
    qs = visible_resources(ctx).select_related("author", "event", "event__community")
    qs = qs.prefetch_related("tags")  # type: ignore[misc]
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__slug=tag)
    if author:
        qs = qs.filter(author__handle=author)
    if text:
        language = ctx.community.language
        rows = list(
            qs.filter(matches(text))
            .annotate(
                score=rank(text),
                snippet=headline("summary", text, language, words=24),
            )
            .order_by("-score", "-created_at", "-id")[:size]
        )
        for row in rows:
            row.snippet_html = highlight(row.snippet)  # type: ignore[attr-defined]
        return KeysetPage(items=list(rows), next_cursor=None, prev_cursor=None)
    return paginate_keyset(qs, order=SORTS.get(sort, SORTS["recent"]), cursor=cursor, size=size)


def library_tags(ctx: CommunityContext, *, limit: int = 30) -> list[dict[str, Any]]:
    """The tags used in the community's library, most used first (one query)."""
    return list(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Resource),
            object_id__in=visible_resources(ctx).values("id"),
        )
        .values("tag__name", "tag__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")[:limit]
    )


def useful_ids(member: Member | None, ids: list[int]) -> set[int]:
    if member is None or not ids:
        return set()
    return set(
        ResourceVote.objects.filter(member=member, resource_id__in=ids).values_list(
            "resource_id", flat=True
        )
    )


def list_collections(community: Any) -> list[Collection]:
    return list(
        Collection.objects.filter(community=community)
        .annotate(size=Count("items"))
        .order_by("position", "title")[:50]
    )


def get_collection(ctx: CommunityContext, slug: str) -> tuple[Collection, list[Resource]]:
    collection = Collection.objects.filter(community=ctx.community, slug=slug).first()
    if collection is None:
        raise Http404(_("No such collection."))
    visible = visible_resources(ctx).select_related("author").prefetch_related("tags")  # type: ignore[misc]
    items = (
        CollectionItem.objects.filter(collection=collection)
        .filter(resource__in=visible)
        .prefetch_related(Prefetch("resource", queryset=visible))
        .order_by("position", "id")[:200]
    )
    return collection, [item.resource for item in items]


def overview_panel(ctx: CommunityContext) -> dict[str, Any] | None:
    if not can_read_community(ctx):
        return None
    resources = list(
        visible_resources(ctx).select_related("author").order_by("-created_at", "-id")[:4]
    )
    if not resources and not ctx.is_active_member:
        return None
    return {"resources": resources, "community": ctx.community}


def profile_panel(
    member: Member, viewer: User | AnonymousUser, community_ids: list[int]
) -> dict[str, Any] | None:
    resources = list(
        Resource.objects.filter(
            author=member,
            community_id__in=community_ids,
            is_hidden=False,
            visibility="community",
        )
        .select_related("community")
        .order_by("-created_at", "-id")[:5]
    )
    return {"resources": resources} if resources else None


def search_resources_section(user: Any, text: str, limit: int) -> Section:
    """Resources the person may read whose title, tags, summary or article match."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    readable = Q(community__visibility=Visibility.PUBLIC, visibility="community")
    if member is not None:
        readable |= Q(
            community__memberships__member=member,
            community__memberships__status=MembershipStatus.ACTIVE,
        )
    if user.is_authenticated and user.is_superuser:
        readable = Q()
    rows = (
        Resource.objects.filter(readable, matches(text), is_hidden=False)
        .select_related("community")
        .annotate(score=rank(text))
        .order_by("-score", "-created_at")
        .distinct()[:limit]
    )
    return Section(
        hits=[
            Hit(
                title=r.title,
                url=r.get_absolute_url(),
                snippet=r.summary,
                meta=f"{r.community.name} · {r.get_kind_display()}",
            )
            for r in rows
        ],
        more_url="",
    )
