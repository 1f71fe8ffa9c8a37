"""Posting rate limits: a floor for everyone, tighter limits for new members; counted from
the activity log; the page keeps what was typed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import ActivityEvent, Community, Member, Membership, Resource
from community.services.ratelimits import RateLimited, check_contribution_rate, posting_rate
from community.services.resources import share_resource

pytestmark = pytest.mark.django_db


NOW = timezone.now()


def _post(
    member: Member, community: Community, seconds_ago: float, verb: str = "resources.shared"
) -> None:
    ActivityEvent.objects.create(
        actor=member,
        community=community,
        verb=verb,
        occurred_at=NOW - timedelta(seconds=seconds_ago),
    )


def _old_member(member: Member, community: Community) -> None:
    Membership.objects.filter(member=member, community=community).update(
        joined_at=timezone.now() - timedelta(days=30)
    )


def test_everyone_waits_the_floor_between_two_posts(place: Community, alice: Member) -> None:
    _old_member(alice, place)
    now = NOW
    _post(alice, place, 2)
    with pytest.raises(RateLimited) as error:
        check_contribution_rate(alice, place, at=now)
    assert error.value.messages == ["You are posting quickly: you can post again in 3 seconds."]
    assert error.value.retry_after == 3
    check_contribution_rate(alice, place, at=now + timedelta(seconds=3))


def test_new_members_wait_longer_and_post_a_bounded_number_of_times_a_day(
    place: Community, alice: Member
) -> None:
    now = NOW
    _post(alice, place, 10)
    with pytest.raises(RateLimited) as error:
        check_contribution_rate(alice, place, at=now)
    assert error.value.messages == ["You are posting quickly: you can post again in 20 seconds."]
    for n in range(9):
        _post(alice, place, 3600 + n)
    assert posting_rate(alice, place, now).posts_today == 10
    with pytest.raises(RateLimited) as error:
        check_contribution_rate(alice, place, at=now + timedelta(minutes=5))
    assert error.value.messages == ["New members can post at most 10 times a day — back tomorrow."]
    # Old members are not counted per day; posts of yesterday do not count either.
    _old_member(alice, place)
    check_contribution_rate(alice, place, at=now + timedelta(minutes=5))


def test_only_posts_in_that_community_count(place: Community, alice: Member) -> None:
    from tests.factories import CommunityFactory

    _post(alice, CommunityFactory(), 1)
    _post(alice, place, 1, verb="resources.found_useful")  # not a post
    check_contribution_rate(alice, place, at=NOW)


def test_limits_are_settings_of_the_community(place: Community, alice: Member) -> None:
    Community.objects.filter(pk=place.pk).update(
        new_member_days=0, post_interval_floor=0, new_member_daily_posts=0
    )
    place.refresh_from_db()
    _post(alice, place, 0)
    check_contribution_rate(alice, place, at=NOW)


def test_sharing_too_fast_is_refused_with_nothing_written(place: Community, alice: Member) -> None:
    share_resource(community=place, by=alice, kind="link", title="Un", url="https://x.org/1")
    with pytest.raises(RateLimited):
        share_resource(community=place, by=alice, kind="link", title="Deux", url="https://x.org/2")
    assert list(Resource.objects.values_list("title", flat=True)) == ["Un"]
    assert ActivityEvent.objects.count() == 1


def test_the_share_page_explains_and_keeps_the_typed_text(
    place: Community, alice: Member, client_for: object
) -> None:
    ActivityEvent.objects.create(actor=alice, community=place, verb="resources.shared")
    client: Client = client_for(alice)  # type: ignore[operator]
    response = client.post(
        f"/c/{place.slug}/library/share/",
        {
            "kind": "link",
            "title": "Mon lien précieux",
            "url": "https://example.org/précieux",
            "summary": "Ce que j'ai tapé",
            "visibility": "community",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert re.search(r"you can post again in (29|30) seconds", response.text)
    assert "Mon lien précieux" in response.text and "Ce que j&#x27;ai tapé" in response.text
    assert Resource.objects.count() == 0
