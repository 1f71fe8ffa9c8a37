"""The demo that `make run` loads: every app's part, believable, and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from community.models import ActivityEvent, Community, Member, Membership, User
from community.models.communities import MembershipStatus, Role

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "communities": Community.objects.count(),
        "memberships": Membership.objects.count(),
        "events": ActivityEvent.objects.count(),
    }


def test_seed_demo_builds_the_setting_and_running_it_again_changes_nothing(
    settings: object,
) -> None:
    settings.ALLOW_DEMO_DATA = True  # type: ignore[attr-defined]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "Demo data ready." in out.getvalue()
    # a national community with two chapters, and an independent one
    national = Community.objects.get(slug="reseau-formateurs")
    assert sorted(national.chapters.values_list("slug", flat=True)) == [
        "formateurs-lyon",
        "formateurs-nantes",
    ]
    assert Community.objects.filter(parent__isnull=True).count() == 2
    assert 55 <= Member.objects.count() <= 70
    # every role, pending requests, charters
    roles = set(
        Membership.objects.filter(status=MembershipStatus.ACTIVE).values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    assert Membership.objects.filter(status=MembershipStatus.REQUESTED).count() >= 3
    assert not Community.objects.filter(charter_version=0).exists()
    # the demo logins work with the demo password
    for email in ["admin@demo.example", "claire.martin@demo.example", "lea.petit@demo.example"]:
        assert User.objects.get(email=email).check_password(settings.DEMO_PASSWORD)  # type: ignore[attr-defined]
    # counters agree with the rows
    for community in Community.objects.annotate(
        n=Count("memberships", filter=Q(memberships__status="active"))
    ):
        assert community.member_count == community.n


def test_seed_demo_is_refused_where_demo_data_is_off(settings: object) -> None:
    settings.ALLOW_DEMO_DATA = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="disabled"):
        call_command("seed_demo", stdout=StringIO())
    assert counts()["users"] == 0
