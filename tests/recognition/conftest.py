from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from community.models import Community, Member
from tests.factories import CommunityFactory, MembershipFactory


@dataclass
class Folks:
    community: Community
    alice: Member
    bob: Member
    carol: Member
    animator: Member
    outsider: Member


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def folks(db: None) -> Folks:
    community = CommunityFactory(name="Formateurs")
    other = CommunityFactory(name="Ailleurs")
    alice = MembershipFactory(community=community, member__display_name="Alice Martin").member
    bob = MembershipFactory(community=community, member__display_name="Bob Leroy").member
    carol = MembershipFactory(community=community, member__display_name="Carol Diaz").member
    animator = MembershipFactory(community=community, role="animator").member
    outsider = MembershipFactory(community=other, member__display_name="Eve Tiers").member
    return Folks(community, alice, bob, carol, animator, outsider)
