from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from community import selectors
from community.models.communities import MembershipStatus, Role, Visibility
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_access_community_hides_invitation_communities_with_404() -> None:
    community = CommunityFactory(visibility=Visibility.INVITATION)
    with pytest.raises(Http404):
        selectors.access_community(AnonymousUser(), community.slug, need="see")
    with pytest.raises(Http404):
        selectors.access_community(MemberFactory().user, community.slug, need="read")


def test_access_community_says_403_for_members_only_content() -> None:
    community = CommunityFactory(visibility=Visibility.MEMBERS)
    assert (
        selectors.access_community(AnonymousUser(), community.slug, need="see").community
        == community
    )
    with pytest.raises(PermissionDenied):
        selectors.access_community(AnonymousUser(), community.slug, need="read")


def test_directory_search_ignores_accents_and_case_and_matches_word_starts() -> None:
    community = CommunityFactory()
    for name in ["Hélène Durand", "Marie Dupont", "Jean Martin", "Dupuis Léo"]:
        MembershipFactory(community=community, member=MemberFactory(display_name=name))
    MembershipFactory(
        community=community,
        member=MemberFactory(display_name="Helene Gone"),
        status=MembershipStatus.LEFT,
    )

    def names(**filters: str) -> list[str]:
        return [m.member.display_name for m in selectors.list_directory(community, **filters).items]

    assert names(text="helene") == ["Hélène Durand"]
    assert names(text="DUP") == ["Dupuis Léo", "Marie Dupont"]
    assert names(text="mar dup") == ["Marie Dupont"]
    assert names(text="'); drop table x; --") == []
    assert names(text="%") == ["Dupuis Léo", "Hélène Durand", "Jean Martin", "Marie Dupont"]


def test_directory_filters_by_team_site_and_role() -> None:
    community = CommunityFactory()
    MembershipFactory(
        community=community, member=MemberFactory(display_name="A", team="Data", site="Lyon")
    )
    MembershipFactory(
        community=community,
        member=MemberFactory(display_name="B", team="Data", site="Paris"),
        role=Role.AMBASSADOR,
    )
    MembershipFactory(
        community=community, member=MemberFactory(display_name="C", team="Sales", site="Lyon")
    )
    assert [
        m.member.display_name for m in selectors.list_directory(community, team="Data").items
    ] == ["A", "B"]
    assert [
        m.member.display_name for m in selectors.list_directory(community, site="Lyon").items
    ] == ["A", "C"]
    assert [
        m.member.display_name for m in selectors.list_directory(community, role="ambassador").items
    ] == ["B"]
    assert selectors.directory_facets(community) == {
        "teams": ["Data", "Sales"],
        "sites": ["Lyon", "Paris"],
    }


def test_directory_pages_cover_everyone_once_in_order() -> None:
    community = CommunityFactory()
    for i in range(53):
        MembershipFactory(community=community, member=MemberFactory(display_name=f"Person {i % 7}"))
    seen: list[int] = []
    cursor = None
    while True:
        page = selectors.list_directory(community, cursor=cursor, size=10)
        seen.extend(m.pk for m in page.items)
        if not page.has_next:
            break
        cursor = page.next_cursor
    everyone = list(
        community.memberships.order_by("member__display_name", "id").values_list("id", flat=True)
    )
    assert seen == everyone


def test_community_search_uses_the_communitys_stemming() -> None:
    CommunityFactory(
        name="Réseau des formateurs", language="fr", description="Les apprenants partagent"
    )
    CommunityFactory(name="Data guild", language="en", description="Learners sharing notebooks")
    anyone = AnonymousUser()
    assert [c.name for c in selectors.search_communities(anyone, "apprenant")] == [
        "Réseau des formateurs"
    ]
    assert [c.name for c in selectors.search_communities(anyone, "formateur")] == [
        "Réseau des formateurs"
    ]
    assert [c.name for c in selectors.search_communities(anyone, "learner notebook")] == [
        "Data guild"
    ]


def test_community_search_hides_invitation_communities_from_outsiders() -> None:
    secret = CommunityFactory(name="Cercle secret", visibility=Visibility.INVITATION)
    member = MembershipFactory(community=secret).member
    assert selectors.search_communities(AnonymousUser(), "secret") == []
    assert selectors.search_communities(MemberFactory().user, "secret") == []
    assert selectors.search_communities(member.user, "secret") == [secret]


def test_discoverable_communities_leave_out_joined_banned_and_invitation_ones() -> None:
    member = MemberFactory()
    joined, banned, other = CommunityFactory(), CommunityFactory(), CommunityFactory()
    CommunityFactory(visibility=Visibility.INVITATION)
    MembershipFactory(member=member, community=joined)
    MembershipFactory(member=member, community=banned, status=MembershipStatus.BANNED)
    assert selectors.list_discoverable_communities(member) == [other]


def test_animated_communities_include_chapters() -> None:
    national = CommunityFactory()
    chapter = CommunityFactory(parent=national)
    CommunityFactory()
    animator = MembershipFactory(community=national, role=Role.ANIMATOR).member
    admin = UserFactory(is_superuser=True)
    assert selectors.animated_community_ids(animator.user) == {national.pk, chapter.pk}
    assert selectors.animated_community_ids(admin) is None
    assert selectors.animated_community_ids(MemberFactory().user) == set()


def test_profile_shows_only_memberships_the_viewer_may_see() -> None:
    public = CommunityFactory(name="Public")
    private = CommunityFactory(name="Private", visibility=Visibility.MEMBERS)
    member = MemberFactory()
    MembershipFactory(member=member, community=public)
    MembershipFactory(member=member, community=private)
    colleague = MembershipFactory(community=private).member

    def seen(viewer: object) -> list[str]:
        return [m.community.name for m in selectors.get_member_profile(member.handle, viewer)[1]]

    assert seen(AnonymousUser()) == ["Public"]
    assert seen(colleague.user) == ["Private", "Public"]
    assert seen(member.user) == ["Private", "Public"]


def test_export_contains_the_members_data() -> None:
    membership = MembershipFactory(member=MemberFactory(display_name="Jane", bio="About me"))
    data = selectors.export_member_data(membership.member)
    assert data["profile"]["display_name"] == "Jane"
    assert data["profile"]["bio"] == "About me"
    assert [m["community"] for m in data["memberships"]] == [membership.community.slug]
