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
    en = {"member__preferred_language": "en"}
    alice = MembershipFactory(community=community, member__display_name="Alice Martin", **en)
    bob = MembershipFactory(community=community, member__display_name="Bob Leroy", **en)
    carol = MembershipFactory(community=community, member__display_name="Carol Diaz", **en)
    animator = MembershipFactory(
        community=community, role="animator", member__display_name="Ann Imator", **en
    )
    outsider = MembershipFactory(community=other, member__display_name="Eve Tiers", **en)
    return Folks(
        community, alice.member, bob.member, carol.member, animator.member, outsider.member
    )
