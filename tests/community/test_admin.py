"""The back office: animators see and change only their communities; staff need MFA."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from community.models import ActivityEvent, CharterVersion, Member
from community.models.communities import JoinPolicy, MembershipStatus, Role
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


def with_mfa(member: Member) -> Member:
    """Give the member a TOTP authenticator, as activating one in the app would."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(member.user, generate_totp_secret())
    return member


@pytest.fixture
def setup() -> dict[str, object]:
    national = CommunityFactory(name="National", join_policy=JoinPolicy.REQUEST)
    chapter = CommunityFactory(name="Chapter", parent=national, join_policy=JoinPolicy.REQUEST)
    other = CommunityFactory(name="Other", join_policy=JoinPolicy.REQUEST)
    animator = with_mfa(MembershipFactory(community=national, role=Role.ANIMATOR).member)
    mine = services.request_membership(
        member=MemberFactory(display_name="Mine Pending"), community=chapter
    )
    theirs = services.request_membership(
        member=MemberFactory(display_name="Theirs Pending"), community=other
    )
    return {
        "national": national,
        "chapter": chapter,
        "other": other,
        "animator": animator,
        "mine": mine,
        "theirs": theirs,
    }


def test_staff_without_mfa_is_sent_to_set_it_up(client_for: ClientFor) -> None:
    animator = MembershipFactory(role=Role.ANIMATOR).member
    response = client_for(animator).get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("community:admin-mfa-required")
    assert reverse("mfa_activate_totp") in response.text


def test_the_demo_may_turn_mfa_off(client_for: ClientFor, settings: object) -> None:
    settings.ADMIN_REQUIRE_MFA = False  # type: ignore[attr-defined]
    animator = MembershipFactory(role=Role.ANIMATOR).member
    response = client_for(animator).get(reverse("admin:index"), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "two-factor authentication is not required" in response.text


def test_anonymous_admin_login_goes_through_allauth(client: Client) -> None:
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/login/")


def test_members_without_staff_status_are_refused(client_for: ClientFor) -> None:
    member = with_mfa(MembershipFactory().member)
    assert client_for(member).get(reverse("admin:index")).status_code in (302, 403)
    assert client_for(member).get(reverse("admin:community_membership_changelist")).status_code in (
        302,
        403,
    )


def test_animator_sees_only_their_communities(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    response = client.get(reverse("admin:community_membership_changelist"))
    assert response.status_code == 200
    assert "Mine Pending" in response.text
    assert "Theirs Pending" not in response.text
    communities = client.get(reverse("admin:community_community_changelist")).text
    assert "Chapter" in communities and "Other" not in communities


def test_another_communitys_row_is_404_and_unchanged(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    theirs = setup["theirs"]
    url = reverse("admin:community_membership_change", args=[theirs.pk])  # type: ignore[attr-defined]
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "animator"}).status_code == 404
    other = setup["other"]
    assert (
        client.get(reverse("admin:community_community_change", args=[other.pk])).status_code == 404
    )  # type: ignore[attr-defined]
    theirs.refresh_from_db()  # type: ignore[attr-defined]
    assert (theirs.role, theirs.status) == (Role.MEMBER, MembershipStatus.REQUESTED)  # type: ignore[attr-defined]


def test_actions_on_foreign_rows_do_nothing(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    theirs = setup["theirs"]
    before = ActivityEvent.objects.count()
    client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "approve", "_selected_action": [theirs.pk]},
    )  # type: ignore[attr-defined]
    theirs.refresh_from_db()  # type: ignore[attr-defined]
    assert theirs.status == MembershipStatus.REQUESTED  # type: ignore[attr-defined]
    assert ActivityEvent.objects.count() == before


def test_animator_approves_a_request_with_an_admin_action(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    mine = setup["mine"]
    response = client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "approve", "_selected_action": [mine.pk]},  # type: ignore[attr-defined]
        follow=True,
    )
    assert response.status_code == 200
    mine.refresh_from_db()  # type: ignore[attr-defined]
    assert mine.status == MembershipStatus.ACTIVE  # type: ignore[attr-defined]
    assert (
        ActivityEvent.objects.filter(
            verb="community.membership_approved", actor=setup["animator"]
        ).count()
        == 1
    )


def test_role_change_in_the_form_goes_through_the_service(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    national = setup["national"]
    membership = MembershipFactory(community=national)
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    url = reverse("admin:community_membership_change", args=[membership.pk])
    response = client.post(url, {"role": "ambassador"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.AMBASSADOR
    assert (
        ActivityEvent.objects.filter(verb="community.role_changed", target_id=membership.pk).count()
        == 1
    )


def test_ban_action_uses_the_typed_reason(client_for: ClientFor, setup: dict[str, object]) -> None:
    membership = MembershipFactory(community=setup["national"])
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "ban", "_selected_action": [membership.pk], "reason": "Spam"},
    )
    membership.refresh_from_db()
    assert (membership.status, membership.ban_reason) == (MembershipStatus.BANNED, "Spam")


def test_publishing_a_charter_from_the_admin(
    client_for: ClientFor, setup: dict[str, object]
) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    chapter = setup["chapter"]
    response = client.post(
        reverse("admin:community_charterversion_add"),
        {"community": chapter.pk, "text": "Be **kind**"},
    )  # type: ignore[attr-defined]
    assert response.status_code == 302
    charter = CharterVersion.objects.get(community=chapter)
    assert (charter.version, charter.text_html) == (1, "<p>Be <strong>kind</strong></p>\n")
    other = setup["other"]
    response = client.post(
        reverse("admin:community_charterversion_add"), {"community": other.pk, "text": "Hijack"}
    )  # type: ignore[attr-defined]
    assert response.status_code == 200  # the form refuses a community out of scope
    assert not CharterVersion.objects.filter(community=other).exists()


def test_animators_cannot_manage_accounts(client_for: ClientFor, setup: dict[str, object]) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    assert client.get(reverse("admin:community_user_changelist")).status_code == 403
    assert client.get(reverse("admin:community_member_changelist")).status_code == 403


def test_platform_admin_sees_everything(client_for: ClientFor, setup: dict[str, object]) -> None:
    admin = with_mfa(MemberFactory(user=UserFactory(is_staff=True, is_superuser=True)))
    client = client_for(admin)
    text = client.get(reverse("admin:community_membership_changelist")).text
    assert "Mine Pending" in text and "Theirs Pending" in text
    assert client.get(reverse("admin:community_user_changelist")).status_code == 200
    assert client.get(reverse("admin:community_activityevent_changelist")).status_code == 200


def test_the_activity_log_is_read_only(client_for: ClientFor, setup: dict[str, object]) -> None:
    client = client_for(setup["animator"])  # type: ignore[arg-type]
    event = ActivityEvent.objects.filter(community=setup["chapter"]).first()
    assert event is not None
    url = reverse("admin:community_activityevent_change", args=[event.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"verb": "community.left"})
    event.refresh_from_db()
    assert event.verb == "community.join_requested"
    assert (
        client.post(
            reverse("admin:community_activityevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ActivityEvent.objects.filter(pk=event.pk).exists()
