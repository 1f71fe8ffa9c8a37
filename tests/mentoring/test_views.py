"""Pages of mentoring/: what people see, what is refused (and changes nothing), bad input,
and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Member
from mentoring.models import (
    MentoringPreferences,
    MentoringSession,
    Mentorship,
    MentorshipStatus,
    RoundStatus,
    SkillDeclaration,
)
from mentoring.services import mentorships, rounds
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.conftest import Pair
from tests.mentoring.factories import learns, make_skill, teaches
from tests.mentoring.test_services import active, proposed, snapshot

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]
EN = {"accept-language": "en"}


def url(name: str, pair: Pair, *args: object) -> str:
    return reverse(f"mentoring:{name}", args=[pair.community.slug, *args])


def test_home_shows_proposals_with_reasons_in_the_readers_words(
    pair: Pair, client_for: ClientFor
) -> None:
    proposed(pair)
    text = client_for(pair.bob).get(url("home", pair), headers=EN).text
    assert "Alice Martin can teach you Public speaking (level 4 → your 2)" in text
    assert "You can teach Alice Martin Excel (your 4 → their 1)" in text
    pair.bob.preferred_language = "fr"
    pair.bob.save()
    text = client_for(pair.bob).get(url("home", pair)).text
    assert "Alice Martin peut vous apprendre Prise de parole (niveau 4 → votre 2)" in text


def test_accept_by_htmx_returns_the_card_and_both_acceptances_start_it(
    pair: Pair, client_for: ClientFor
) -> None:
    m = proposed(pair)
    response = client_for(pair.bob).post(
        url("mentorship-accept", pair, m.pk), headers={"HX-Request": "true", **EN}
    )
    assert response.status_code == 200
    assert f'id="mentorship-{m.pk}"' in response.text and "We will tell you" in response.text
    client_for(pair.alice).post(url("mentorship-accept", pair, m.pk))
    m.refresh_from_db()
    assert m.status == MentorshipStatus.ACTIVE


def test_a_third_member_can_neither_see_nor_answer_a_proposal(
    pair: Pair, client_for: ClientFor
) -> None:
    m = proposed(pair)
    mentorships.accept_mentorship(mentorship=m, member=pair.alice)
    before = snapshot()
    client = client_for(pair.outsider)
    assert client.post(url("mentorship-decline", pair, m.pk)).status_code == 404
    assert client.post(url("mentorship-accept", pair, m.pk)).status_code == 404
    assert client.get(url("mentorship-detail", pair, m.pk)).status_code == 404
    assert client_for(pair.animator).get(url("mentorship-detail", pair, m.pk)).status_code == 404
    assert snapshot() == before


def test_session_notes_are_for_the_pair_only(pair: Pair, client_for: ClientFor) -> None:
    m = active(pair)
    mentorships.log_session(
        mentorship=m,
        by=pair.alice,
        held_on=timezone.localdate(),
        duration_minutes=40,
        topic="Breathing",
        notes="Bob is shy at first",
    )
    for member in (pair.alice, pair.bob):
        text = client_for(member).get(url("mentorship-detail", pair, m.pk)).text
        assert "Bob is shy at first" in text and "Breathing" in text
    assert client_for(pair.outsider).get(url("mentorship-detail", pair, m.pk)).status_code == 404


def test_logging_a_session_in_the_browser(pair: Pair, client_for: ClientFor) -> None:
    m = active(pair)
    client = client_for(pair.bob)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        url("session-create", pair, m.pk),
        {
            "held_on": day,
            "duration_minutes": "50",
            "topic": "Pitch",
            "notes": "n",
            "skills": [str(pair.speaking.pk)],
        },
    )
    assert response.status_code == 302
    session = MentoringSession.objects.get()
    assert (session.duration_minutes, session.topic, session.logged_by_id) == (
        50,
        "Pitch",
        pair.bob.pk,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "held_on": "2999-01-01",
                "duration_minutes": "30",
                "topic": "<script>alert(1)</script>",
            },
            "A session is logged once it has taken place.",
        ),
        (
            {"held_on": "yesterday", "duration_minutes": "30", "topic": "Kept topic"},
            "Enter a date like 2026-03-14.",
        ),
        (
            {"held_on": "2026-01-01", "duration_minutes": "9999", "topic": "Kept topic"},
            "A session lasts at most 8 hours (480 minutes).",
        ),
        (
            {"held_on": "2026-01-01", "duration_minutes": "30", "topic": "   "},
            "Say in a few words what you worked on.",
        ),
    ],
)
def test_bad_session_input_keeps_what_was_typed(
    pair: Pair, client_for: ClientFor, data: dict[str, str], message: str
) -> None:
    m = active(pair)
    response = client_for(pair.bob).post(url("session-create", pair, m.pk), data, headers=EN)
    assert response.status_code == 400
    assert message in response.text
    if data["topic"].strip():
        assert ("&lt;script&gt;" if "<" in data["topic"] else data["topic"]) in response.text
    assert "<script>alert" not in response.text
    assert MentoringSession.objects.count() == 0


def test_declaring_skills_by_name_with_levels(pair: Pair, client_for: ClientFor) -> None:
    python = make_skill("Python", name_fr="Python")
    client = client_for(pair.outsider)
    assert client.get(url("skills", pair)).status_code == 200
    response = client.post(
        url("skills", pair),
        {
            "teach-new-skill": "Python",
            "teach-new-level": "5",
            "learn-new-skill": "prise de parole",
            "learn-new-level": "1",
            "learn-new-target": "3",
            "learn-new-priority": "3",
        },
    )
    assert response.status_code == 302
    rows = sorted(
        SkillDeclaration.objects.filter(member=pair.outsider).values_list(
            "skill_id", "kind", "level", "target_level"
        )
    )
    assert rows == sorted([(python.pk, "teach", 5, None), (pair.speaking.pk, "learn", 1, 3)])
    # Removing a row by ticking "Remove".
    client.post(
        url("skills", pair),
        {
            "teach-0-skill": "Python",
            "teach-0-level": "5",
            "learn-0-skill": "Prise de parole",
            "learn-0-level": "2",
            "learn-0-target": "3",
            "learn-0-remove": "1",
        },
    )
    assert list(
        SkillDeclaration.objects.filter(member=pair.outsider).values_list("kind", flat=True)
    ) == ["teach"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"teach-new-skill": "<b>Juggling</b>", "teach-new-level": "3"},
            "is not in the skills list",
        ),
        ({"teach-new-skill": "Excel"}, "Choose your level in Excel."),
        (
            {
                "learn-new-skill": "Excel",
                "learn-new-level": "3",
                "learn-new-target": "2",
                "learn-new-priority": "2",
            },
            "The level you aim for must be above your current level.",
        ),
        (
            {
                "teach-new-skill": "Excel",
                "teach-new-level": "3",
                "learn-new-skill": "Excel",
                "learn-new-level": "1",
                "learn-new-target": "2",
                "learn-new-priority": "2",
            },
            "A skill cannot be both",
        ),
    ],
)
def test_bad_declarations_come_back_with_a_message_and_the_typed_text(
    pair: Pair, client_for: ClientFor, data: dict[str, str], message: str
) -> None:
    before = list(SkillDeclaration.objects.order_by("id").values())
    response = client_for(pair.outsider).post(url("skills", pair), data, headers=EN)
    assert response.status_code == 400
    assert message in response.text
    typed = data.get("teach-new-skill") or data.get("learn-new-skill", "")
    assert (typed.replace("<", "&lt;").replace(">", "&gt;")) in response.text
    assert list(SkillDeclaration.objects.order_by("id").values()) == before


def test_preferences_are_saved_and_bad_numbers_refused(pair: Pair, client_for: ClientFor) -> None:
    client = client_for(pair.bob)
    response = client.post(
        url("preferences", pair),
        {
            "slots": ["0", "4"],
            "mentor_capacity": "2",
            "learner_capacity": "1",
            "avoid_own_team": "on",
        },
    )
    assert response.status_code == 302
    prefs = MentoringPreferences.objects.get(member=pair.bob)
    assert (
        prefs.availability,
        prefs.mentor_capacity,
        prefs.learner_capacity,
        prefs.avoid_own_team,
    ) == (0b10001, 2, 1, True)
    response = client.post(
        url("preferences", pair), {"mentor_capacity": "9", "learner_capacity": "x"}, headers=EN
    )
    assert response.status_code == 400 and "Enter a number from 0 to 5." in response.text
    prefs.refresh_from_db()
    assert prefs.mentor_capacity == 2


def test_find_a_mentor_sorts_by_fit_and_flags_two_way_pairs(
    pair: Pair, client_for: ClientFor
) -> None:
    dana = MembershipFactory(community=pair.community, member__display_name="Dana Weak").member
    teaches(dana, pair.speaking, 3)  # one-way and a smaller gap
    response = client_for(pair.bob).get(url("find", pair), headers=EN)
    names = [s.member.display_name for s in response.context["suggestions"]]
    assert names == ["Alice Martin", "Dana Weak"]
    assert [s.reciprocal for s in response.context["suggestions"]] == [True, False]
    assert "Two-way pair possible" in response.text
    response = client_for(pair.bob).get(url("find", pair), {"skill": "Nonexistent"}, headers=EN)
    assert "is not in the skills list" in response.text


def test_asking_for_mentoring_from_the_page(pair: Pair, client_for: ClientFor) -> None:
    client = client_for(pair.bob)
    handle_url = reverse("mentoring:request", args=[pair.community.slug, pair.alice.handle])
    assert client.get(handle_url).status_code == 200
    response = client.post(
        handle_url, {"skill": str(pair.speaking.pk), "message": "Could we meet on Tuesdays?"}
    )
    m = Mentorship.objects.get()
    assert response.status_code == 302 and (m.status, m.message) == (
        "requested",
        "Could we meet on Tuesdays?",
    )
    response = client.post(handle_url, {"skill": str(pair.excel.pk)}, headers=EN)
    assert (
        response.status_code == 400
        and "Choose one of the skills this person teaches." in response.text
    )


def test_expertise_map_shows_the_heat_map_the_table_and_the_people(
    pair: Pair, client_for: ClientFor
) -> None:
    Member.objects.filter(pk=pair.alice.pk).update(site="Lyon")
    client = client_for(pair.outsider)
    response = client.get(url("map", pair), headers=EN)
    assert response.status_code == 200
    assert 'class="heatmap card"' in response.text and "The figures behind the map" in response.text
    rows = {
        r.skill.slug: (r.teachers, r.learners)
        for b in response.context["domains"]
        for r in b.skills
    }
    assert rows == {pair.speaking.slug: (1, 1), pair.excel.slug: (1, 1)}
    response = client.get(url("map", pair), {"site": "Lyon"})
    rows = {
        r.skill.slug: (r.teachers, r.learners)
        for b in response.context["domains"]
        for r in b.skills
    }
    assert rows == {pair.speaking.slug: (1, 0), pair.excel.slug: (0, 1)}
    response = client.get(url("map-skill", pair, pair.speaking.slug))
    assert [d.member_id for d in response.context["teach"]] == [pair.alice.pk]
    assert [d.member_id for d in response.context["learn"]] == [pair.bob.pk]


def test_round_pages_are_for_animators(
    pair: Pair, client_for: ClientFor, django_capture_on_commit_callbacks: Callable
) -> None:
    member_client, animator = client_for(pair.alice), client_for(pair.animator)
    assert member_client.get(url("round-create", pair)).status_code == 403
    assert (
        member_client.post(
            url("round-create", pair), {"title": "Hack", "reciprocity_bonus": "1"}
        ).status_code
        == 403
    )
    assert (
        animator.post(
            url("round-create", pair), {"title": "", "reciprocity_bonus": "7"}, headers=EN
        ).status_code
        == 400
    )
    response = animator.post(
        url("round-create", pair), {"title": "Spring round", "reciprocity_bonus": "1.0"}
    )
    round_ = pair.community.matching_rounds.get()
    assert response.status_code == 302 and round_.title == "Spring round"
    for m in (pair.alice, pair.bob):
        assert (
            client_for(m).post(url("round-volunteer", pair, round_.pk), {"on": "1"}).status_code
            == 302
        )
    assert member_client.post(url("round-compute", pair, round_.pk)).status_code == 403
    assert member_client.get(url("round-detail", pair, round_.pk)).status_code == 403
    round_.refresh_from_db()
    assert (round_.status, round_.volunteer_count) == (RoundStatus.DRAFT, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert animator.post(url("round-compute", pair, round_.pk)).status_code == 302
    response = animator.get(url("round-detail", pair, round_.pk), headers=EN)
    assert "Alice Martin can teach Bob Leroy Public speaking (4 → 2)" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        animator.post(url("round-publish", pair, round_.pk))
    assert Mentorship.objects.get().status == "proposed"
    progress = animator.get(url("round-progress", pair, round_.pk), headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"


def test_pins_by_handle_and_bad_handles(pair: Pair, client_for: ClientFor) -> None:
    round_ = rounds.create_round(community=pair.community, title="R", by=pair.animator)
    for m in (pair.alice, pair.bob):
        rounds.set_volunteer(round_=round_, member=m, on=True)
    animator = client_for(pair.animator)
    response = animator.post(
        url("round-pin", pair, round_.pk),
        {"first": pair.alice.handle, "second": "nobody-here", "kind": "force"},
        headers=EN,
    )
    assert response.status_code == 400 and "No volunteer has this handle." in response.text
    response = animator.post(
        url("round-pin", pair, round_.pk),
        {"first": pair.alice.handle, "second": pair.bob.handle, "kind": "forbid"},
    )
    assert response.status_code == 302
    assert list(round_.pins.values_list("kind", flat=True)) == ["forbid"]


def test_profile_panel_overview_panel_and_search(pair: Pair, client: Client) -> None:
    text = client.get(pair.alice.get_absolute_url(), headers=EN).text
    assert "Can teach:" in text and "Public speaking · 4/5" in text
    active(pair)
    text = client.get(pair.community.get_absolute_url(), headers=EN).text
    assert "1 pair learning from each other right now." in text
    response = client.get(reverse("community:search"), {"q": "speaking"}, headers=EN)
    sections = {p.key: s for p, s in response.context["sections"]}
    assert [h.title for h in sections["skills"].hits] == ["Alice Martin"]


def build(n: int) -> Pair:
    community = CommunityFactory()
    skills = [make_skill(f"S{i}") for i in range(max(3, n // 5))]
    people = [MembershipFactory(community=community).member for _ in range(n)]
    for i, p in enumerate(people):
        teaches(p, skills[i % len(skills)], 4)
        learns(p, skills[(i + 1) % len(skills)], 1, 3)
    animator = MembershipFactory(community=community, role="animator").member
    round_ = rounds.create_round(community=community, title="R", by=animator)
    for p in people:
        rounds.set_volunteer(round_=round_, member=p, on=True)
    for a, b in zip(people[0::2], people[1::2], strict=False):
        m = mentorships.create_mentorship(
            community=community,
            directions=[{"mentor_id": a.pk, "learner_id": b.pk, "skill_id": skills[0].pk}],
            status=MentorshipStatus.PROPOSED,
        )
        if a.pk % 2:
            mentorships.accept_mentorship(mentorship=m, member=a)
            mentorships.accept_mentorship(mentorship=m, member=b)
            mentorships.log_session(
                mentorship=m, by=a, held_on=timezone.localdate(), duration_minutes=30, topic="t"
            )
    return Pair(community, people[0], people[1], skills[0], skills[1], animator, people[-1])


@pytest.mark.parametrize("n", [6, 60])
def test_pages_keep_a_constant_number_of_queries(
    n: int, client_for: ClientFor, django_assert_max_num_queries: Callable
) -> None:
    pair = build(n)
    client = client_for(pair.alice)
    m = Mentorship.objects.filter(member_a=pair.alice).first() or Mentorship.objects.first()
    pages = {
        "home": (url("home", pair), 14),
        "skills": (url("skills", pair), 13),
        "find": (url("find", pair), 16),
        "map": (url("map", pair), 12),
        "map-skill": (url("map-skill", pair, pair.speaking.slug), 11),
    }
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, (address, limit) in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200, name
        assert len(ctx.captured_queries) <= limit, (name, len(ctx.captured_queries))
    assert m is not None
    viewer = client_for(m.member_a)
    with django_assert_max_num_queries(15):
        assert viewer.get(url("mentorship-detail", pair, m.pk)).status_code == 200
    round_ = pair.community.matching_rounds.get()
    round_.status = RoundStatus.COMPUTING
    round_.save()
    rounds.compute_round(round_id=round_.pk)
    with django_assert_max_num_queries(22):
        assert (
            client_for(pair.animator).get(url("round-detail", pair, round_.pk)).status_code == 200
        )


def test_expertise_map_counts_endorsed_levels(pair: Pair, client_for: ClientFor) -> None:
    from recognition.models import Endorsement

    # alice declares level 4 in speaking, an animator endorsed level 5; a lower endorsement
    # (level 2 for bob, who declared 4 in Excel) does not lower the declared level; an
    # endorsement in another community does not count here
    Endorsement.objects.create(
        member=pair.alice,
        skill=pair.speaking,
        level=5,
        endorser=pair.animator,
        community=pair.community,
    )
    Endorsement.objects.create(
        member=pair.bob,
        skill=pair.excel,
        level=2,
        endorser=pair.animator,
        community=pair.community,
    )
    Endorsement.objects.create(
        member=pair.bob,
        skill=pair.excel,
        level=5,
        endorser=pair.alice,
        community=CommunityFactory(),
    )
    client = client_for(pair.outsider)
    response = client.get(url("map", pair), headers=EN)
    levels = {r.skill.slug: r.teach_levels for b in response.context["domains"] for r in b.skills}
    assert levels == {pair.speaking.slug: [0, 0, 0, 0, 1], pair.excel.slug: [0, 0, 0, 1, 0]}
    response = client.get(url("map-skill", pair, pair.speaking.slug), headers=EN)
    teach = response.context["teach"]
    assert [(d.member_id, d.level, d.endorsed, d.effective) for d in teach] == [
        (pair.alice.pk, 4, 5, 5)
    ]
    assert "level 5" in response.text and ">endorsed</span>" in response.text
    response = client.get(url("map-skill", pair, pair.excel.slug), headers=EN)
    assert [(d.member_id, d.effective) for d in response.context["teach"]] == [(pair.bob.pk, 4)]
    assert ">endorsed</span>" in response.text  # bob's level 2 endorsement is still marked
