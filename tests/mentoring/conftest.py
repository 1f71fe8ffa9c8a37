"""Fixtures of mentoring/ tests: a community with two members who can teach each other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from community.models import Community, Member
from mentoring.models import Skill
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.factories import learns, make_skill, teaches


@dataclass
class Pair:
    community: Community
    alice: Member
    bob: Member
    speaking: Skill
    excel: Skill
    animator: Member
    outsider: Member


@pytest.fixture
def pair(db: None) -> Pair:
    community = CommunityFactory(name="Formateurs")
    alice = MembershipFactory(community=community, member__display_name="Alice Martin").member
    bob = MembershipFactory(community=community, member__display_name="Bob Leroy").member
    animator = MembershipFactory(community=community, role="animator").member
    outsider = MembershipFactory(community=community, member__display_name="Eve Tiers").member
    speaking = make_skill("Public speaking", name_fr="Prise de parole")
    excel = make_skill("Excel", name_fr="Excel")
    teaches(alice, speaking, 4)
    learns(bob, speaking, 2, 4)
    teaches(bob, excel, 4)
    learns(alice, excel, 1, 3)
    return Pair(community, alice, bob, speaking, excel, animator, outsider)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages raised by services are asserted in English (pages choose their own)."""
    with translation.override("en"):
        yield
