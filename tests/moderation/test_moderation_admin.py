"""The review queue and the moderation log in the admin, scoped to the animator's
communities: another community's rows answer 404 and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from community.models import (
    Community,
    Member,
    Membership,
    ModerationLog,
    Resource,
    ReviewItem,
)
from community.services import moderation as services
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import ResourceFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/community/reviewitem/"
LOG = "/admin/community/moderationlog/"


def _flagged(community: Community, flaggers: int, title: str = "Spam") -> ReviewItem:
    author = MembershipFactory(community=community).member
    resource = ResourceFactory(community=community, title=title, author=author)
    for _ in range(flaggers):
        who = MembershipFactory(community=community).member
        services.flag_content(target=resource, by=who, reason="spam")
    return ReviewItem.objects.get(target_id=resource.pk, status="open")


def _decision(**extra: object) -> dict[str, object]:
    return {
        "decision": "agree_hide",
        "reason": "",
        "edited_text": "",
        "sanction": "",
        "sanction_days": "",
        "sanction_reason": "",
        "flags-TOTAL_FORMS": "0",
        "flags-INITIAL_FORMS": "0",
        "flags-MIN_NUM_FORMS": "0",
        "flags-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_the_queue_lists_open_items_of_my_communities_by_weight(
    admin_client: Client, place: Community
) -> None:
    Community.objects.filter(pk=place.pk).update(auto_hide_flags=0)
    place.refresh_from_db()
    light = _flagged(place, 1, "Léger")
    heavy = _flagged(place, 2, "Lourd")
    _flagged(CommunityFactory(), 3, "Ailleurs")
    page = admin_client.get(QUEUE)
    assert page.status_code == 200
    text = page.text
    assert "Ailleurs" not in text
    assert text.index(heavy.excerpt) < text.index(light.excerpt)


@pytest.mark.parametrize("size", [3, 30])
def test_the_queue_costs_the_same_queries_whatever_its_size(
    admin_client: Client,
    place: Community,
    size: int,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    flagger = MembershipFactory(community=place).member
    for n in range(size):
        services.flag_content(
            target=ResourceFactory(community=place, title=f"R{n}"), by=flagger, reason="spam"
        )
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert admin_client.get(QUEUE).status_code == 200


def test_the_review_page_shows_the_content_its_context_and_the_flags(
    admin_client: Client, place: Community
) -> None:
    item = _flagged(place, 2, "Achetez mes pilules")
    page = admin_client.get(f"{QUEUE}{item.pk}/change/")
    assert page.status_code == 200
    text = page.text
    assert "Achetez mes pilules" in text and "Un guide pratique." in text
    assert "https://example.org/guide" in text
    assert text.count("Spam or advertising") >= 2  # each flag, inline
    assert 'name="decision"' in text and 'name="sanction"' in text


def test_agree_and_hide_with_a_silence_from_the_review_page(
    admin_client: Client, place: Community, animator: Member
) -> None:
    item = _flagged(place, 1)
    response = admin_client.post(
        f"{QUEUE}{item.pk}/change/",
        _decision(
            reason="Publicité",
            sanction="silence",
            sanction_days="3",
            sanction_reason="Publicité répétée",
        ),
    )
    assert response.status_code == 302, response.content[:3000]
    item.refresh_from_db()
    assert (item.status, item.resolved_by_id) == ("agreed_hidden", animator.pk)
    resource = Resource.objects.get(pk=item.target_id)
    assert resource.is_hidden is True
    membership = Membership.objects.get(member=resource.author, community=place)
    assert membership.silence_reason == "Publicité répétée"
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "silence",
    ]


def test_agree_and_keep_needs_the_edited_text(
    admin_client: Client, place: Community, snapshot: Callable[[], object]
) -> None:
    item = _flagged(place, 1)
    before = snapshot()
    response = admin_client.post(
        f"{QUEUE}{item.pk}/change/", _decision(decision="agree_keep", edited_text=" ")
    )
    assert response.status_code == 200
    assert "Write the edited text to keep." in response.text or "Écrivez" in response.text
    assert snapshot() == before
    response = admin_client.post(
        f"{QUEUE}{item.pk}/change/",
        _decision(decision="agree_keep", edited_text="Version corrigée", reason="Ton"),
    )
    assert response.status_code == 302
    assert Resource.objects.get(pk=item.target_id).summary == "Version corrigée"
    assert ReviewItem.objects.get(pk=item.pk).status == "agreed_kept"


def test_bulk_actions_resolve_only_my_communitys_items(
    admin_client: Client, place: Community
) -> None:
    mine = _flagged(place, 1, "Mien")
    theirs = _flagged(CommunityFactory(), 1, "Autre")
    response = admin_client.post(
        QUEUE, {"action": "ignore", "_selected_action": [mine.pk, theirs.pk]}
    )
    assert response.status_code == 302
    assert dict(ReviewItem.objects.values_list("pk", "status")) == {
        mine.pk: "ignored",
        theirs.pk: "open",
    }


def test_another_communitys_item_answers_404_and_nothing_changes(
    admin_client: Client, snapshot: Callable[[], object]
) -> None:
    theirs = _flagged(CommunityFactory(), 1)
    before = snapshot()
    assert admin_client.get(f"{QUEUE}{theirs.pk}/change/").status_code == 404
    response = admin_client.post(
        f"{QUEUE}{theirs.pk}/change/",
        _decision(sanction="suspend", sanction_days="30", sanction_reason="Non"),
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_members_without_the_back_office_are_kept_out(
    place: Community, client_for: Callable[[Member | None], Client], settings: object
) -> None:
    settings.ADMIN_REQUIRE_MFA = False  # type: ignore[attr-defined]
    item = _flagged(place, 1)
    member = MembershipFactory(community=place).member
    response = client_for(member).post(f"{QUEUE}{item.pk}/change/", _decision())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert ReviewItem.objects.get(pk=item.pk).status == "open"


def test_the_log_is_read_only_and_filterable_in_the_admin(
    admin_client: Client, place: Community, animator: Member
) -> None:
    resource = ResourceFactory(community=place, title="Caché")
    services.hide_content(target=resource, by=animator, reason="Hors charte")
    other_animator = MembershipFactory(community=CommunityFactory(), role="animator").member
    foreign = ResourceFactory(community=other_animator.memberships.get().community, title="Loin")
    services.hide_content(target=foreign, by=other_animator, reason="Ailleurs")
    mine, theirs = ModerationLog.objects.order_by("pk")
    page = admin_client.get(LOG)
    assert page.status_code == 200
    assert "Caché" in page.text and "Loin" not in page.text
    assert "Caché" in admin_client.get(f"{LOG}?action=hide&moderator={animator.pk}").text
    assert "Caché" not in admin_client.get(f"{LOG}?action=restore").text
    assert admin_client.get(f"{LOG}{mine.pk}/change/").status_code == 200
    assert admin_client.get(f"{LOG}{theirs.pk}/change/").status_code == 404
    assert admin_client.get(f"{LOG}add/").status_code == 403
    assert admin_client.post(f"{LOG}{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"{LOG}{mine.pk}/change/", {"reason": "réécrit"})
    admin_client.post(LOG, {"action": "delete_selected", "_selected_action": [mine.pk]})
    assert list(ModerationLog.objects.order_by("pk").values_list("reason", flat=True)) == [
        "Hors charte",
        "Ailleurs",
    ]


def test_animators_set_the_moderation_settings_of_their_community(
    admin_client: Client, place: Community
) -> None:
    page = admin_client.get(f"/admin/community/community/{place.pk}/change/")
    assert page.status_code == 200
    for field in (
        "auto_hide_flags",
        "new_member_days",
        "new_member_daily_posts",
        "new_member_post_interval",
        "post_interval_floor",
    ):
        assert f'name="{field}"' in page.text
    assert MemberFactory  # imported for symmetry with the other admin tests


def test_silence_and_suspend_from_the_memberships_list(
    admin_client: Client, place: Community, author: Member, alice: Member
) -> None:
    mine = Membership.objects.get(member=author, community=place)
    theirs = MembershipFactory(community=CommunityFactory())
    response = admin_client.post(
        "/admin/community/membership/",
        {
            "action": "silence",
            "_selected_action": [mine.pk, theirs.pk],
            "days": "5",
            "reason": "Trop de messages",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.silence_reason, theirs.silenced_until) == ("Trop de messages", None)
    # Without a reason, nothing happens (the member must be told why).
    response = admin_client.post(
        "/admin/community/membership/",
        {
            "action": "suspend",
            "_selected_action": [Membership.objects.get(member=alice, community=place).pk],
            "days": "5",
            "reason": "",
        },
    )
    alice.refresh_from_db()
    assert alice.suspended_until is None
    response = admin_client.post(
        "/admin/community/membership/",
        {
            "action": "suspend",
            "_selected_action": [Membership.objects.get(member=alice, community=place).pk],
            "days": "5",
            "reason": "Harcèlement",
        },
    )
    alice.refresh_from_db()
    assert alice.is_suspended() and alice.suspension_reason == "Harcèlement"
    assert list(ModerationLog.objects.order_by("pk").values_list("action", "member_id")) == [
        ("silence", author.pk),
        ("suspend", alice.pk),
    ]


@pytest.mark.parametrize("size", [3, 40])
def test_the_log_list_costs_the_same_queries_whatever_its_size(
    admin_client: Client,
    place: Community,
    animator: Member,
    size: int,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for n in range(size):
        services.hide_content(
            target=ResourceFactory(community=place, title=f"R{n}"), by=animator, reason="x"
        )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert admin_client.get(LOG).status_code == 200
