"""Fixtures of the community-life tests."""

from __future__ import annotations

import pytest

from community.models import Community, Member
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory


@pytest.fixture
def place(db: None) -> Community:
    return CommunityFactory(name="Formateurs de Lyon", slug="formateurs-lyon")


@pytest.fixture
def animator(place: Community) -> Member:
    return MembershipFactory(
        community=place, role="animator", member=MemberFactory(display_name="Claire Anim")
    ).member


@pytest.fixture
def alice(place: Community) -> Member:
    return MembershipFactory(community=place, member=MemberFactory(display_name="Alice")).member


@pytest.fixture
def bob(place: Community) -> Member:
    return MembershipFactory(community=place, member=MemberFactory(display_name="Bob")).member
