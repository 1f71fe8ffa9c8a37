"""The demo data, and the back office (scoping, merge, notes never shown)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Member
from mentoring.models import (
    MatchingRound,
    Mentorship,
    RoundPair,
    RoundStatus,
    Skill,
    SkillDeclaration,
)
from mentoring.services import mentorships, rounds
from tests.community.test_admin import with_mfa
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.conftest import Pair
from tests.mentoring.factories import make_domain, make_skill, teaches
from tests.mentoring.test_services import active

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


def test_demo_has_reciprocal_pairs_a_running_round_and_is_idempotent() -> None:
    from community import demo as community_demo
    from mentoring import demo

    community_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    counts = (Skill.objects.count(), SkillDeclaration.objects.count(), Mentorship.objects.count())
    demo.seed(io.StringIO())
    assert (
        Skill.objects.count(),
        SkillDeclaration.objects.count(),
        Mentorship.objects.count(),
    ) == counts
    spring = MatchingRound.objects.get(title="Binômes du printemps")
    assert (spring.status, spring.volunteer_count) == (RoundStatus.DRAFT, 13)
    rounds.start_computation(round_=spring, by=None, enqueue=False)
    rounds.compute_round(round_id=spring.pk)
    assert RoundPair.objects.filter(round=spring, reciprocal=True).count() >= 3
    assert Mentorship.objects.filter(status="active", reciprocal=True).count() == 4
    lea = Member.objects.get(display_name="Léa Petit")
    assert Mentorship.objects.involving(lea.pk).get().status == "proposed"


def admin_client(client_for: ClientFor, member: Member) -> Client:
    return client_for(with_mfa(member))


def test_animators_see_their_mentorships_with_sessions_but_never_the_notes(
    pair: Pair, client_for: ClientFor
) -> None:
    m = active(pair)
    mentorships.log_session(
        mentorship=m,
        by=pair.alice,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topic="Voice",
        notes="SECRET-NOTE",
    )
    other = CommunityFactory()
    theirs = MembershipFactory(community=other).member
    client = admin_client(client_for, pair.animator)
    listing = client.get(reverse("admin:mentoring_mentorship_changelist"))
    assert listing.status_code == 200 and "Alice Martin ↔ Bob Leroy" in listing.text
    page = client.get(reverse("admin:mentoring_mentorship_change", args=[m.pk]))
    assert page.status_code == 200
    assert "Voice" in page.text and "SECRET-NOTE" not in page.text
    # Another community's mentorship: 404, unchanged.
    foreign = mentorships.create_mentorship(
        community=other,
        directions=[
            {"mentor_id": theirs.pk, "learner_id": pair.outsider.pk, "skill_id": pair.excel.pk}
        ],
        status="proposed",
    )
    assert (
        client.get(reverse("admin:mentoring_mentorship_change", args=[foreign.pk])).status_code
        == 404
    )
    client.post(
        reverse("admin:mentoring_mentorship_changelist"),
        {"action": "end", "_selected_action": [foreign.pk], "reason": "x"},
    )
    foreign.refresh_from_db()
    assert foreign.status == "proposed"


def test_animators_end_a_pair_from_the_admin(pair: Pair, client_for: ClientFor) -> None:
    m = active(pair)
    client = admin_client(client_for, pair.animator)
    client.post(
        reverse("admin:mentoring_mentorship_changelist"),
        {"action": "end", "_selected_action": [m.pk], "reason": "Moved away"},
    )
    m.refresh_from_db()
    assert (m.status, m.end_reason) == ("ended", "Moved away")


def test_stalled_filter_lists_pairs_without_recent_sessions(
    pair: Pair, client_for: ClientFor
) -> None:
    m = active(pair)
    Mentorship.objects.filter(pk=m.pk).update(
        started_at=timezone.now() - timezone.timedelta(days=60)
    )
    client = admin_client(client_for, pair.animator)
    response = client.get(reverse("admin:mentoring_mentorship_changelist"), {"stalled": "yes"})
    assert list(response.context["cl"].result_list) == [m]


def test_animators_add_skills_with_their_tag_and_merge_duplicates(
    pair: Pair, client_for: ClientFor
) -> None:
    client = admin_client(client_for, pair.animator)
    domain = make_domain()
    response = client.post(
        reverse("admin:mentoring_skill_add"),
        {
            "domain": domain.pk,
            "name_fr": "Tableur",
            "name_en": "Spreadsheets",
            "slug": "spreadsheets",
            "esco_uri": "",
            "rome_code": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    sheet = Skill.objects.get(slug="spreadsheets")
    assert sheet.tag.slug == "spreadsheets"
    teaches(pair.outsider, sheet, 3)
    client.post(
        reverse("admin:mentoring_skill_changelist"),
        {"action": "merge", "_selected_action": [sheet.pk], "target": pair.excel.slug},
    )
    sheet.refresh_from_db()
    assert sheet.merged_into_id == pair.excel.pk
    assert SkillDeclaration.objects.filter(
        member=pair.outsider, skill=pair.excel, kind="teach"
    ).exists()


def test_members_without_a_community_to_animate_cannot_edit_skills(
    pair: Pair, client_for: ClientFor
) -> None:
    staff = with_mfa(MembershipFactory(community=CommunityFactory()).member)
    Member.objects.filter(pk=staff.pk)
    staff.user.is_staff = True
    staff.user.save()
    response = client_for(staff).get(reverse("admin:mentoring_skill_changelist"))
    assert response.status_code == 403
    make_skill("Unused")
