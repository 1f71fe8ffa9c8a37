"""Pages: the recognition wall (opt-out, query counts at two sizes), the profile panel,
my badges (public/private), the monthly top contributors (off by default), a badge's
page (private communities stay private), ambassadors; the activity listener."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from community.activity import listeners_for
from community.models import Community
from community.services import record_activity
from mentoring.models import DomainAmbassador
from recognition.models import (
    BadgeGrant,
    CommunityRecognition,
    Endorsement,
    Kudos,
    RecognitionPreference,
)
from recognition.services import awarding
from recognition.tasks import on_activity
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.factories import make_domain, make_skill
from tests.recognition.factories import badge, event, post

pytestmark = pytest.mark.django_db


def _wall_data(folks: Any, n: int) -> None:
    badge("first_post", name_en="First words")
    skill = make_skill("Excel")
    for i in range(n):
        m = MembershipFactory(community=folks.community).member
        post(m, folks.community)
        Kudos.objects.create(
            giver=folks.alice, receiver=m, community=folks.community, message=f"Thanks {i}"
        )
        Endorsement.objects.create(
            member=m, skill=skill, level=3, endorser=folks.animator, community=folks.community
        )
    awarding.run_backfill()


@pytest.mark.parametrize("n", [3, 40])
def test_wall_lists_recent_recognition_in_bounded_queries(
    folks, client_for, django_assert_max_num_queries, n
):
    _wall_data(folks, n)
    client = client_for(folks.carol)
    url = reverse("recognition:wall", args=[folks.community.slug])
    with django_assert_max_num_queries(22):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Recognition wall" in html
    assert html.count('class="rbadge__name"') == min(n, 12)
    assert "Thanks 0" in html if n <= 12 else f"Thanks {n - 1}" in html
    assert "level 3/5" in html
    assert "You can give 5 more kudos today." in html


def test_members_who_opt_out_are_not_on_the_wall(folks, client_for):
    badge("first_post")
    post(folks.bob, folks.community)
    awarding.run_backfill()
    Kudos.objects.create(
        giver=folks.alice, receiver=folks.bob, community=folks.community, message="Hidden thanks"
    )
    client = client_for(folks.bob)
    response = client.post(reverse("recognition:wall-opt-out"), {"hide": "1"})
    assert response.status_code == 302
    assert RecognitionPreference.objects.get(member=folks.bob).hide_from_wall is True
    html = (
        client_for(folks.alice)
        .get(reverse("recognition:wall", args=[folks.community.slug]))
        .content.decode()
    )
    assert "Bob Leroy" not in html
    assert "Hidden thanks" not in html


def test_community_milestones_on_the_wall(folks, client_for):
    for i in range(10):
        event(
            "forums.answer_accepted",
            folks.bob,
            folks.community,
            post_id=i,
            topic_id=i,
            for_member_id=folks.alice.pk,
            question_author_id=folks.bob.pk,
            question_created_at="2026-01-01T00:00:00+00:00",
            tags=[],
        )
    html = (
        client_for(folks.alice)
        .get(reverse("recognition:wall", args=[folks.community.slug]))
        .content.decode()
    )
    assert "Milestones of the community" in html
    assert '<span class="milestone__count">10</span>' in html
    assert "questions solved" in html


def test_profile_panel_groups_badges_titles_kudos_and_skills(folks, client_for):
    badge("first_post", name_en="First words", group="getting_started")
    badge("first_accepted_answer", name_en="Helping hand", group="contribution", titleable=True)
    post(folks.alice, folks.community)
    event(
        "forums.answer_accepted",
        folks.bob,
        folks.community,
        post_id=1,
        topic_id=1,
        for_member_id=folks.alice.pk,
        question_author_id=folks.bob.pk,
        question_created_at="2026-01-01T00:00:00+00:00",
        tags=[],
    )
    awarding.run_backfill()
    Kudos.objects.create(
        giver=folks.bob, receiver=folks.alice, community=folks.community, message="Great help"
    )
    Endorsement.objects.create(
        member=folks.alice,
        skill=make_skill("Excel"),
        level=4,
        endorser=folks.animator,
        community=folks.community,
    )
    url = reverse("community:member-detail", args=[folks.alice.handle])
    html = client_for(folks.bob).get(url).content.decode()
    assert "Getting started" in html and "Contribution" in html
    assert '<span class="badge badge--accent">Helping hand</span>' in html
    assert "Great help" in html
    assert "Excel (fr) · 4/5" in html or "Excel · 4/5" in html
    # a badge the member made private is not shown to others, but is to them
    BadgeGrant.objects.filter(badge__slug="first-post").update(public=False)
    assert "First words" not in client_for(folks.bob).get(url).content.decode()
    assert "First words" in client_for(folks.alice).get(url).content.decode()


def test_my_badges_public_toggle_and_refusals(folks, client_for):
    badge("first_post", name_en="First words")
    post(folks.alice, folks.community)
    awarding.run_backfill()
    grant = BadgeGrant.objects.get()
    client = client_for(folks.alice)
    html = client.get(reverse("recognition:mine")).content.decode()
    assert "First words" in html and "Download (PNG)" in html
    url = reverse("recognition:grant-public", args=[grant.pk])
    response = client.post(url, {"public": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Make public" in response.content.decode()
    grant.refresh_from_db()
    assert grant.public is False
    # someone else's grant: 404, nothing changed
    assert client_for(folks.bob).post(url, {"public": "1"}).status_code == 404
    grant.refresh_from_db()
    assert grant.public is False
    assert client_for(None).get(reverse("recognition:mine")).status_code == 302


def test_top_contributors_off_by_default_animator_turns_it_on(folks, client_for):
    url = reverse("recognition:top", args=[folks.community.slug])
    toggle = reverse("recognition:top-toggle", args=[folks.community.slug])
    assert client_for(folks.alice).get(url).status_code == 404
    # a member may not turn it on
    assert client_for(folks.alice).post(toggle, {"on": "1"}).status_code == 403
    assert not CommunityRecognition.objects.exists()
    assert client_for(folks.animator).post(toggle, {"on": "1"}).status_code == 302
    for _ in range(3):
        post(folks.bob, folks.community)
    post(folks.alice, folks.community)
    html = client_for(folks.carol).get(url).content.decode()
    html = html[html.index("top-list") :]
    assert html.index("Bob Leroy") < html.index("Alice Martin")
    assert "3 contributions" in html and "1 contribution" in html


def test_badge_page_keeps_private_communities_private(folks, client_for):
    hidden = CommunityFactory(name="Secret", visibility="private")
    insider = MembershipFactory(community=hidden, member__display_name="Ines Side").member
    b = badge("first_post", name_en="First words")
    post(folks.alice, folks.community)
    post(insider, hidden)
    awarding.run_backfill()
    url = reverse("recognition:badge", args=[b.slug])
    html = client_for(folks.bob).get(url).content.decode()
    assert "2 holders" in html
    assert "Alice Martin" in html and "Ines Side" not in html
    assert "Ines Side" in client_for(insider).get(url).content.decode()


def test_ambassadors_page_suggests_and_names(folks, client_for):
    domain = make_domain("data")
    skill = make_skill("Excel", domain=domain)
    Endorsement.objects.create(
        member=folks.bob, skill=skill, level=4, endorser=folks.animator, community=folks.community
    )
    url = reverse("recognition:ambassadors", args=[folks.community.slug])
    assert client_for(folks.alice).get(url).status_code == 403
    html = client_for(folks.animator).get(url).content.decode()
    assert "Bob Leroy" in html and "1 endorsements" in html
    response = client_for(folks.animator).post(
        url, {"domain": domain.pk, "handle": folks.bob.handle}
    )
    assert response.status_code == 302
    assert DomainAmbassador.objects.filter(member=folks.bob, domain=domain).exists()


def test_record_activity_schedules_the_listener_after_commit(
    folks, django_capture_on_commit_callbacks
):
    assert on_activity in listeners_for("forums.answer_accepted")
    assert on_activity in listeners_for("events.attended")
    b = badge("first_event_organised")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        record_activity(
            actor=folks.alice,
            verb="events.created",
            community=folks.community,
            payload={"event_id": 1, "kind": "meetup"},
        )
    assert len(callbacks) >= 1
    assert BadgeGrant.objects.filter(badge=b, member=folks.alice).count() == 1


def test_a_rolled_back_action_triggers_nothing(folks, django_capture_on_commit_callbacks):
    badge("first_event_organised")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                record_activity(
                    actor=folks.alice,
                    verb="events.created",
                    community=folks.community,
                    payload={"event_id": 1},
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert not BadgeGrant.objects.exists()


def test_pages_answer_404_for_unknown_things(client):
    assert client.get(reverse("recognition:badge", args=["nope"])).status_code == 404
    assert client.get(reverse("recognition:ob-badge", args=["nope"])).status_code == 404
    assert (
        client.get(
            reverse("recognition:ob-assertion", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )
    assert Community.objects.count() == 0


def test_personal_data_download_includes_recognition(folks):
    from community.selectors.members import export_member_data

    badge("first_post", name_en="First words")
    post(folks.alice, folks.community)
    awarding.run_backfill()
    Kudos.objects.create(
        giver=folks.bob, receiver=folks.alice, community=folks.community, message="Bravo"
    )
    data = export_member_data(folks.alice)["recognition"]
    assert [b["badge"] for b in data["badges"]] == ["first-post"]
    assert data["kudos_received"][0]["message"] == "Bravo"
    assert data["kudos_given"] == [] and data["endorsements"] == []


@pytest.mark.parametrize("n", [1, 6])
def test_kudos_link_to_their_subject_when_the_viewer_may_read_it(
    folks, client_for, django_assert_max_num_queries, n
):
    from django.utils import timezone

    from forums.models import Category
    from forums.services import posting
    from mentoring.models import MentoringSession, Mentorship, MentorshipStatus
    from tests.life.factories import ResourceFactory

    c = folks.community
    general = Category.objects.create(community=c, name="General", slug="general")
    staff = Category.objects.create(
        community=c, name="Staff", slug="staff", allowed_roles=["animator"]
    )

    def topic(category: Any, title: str, by: Any = None) -> Any:
        t = posting.create_topic(
            community=c,
            category=category,
            by=by or folks.bob,
            kind="discussion",
            title=title,
            body="Some words for the topic.",
            tags=(),
        )
        return t.posts.get(number=1)

    def thank(about: str, about_id: int, message: str) -> None:
        Kudos.objects.create(
            giver=folks.alice,
            receiver=folks.bob,
            community=c,
            about=about,
            about_id=about_id,
            message=message,
        )

    for i in range(n):
        thank("post", topic(general, f"Open topic {i}").pk, f"open {i}")
    secret = topic(staff, "Staff topic", folks.animator)
    thank("post", secret.pk, "staff")
    hidden = topic(general, "Hidden topic")
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    thank("post", hidden.pk, "hidden")
    members_only = ResourceFactory(community=c, author=folks.bob, visibility="members")
    thank("resource", members_only.pk, "resource")
    a, b = sorted([folks.alice, folks.bob], key=lambda m: m.pk)
    mentorship = Mentorship.objects.create(
        community=c, member_a=a, member_b=b, status=MentorshipStatus.ACTIVE
    )
    session = MentoringSession.objects.create(
        mentorship=mentorship, held_on=timezone.localdate(), duration_minutes=30, topic="t"
    )
    thank("session", session.pk, "session")
    elsewhere = ResourceFactory(author=folks.bob)  # another community's resource
    thank("resource", elsewhere.pk, "elsewhere")

    def links(viewer: Any) -> set[str]:
        url = reverse("recognition:wall", args=[c.slug])
        with django_assert_max_num_queries(30):
            response = client_for(viewer).get(url)
        wall = {k.message: k.subject_url for k in response.context["wall"]["kudos"]}
        assert wall["elsewhere"] is None and wall["hidden"] is None
        return {message for message, subject in wall.items() if subject}

    session_page = reverse("mentoring:mentorship-detail", args=[c.slug, mentorship.pk])
    opened = {f"open {i}" for i in range(n)}
    assert links(folks.carol) == opened | {"resource"}
    assert links(folks.animator) == opened | {"resource", "staff"}
    assert links(folks.alice) == opened | {"resource", "session"}
    html = client_for(folks.alice).get(reverse("recognition:wall", args=[c.slug])).content
    assert f'href="{session_page}"'.encode() in html
    assert f'href="{members_only.get_absolute_url()}"'.encode() in html
    # the profile panel links too, with the same rules
    profile = client_for(folks.carol).get(folks.bob.get_absolute_url()).content.decode()
    assert members_only.get_absolute_url() in profile and session_page not in profile
