from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from community import permissions
from community.models import Community, Member, Membership
from community.models.communities import MembershipStatus, Role, Visibility
from community.pagination import KeysetPage, paginate_keyset
from community.permissions import CommunityContext
from community.prepared import Const, PreparedQuery
from community.search import matches, name_prefix_query, rank

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from community.models import User

Need = Literal["see", "read", "contribute", "animate", "dashboard"]


def _member_of(user: User | AnonymousUser) -> Member | None:
    if not user.is_authenticated:
        return None
    return getattr(user, "member", None)


# Run on every page inside a community: compiled once (community/prepared.py).
_community_by_slug = PreparedQuery(
    lambda slug: Community.objects.select_related("parent").filter(slug=slug)
)
_memberships_in = PreparedQuery(
    lambda member, ids: Membership.objects.filter(member_id=member, community_id__in=ids)
)
_my_memberships = PreparedQuery(
    lambda member, statuses: (
        Membership.objects.filter(member_id=member, status__in=statuses)
        .select_related("community", "community__parent")
        .order_by("community__name")
    )
)


_membership_by_slug = PreparedQuery(
    lambda member, slug: Membership.objects.filter(
        member_id=member, community__slug=slug
    ).select_related("community__parent")
)


def get_community_context(
    user: User | AnonymousUser, community: Community, *, membership: Membership | None = None
) -> CommunityContext:
    """The person's memberships in the community and its parent, in one query (none when
    ``membership``, in a community without parent, was fetched with it already)."""
    member = _member_of(user)
    parent_membership = None
    if member is not None and membership is not None and not community.parent_id:
        membership.community = community
    elif member is not None:
        membership = None
        ids = [community.pk] + ([community.parent_id] if community.parent_id else [])
        for row in _memberships_in.fetch(member=member.pk, ids=ids):
            if row.community_id == community.pk:
                row.community = community
                membership = row
            else:
                parent_membership = row
    return CommunityContext(
        community=community,
        user=user,
        member=member,
        membership=membership,
        parent_membership=parent_membership,
    )


def access_community(
    user: User | AnonymousUser, slug: str, *, need: Need = "read"
) -> CommunityContext:
    """Fetch a community by slug and check the person may ``need`` it.

    Invisible communities answer 404 (their existence is not revealed); visible ones that
    the person may not read or act in answer 403.
    """
    # A member reading their own community: the membership brings the community (one
    # query); anyone else: the community, then their memberships (two).
    member = _member_of(user)
    mine = _membership_by_slug.fetch(member=member.pk, slug=slug) if member is not None else []
    if mine:
        community = mine[0].community
    else:
        found = _community_by_slug.fetch(slug=slug)
        community = found[0] if found else None
    if community is None:
        raise Http404(_("No such community."))
    ctx = get_community_context(user, community, membership=mine[0] if mine else None)
    if not permissions.can_see_community(ctx):
        raise Http404(_("No such community."))
    if need == "read" and not permissions.can_read_community(ctx):
        raise PermissionDenied(_("This community's content is for its members."))
    if need == "contribute":
        permissions.check_can_contribute(ctx)
    if need == "animate":
        permissions.check_can_animate(ctx)
    if need == "dashboard":
        permissions.check_can_view_dashboard(ctx)
    return ctx


def list_my_memberships(member: Member) -> list[Membership]:
    return _my_memberships.fetch(
        member=member.pk, statuses=Const((MembershipStatus.ACTIVE, MembershipStatus.REQUESTED))
    )


def list_discoverable_communities(member: Member | None, *, limit: int = 24) -> list[Community]:
    """Listed communities the member has not joined yet, biggest first."""
    qs = Community.objects.listed().select_related("parent")
    if member is not None:
        qs = qs.exclude(
            memberships__member=member,
            memberships__status__in=[MembershipStatus.ACTIVE, MembershipStatus.BANNED],
        )
    return list(qs.order_by("-member_count", "name")[:limit])


