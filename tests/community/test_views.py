from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from community.models import ActivityEvent, Community, Member, Membership, Notification
from community.models.communities import JoinPolicy, MembershipStatus, Role, Visibility
from tests.factories import (
    CommunityFactory,
    MemberFactory,
    MembershipFactory,
    refresh_counts,
    with_charter,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


def snapshot() -> tuple[int, int, int, list[tuple[int, str, str]]]:
    """What a refused request must leave untouched."""
    rows = sorted(Membership.objects.values_list("id", "status", "role"))
    return (
        ActivityEvent.objects.count(),
        Notification.objects.count(),
        Community.objects.count(),
        rows,
    )


class TestPages:
    def test_home_for_a_visitor_shows_listed_communities(self, client: Client) -> None:
        CommunityFactory(name="Open network")
        CommunityFactory(name="Hidden circle", visibility=Visibility.INVITATION)
        response = client.get("/")
        assert response.status_code == 200
        assert "Open network" in response.text
        assert "Hidden circle" not in response.text

    def test_home_for_a_member_lists_their_communities(self, client_for: ClientFor) -> None:
        membership = MembershipFactory(community=CommunityFactory(name="My guild"))
        response = client_for(membership.member).get("/")
        assert "My guild" in response.text
        assert response.context["memberships"] == [membership]

    def test_community_page_offers_join_to_a_member_of_the_platform(
        self, client_for: ClientFor
    ) -> None:
        community = CommunityFactory()
        response = client_for(MemberFactory()).get(community.get_absolute_url())
        assert response.status_code == 200
        assert reverse("community:community-join", args=[community.slug]) in response.text

    def test_charter_prompt_after_joining(self, client_for: ClientFor) -> None:
        community = CommunityFactory()
        with_charter(community, "Be **kind**.")
        member = MemberFactory()
        client = client_for(member)
        response = client.post(reverse("community:community-join", args=[community.slug]))
        assert response.status_code == 302
        assert response["Location"] == reverse("community:charter", args=[community.slug])
        page = client.get(response["Location"])
        assert "<strong>kind</strong>" in page.text
        client.post(reverse("community:charter", args=[community.slug]))
        assert Membership.objects.get(member=member).accepted_charter_version == 1

    def test_directory_lists_active_members(self, client_for: ClientFor) -> None:
        community = CommunityFactory()
        MembershipFactory(community=community, member=MemberFactory(display_name="Zoé Active"))
        MembershipFactory(
            community=community,
            member=MemberFactory(display_name="Gone Away"),
            status=MembershipStatus.LEFT,
        )
        response = client_for(None).get(reverse("community:directory", args=[community.slug]))
        assert "Zoé Active" in response.text
        assert "Gone Away" not in response.text

    def test_directory_load_more_returns_rows_only_for_htmx(self, client: Client) -> None:
        community = CommunityFactory()
        for i in range(30):
            MembershipFactory(community=community, member=MemberFactory(display_name=f"P{i:02d}"))
        url = reverse("community:directory", args=[community.slug])
        first = client.get(url)
        cursor = first.context["page"].next_cursor
        more = client.get(url, {"after": cursor}, headers={"HX-Request": "true"})
        assert "<html" not in more.text
        assert "P24" in more.text and "P23" not in more.text

    def test_profile_page(self, client: Client) -> None:
        member = MemberFactory(display_name="Ada Lovelace", bio="Counting engines", team="R&D")
        response = client.get(member.get_absolute_url())
        assert response.status_code == 200
        assert "Ada Lovelace" in response.text and "Counting engines" in response.text

    def test_language_switch_sets_cookie_and_preference(self, client_for: ClientFor) -> None:
        member = MemberFactory(preferred_language="fr")
        client = client_for(member)
        response = client.post(
            reverse("community:language-set"), {"language": "en", "next": "/communities/"}
        )
        assert response.status_code == 302 and response["Location"] == "/communities/"
        assert response.cookies["lang"].value == "en"
        member.refresh_from_db()
        assert member.preferred_language == "en"
        assert 'lang="en"' in client.get("/").text

    def test_language_switch_refuses_outside_redirects(self, client: Client) -> None:
        response = client.post(
            reverse("community:language-set"), {"language": "en", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"

    def test_visitor_language_follows_the_browser(self, client: Client) -> None:
        assert 'lang="en"' in client.get("/", headers={"accept-language": "en-GB,en"}).text
        assert 'lang="fr"' in client.get("/", headers={"accept-language": "fr-FR,fr"}).text

    def test_data_export_is_a_json_download(self, client_for: ClientFor) -> None:
        member = MemberFactory(display_name="Jane")
        response = client_for(member).get(reverse("community:data-export"))
        assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
        assert json.loads(response.content)["profile"]["display_name"] == "Jane"

    def test_account_deletion(self, client_for: ClientFor) -> None:
        member = MemberFactory()
        client = client_for(member)
        response = client.post(reverse("community:account-delete"), {"confirm": "DELETE"})
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.is_anonymized
        assert client.get(reverse("community:profile-edit")).status_code == 302  # logged out

    def test_notification_opens_its_target_and_is_marked_read(self, client_for: ClientFor) -> None:
        member = MemberFactory()
        services.notify(
            recipients=[member.pk], kind="community.role_changed", payload={"url": "/c/x/"}
        )
        notice = Notification.objects.get()
        response = client_for(member).get(reverse("community:notification-open", args=[notice.pk]))
        assert response["Location"] == "/c/x/"
        notice.refresh_from_db()
        assert notice.read_at is not None

    def test_notification_redirect_stays_on_site(self, client_for: ClientFor) -> None:
        member = MemberFactory()
        services.notify(
            recipients=[member.pk],
            kind="community.role_changed",
            payload={"url": "//evil.example/"},
        )
        response = client_for(member).get(
            reverse("community:notification-open", args=[Notification.objects.get().pk])
        )
        assert response["Location"] == "/notifications/"

    def test_animator_approves_with_htmx(self, client_for: ClientFor) -> None:
        community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
        animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
        pending = services.request_membership(
            member=MemberFactory(display_name="New Person"), community=community
        )
        url = reverse("community:request-decide", args=[community.slug, pending.pk, "approve"])
        response = client_for(animator).post(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text and "New Person" in response.text
        pending.refresh_from_db()
        assert pending.status == MembershipStatus.ACTIVE

    def test_invitation_link_flow(self, client_for: ClientFor) -> None:
        community = CommunityFactory(
            join_policy=JoinPolicy.INVITE, visibility=Visibility.INVITATION
        )
        animator = MembershipFactory(community=community, role=Role.ANIMATOR).member
        response = client_for(animator).post(
            reverse("community:invitation-create", args=[community.slug])
        )
        link = response.context["link"]
        guest = MemberFactory()
        client = client_for(guest)
        assert client.get(link).status_code == 200
        assert client.post(link).status_code == 302
        assert Membership.objects.get(member=guest).status == MembershipStatus.ACTIVE

    def test_broken_invitation_says_so(self, client: Client) -> None:
        response = client.get(reverse("community:invitation", args=["garbage"]))
        assert response.status_code == 400
        assert "not valid" in response.text or "n’est pas valide" in response.text


class TestRefused:
    def test_invitation_community_is_404_for_outsiders(self, client_for: ClientFor) -> None:
        community = CommunityFactory(
            visibility=Visibility.INVITATION, join_policy=JoinPolicy.INVITE
        )
        before = snapshot()
        for url in [
            community.get_absolute_url(),
            reverse("community:directory", args=[community.slug]),
        ]:
            assert client_for(MemberFactory()).get(url).status_code == 404
        assert (
            client_for(MemberFactory())
            .post(reverse("community:community-join", args=[community.slug]))
            .status_code
            == 404
        )
        assert snapshot() == before

    def test_members_only_directory_is_403_for_outsiders(self, client_for: ClientFor) -> None:
        community = CommunityFactory(visibility=Visibility.MEMBERS)
        assert (
            client_for(MemberFactory())
            .get(reverse("community:directory", args=[community.slug]))
            .status_code
            == 403
        )
        assert (
            client_for(None).get(reverse("community:directory", args=[community.slug])).status_code
            == 403
        )

    def test_join_needs_login_and_post(self, client: Client, client_for: ClientFor) -> None:
        community = CommunityFactory()
        before = snapshot()
        response = client.post(reverse("community:community-join", args=[community.slug]))
        assert response.status_code == 302 and "/account/login/" in response["Location"]
        assert (
            client_for(MemberFactory())
            .get(reverse("community:community-join", args=[community.slug]))
            .status_code
            == 405
        )
        assert snapshot() == before

    def test_cannot_join_a_community_on_request_directly(self, client_for: ClientFor) -> None:
        community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
        before = snapshot()
        assert (
            client_for(MemberFactory())
            .post(reverse("community:community-join", args=[community.slug]))
            .status_code
            == 403
        )
        assert snapshot() == before

    def test_a_member_cannot_decide_on_requests(self, client_for: ClientFor) -> None:
        community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
        someone = MembershipFactory(community=community).member
        pending = services.request_membership(member=MemberFactory(), community=community)
        before = snapshot()
        client = client_for(someone)
        assert client.get(reverse("community:requests", args=[community.slug])).status_code == 403
        url = reverse("community:request-decide", args=[community.slug, pending.pk, "approve"])
        assert client.post(url).status_code == 403
        assert snapshot() == before

    def test_an_animator_cannot_decide_in_another_community(self, client_for: ClientFor) -> None:
        mine, theirs = (
            CommunityFactory(join_policy=JoinPolicy.REQUEST),
            CommunityFactory(join_policy=JoinPolicy.REQUEST),
        )
        animator = MembershipFactory(community=mine, role=Role.ANIMATOR).member
        pending = services.request_membership(member=MemberFactory(), community=theirs)
        before = snapshot()
        url = reverse("community:request-decide", args=[mine.slug, pending.pk, "approve"])
        assert client_for(animator).post(url).status_code == 404
        url = reverse("community:request-decide", args=[theirs.slug, pending.pk, "approve"])
        assert client_for(animator).post(url).status_code == 403
        assert snapshot() == before

    def test_only_animators_make_invitations(self, client_for: ClientFor) -> None:
        community = CommunityFactory()
        member = MembershipFactory(community=community).member
        before = snapshot()
        assert (
            client_for(member)
            .post(reverse("community:invitation-create", args=[community.slug]))
            .status_code
            == 403
        )
        assert snapshot() == before

    def test_leave_when_not_a_member(self, client_for: ClientFor) -> None:
        community = CommunityFactory()
        before = snapshot()
        assert (
            client_for(MemberFactory())
            .post(reverse("community:community-leave", args=[community.slug]))
            .status_code
            == 403
        )
        assert snapshot() == before

    def test_charter_acceptance_needs_membership(self, client_for: ClientFor) -> None:
        community = CommunityFactory()
        with_charter(community)
        before = snapshot()
        assert (
            client_for(MemberFactory())
            .post(reverse("community:charter", args=[community.slug]))
            .status_code
            == 403
        )
        assert snapshot() == before

    def test_someone_elses_notification_is_404(self, client_for: ClientFor) -> None:
        alice, bob = MemberFactory(), MemberFactory()
        services.notify(recipients=[bob.pk], kind="community.role_changed", payload={"url": "/"})
        notice = Notification.objects.get()
        assert (
            client_for(alice)
            .get(reverse("community:notification-open", args=[notice.pk]))
            .status_code
            == 404
        )
        notice.refresh_from_db()
        assert notice.read_at is None

    def test_anonymous_member_pages_redirect_to_login(self, client: Client) -> None:
        for name in [
            "profile-edit",
            "notifications",
            "notification-settings",
            "data-export",
            "account-delete",
        ]:
            response = client.get(reverse(f"community:{name}"))
            assert response.status_code == 302 and response["Location"].startswith(
                "/account/login/"
            )

    def test_anonymised_profiles_are_gone(self, client: Client) -> None:
        member = MemberFactory()
        services.delete_account(member=member)
        member.refresh_from_db()
        assert client.get(member.get_absolute_url()).status_code == 404

    def test_media_path_traversal_is_refused(self, client: Client) -> None:
        for path in [
            "/media/../config/settings.py",
            "/media/%2e%2e/manage.py",
            "/media/..%2fmanage.py",
        ]:
            response = client.get(path)
            assert response.status_code in (400, 404)
            assert (
                b"SECRET_KEY" not in response.content
                and b"execute_from_command_line" not in response.content
            )

    def test_suspended_member_is_logged_out(self, client_for: ClientFor) -> None:
        from django.utils import timezone

        member = MemberFactory(suspension_reason="Harassment")
        client = client_for(member)
        Member.objects.filter(pk=member.pk).update(
            suspended_until=timezone.now() + timezone.timedelta(days=3)
        )
        response = client.get("/", follow=True)
        assert response.context["member"] is None
        assert "Harassment" in response.text
        assert client.get(reverse("community:profile-edit")).status_code == 302


def build(n: int) -> tuple[Community, Member]:
    """A community of ``n`` members (varied roles and teams), and one of them."""
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    with_charter(community)
    members = []
    for i in range(n):
        role = (
            [Role.MEMBER, Role.AMBASSADOR, Role.ANIMATOR, Role.MANAGER][i % 4]
            if i < 8
            else Role.MEMBER
        )
        m = MembershipFactory(
            community=community,
            role=role,
            member=MemberFactory(team=f"Team {i % 9}", site=f"Site {i % 4}"),
        )
        members.append(m.member)
        CommunityFactory(parent=None)  # more communities to discover
    for _ in range(3):
        services.request_membership(member=MemberFactory(), community=community)
    for i in range(3):
        CommunityFactory(parent=community, name=f"Chapter {i}")
    refresh_counts(community)
    return community, members[2]  # an animator


@pytest.mark.parametrize("n", [5, 200])
class TestQueryCounts:
    """Every list page runs a fixed number of queries, whatever the size of the data."""

    def test_home(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        _community, animator = build(n)
        client = client_for(animator)
        with django_assert_max_num_queries(7):  # type: ignore[operator]
            assert client.get("/").status_code == 200

    def test_community_list(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        _community, animator = build(n)
        client = client_for(animator)
        with django_assert_max_num_queries(6):  # type: ignore[operator]
            assert client.get("/communities/").status_code == 200
        with django_assert_max_num_queries(6):  # type: ignore[operator]
            assert client.get("/communities/", {"q": "community"}).status_code == 200

    def test_community_page(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        community, animator = build(n)
        client = client_for(animator)
        # 10 for the page itself, plus one query per overview panel of community life
        # (next events, new resources, surveys to answer) and of the forums (latest
        # discussions).
        with django_assert_max_num_queries(14):  # type: ignore[operator]
            assert client.get(community.get_absolute_url()).status_code == 200

    def test_directory(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        community, animator = build(n)
        client = client_for(animator)
        url = reverse("community:directory", args=[community.slug])
        with django_assert_max_num_queries(9):  # type: ignore[operator]
            assert client.get(url, {"team": "Team 1", "q": "member"}).status_code == 200

    def test_requests(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        community, animator = build(n)
        client = client_for(animator)
        with django_assert_max_num_queries(8):  # type: ignore[operator]
            assert (
                client.get(reverse("community:requests", args=[community.slug])).status_code == 200
            )

    def test_profile(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        _community, animator = build(n)
        client = client_for(animator)
        with django_assert_max_num_queries(7):  # type: ignore[operator]
            assert client.get(animator.get_absolute_url()).status_code == 200

    def test_notifications(
        self, n: int, client_for: ClientFor, django_assert_max_num_queries: object
    ) -> None:
        _community, animator = build(n)
        others = list(Member.objects.exclude(pk=animator.pk)[:n])
        for other in others:
            services.notify(
                recipients=[animator.pk],
                kind="community.role_changed",
                actor=other,
                payload={"url": "/"},
            )
        client = client_for(animator)
        with django_assert_max_num_queries(6):  # type: ignore[operator]
            assert client.get(reverse("community:notifications")).status_code == 200


def test_media_serves_public_folders_only(client: Client, settings: object) -> None:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)  # type: ignore[attr-defined]
    (root / "avatars").mkdir(parents=True, exist_ok=True)
    (root / "resources").mkdir(parents=True, exist_ok=True)
    (root / "avatars" / "a.png").write_bytes(b"\x89PNG")
    (root / "resources" / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    public = client.get("/media/avatars/a.png")
    assert public.status_code == 200
    assert public["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get("/media/resources/secret.pdf").status_code == 404