def search_communities(
    user: User | AnonymousUser, text: str, *, limit: int = 30
) -> list[Community]:
    """Communities whose name, tagline or description match, best first; invitation-only
    ones only for their members."""
    qs = Community.objects.select_related("parent").filter(matches(text))
    member = _member_of(user)
    if not permissions.is_platform_admin(user):
        visible = ~Q(visibility=Visibility.INVITATION)
        if member is not None:
            visible |= Q(memberships__member=member, memberships__status=MembershipStatus.ACTIVE)
        qs = qs.filter(visible)
    return list(qs.annotate(score=rank(text)).order_by("-score", "name").distinct()[:limit])


def list_community_leaders(community: Community) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(community=community, role__in=[Role.ANIMATOR, Role.AMBASSADOR, Role.MANAGER])
        .select_related("member")
        .order_by("role", "member__display_name")[:24]
    )


def list_recent_members(community: Community, *, limit: int = 12) -> list[Member]:
    return [
        m.member
        for m in Membership.objects.active()
        .filter(community=community)
        .select_related("member")
        .order_by("-joined_at", "-id")[:limit]
    ]


def list_directory(
    community: Community,
    *,
    text: str = "",
    team: str = "",
    site: str = "",
    role: str = "",
    cursor: str | None = None,
    size: int = 24,
) -> KeysetPage[Membership]:
    qs: QuerySet[Membership] = (
        Membership.objects.active().filter(community=community).select_related("member")
    )
    query = name_prefix_query(text) if text else None
    if query is not None:
        qs = qs.filter(member__search_vector=query)
    if team:
        qs = qs.filter(member__team=team)
    if site:
        qs = qs.filter(member__site=site)
    if role:
        qs = qs.filter(role=role)
    return paginate_keyset(qs, order=["member__display_name", "id"], cursor=cursor, size=size)


def directory_facets(community: Community) -> dict[str, list[str]]:
    """The teams and sites present among active members (for the directory filters)."""
    base = Member.objects.filter(
        memberships__community=community, memberships__status=MembershipStatus.ACTIVE
    )
    teams = base.exclude(team="").values_list("team", flat=True).distinct().order_by("team")
    sites = base.exclude(site="").values_list("site", flat=True).distinct().order_by("site")
    return {"teams": list(teams[:200]), "sites": list(sites[:200])}


def list_pending_requests(community: Community) -> list[Membership]:
    return list(
        Membership.objects.filter(community=community, status=MembershipStatus.REQUESTED)
        .select_related("member")
        .order_by("requested_at", "id")[:200]
    )


def animated_community_ids(user: User | AnonymousUser) -> set[int] | None:
    """The communities this person animates (with their chapters); None means all
    (platform admins)."""
    if permissions.is_platform_admin(user):
        return None
    if not user.is_authenticated:
        return set()
    own = Q(
        memberships__member__user=user,
        memberships__role=Role.ANIMATOR,
        memberships__status=MembershipStatus.ACTIVE,
    )
    via_parent = Q(
        parent__memberships__member__user=user,
        parent__memberships__role=Role.ANIMATOR,
        parent__memberships__status=MembershipStatus.ACTIVE,
    )
    return set(Community.objects.filter(own | via_parent).values_list("id", flat=True))


def get_community_overview(community: Community) -> dict[str, Any]:
    """What the community's front page shows besides the community itself."""
    return {
        "leaders": list_community_leaders(community),
        "recent_members": list_recent_members(community),
        "chapters": list(community.chapters.order_by("name")),
        "charter": community.charters.order_by("-version").first()
        if community.charter_version
        else None,
    }


def get_pending_request(community: Community, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(
            pk=membership_id, community=community, status=MembershipStatus.REQUESTED
        )
        .select_related("member")
        .first()
    )
    if membership is None:
        raise Http404(_("No such request."))
    return membership
