"""Back office scoping, the fan-out task, selectors, permissions, demo data, extension
points (tab, panel, search provider, data export)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Member, Notification
from community.selectors.communities import get_community_context
from forums import permissions
from forums.models import Category, Post, Topic
from forums.selectors import topics as selectors
from forums.services import posting
from forums.tasks import fan_out_post_task
from tests.community.test_admin import with_mfa
from tests.factories import CommunityFactory, MembershipFactory
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


class TestAdmin:
    def test_animator_sees_only_their_communities(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        mine = make_topic(title="Chez nous")
        other = CommunityFactory(slug="ailleurs")
        elsewhere_author = MembershipFactory(community=other).member
        other_category = Category.objects.create(community=other, name="Autre", slug="autre")
        theirs = posting.create_topic(
            community=other,
            category=other_category,
            by=elsewhere_author,
            kind="discussion",
            title="Ailleurs",
            body="Texte",
        )
        client = client_for(with_mfa(forum.animator))
        listing = client.get(reverse("admin:forums_topic_changelist")).text
        assert "Chez nous" in listing and "Ailleurs" not in listing
        assert client.get(reverse("admin:forums_topic_change", args=[mine.pk])).status_code == 200
        assert client.get(reverse("admin:forums_topic_change", args=[theirs.pk])).status_code == 404
        response = client.post(
            reverse("admin:forums_category_change", args=[other_category.pk]),
            {
                "community": other.pk,
                "name": "Piraté",
                "slug": "autre",
                "colour": "#000000",
                "position": 0,
            },
        )
        assert response.status_code == 404
        assert Category.objects.get(pk=other_category.pk).name == "Autre"
        post = Post.objects.get(topic=theirs)
        assert client.get(reverse("admin:forums_post_change", args=[post.pk])).status_code == 404

    def test_animator_adds_a_category(self, forum: Forum, client_for: ClientFor) -> None:
        client = client_for(with_mfa(forum.animator))
        response = client.post(
            reverse("admin:forums_category_add"),
            {
                "community": forum.community.pk,
                "name": "Annonces",
                "slug": "annonces",
                "description": "",
                "colour": "#123456",
                "position": 3,
            },
        )
        assert response.status_code == 302
        assert Category.objects.filter(community=forum.community, slug="annonces").exists()


class TestTask:
    def test_task_fans_out_once(self, forum: Forum, make_topic: Any) -> None:
        topic = make_topic()
        post = posting.reply(topic=topic, by=forum.bob, body="Salut @alice")  # no on_commit run
        assert fan_out_post_task.apply(args=[post.pk]).get() == 1
        assert fan_out_post_task.apply(args=[post.pk]).get() == 0
        assert list(
            Notification.objects.filter(recipient=forum.alice).values_list("kind", flat=True)
        ) == ["forums.mention"]

    def test_deleted_post_notifies_nobody(self, forum: Forum, make_topic: Any) -> None:
        topic = make_topic()
        post = posting.reply(topic=topic, by=forum.bob, body="Oups @alice")
        posting.delete_post(post=post, by=forum.bob)
        assert fan_out_post_task.apply(args=[post.pk]).get() == 0
        assert Notification.objects.count() == 0


class TestSelectorsAndPermissions:
    def test_visible_categories_depend_on_role(self, forum: Forum) -> None:
        member_ctx = get_community_context(forum.bob.user, forum.community)
        animator_ctx = get_community_context(forum.animator.user, forum.community)
        assert [c.slug for c in selectors.visible_categories(member_ctx)] == ["general"]
        assert [c.slug for c in selectors.visible_categories(animator_ctx)] == ["general", "equipe"]

    def test_read_states(self, forum: Forum, make_topic: Any, make_reply: Any) -> None:
        seen = make_topic(title="Vu")
        unseen = make_topic(title="Pas vu")
        make_reply(seen, by=forum.animator)
        states = selectors.read_states(forum.alice, [seen, unseen])
        seen.refresh_from_db()
        states = selectors.read_states(forum.alice, [seen, unseen])
        assert (
            states[seen.pk].last_read,
            states[seen.pk].unread,
            states[seen.pk].first_unread,
        ) == (
            1,
            1,
            2,
        )
        assert states[unseen.pk].unread == 0 and states[unseen.pk].last_read == 1
        states = selectors.read_states(forum.bob, [seen])
        assert states[seen.pk].new is True and states[seen.pk].last_read is None
        assert selectors.read_states(None, [seen]) == {}

    def test_permissions_of_authors_members_and_animators(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic(kind="question")
        reply = make_reply(topic)
        opening = Post.objects.get(topic=topic, number=1)
        alice = get_community_context(forum.alice.user, forum.community)
        bob = get_community_context(forum.bob.user, forum.community)
        anim = get_community_context(forum.animator.user, forum.community)
        topic.refresh_from_db()
        assert permissions.can_edit(alice, topic, opening) and not permissions.can_edit(
            bob, topic, opening
        )
        assert permissions.can_edit(anim, topic, opening)
        assert permissions.can_accept(alice, topic) and not permissions.can_accept(bob, topic)
        assert permissions.can_accept(anim, topic)
        assert permissions.can_react(alice, reply) and not permissions.can_react(bob, reply)
        assert not permissions.can_delete(alice, topic, opening)  # it has a reply
        assert permissions.can_delete(bob, topic, reply)
        assert permissions.can_see_hidden(bob, reply) and not permissions.can_see_hidden(
            alice, reply
        )
        topic.locked_at = topic.created_at
        assert not permissions.can_reply(bob, topic) and permissions.can_reply(anim, topic)
        assert not permissions.can_edit(bob, topic, reply)


def test_demo_data_is_bilingual_solved_and_idempotent() -> None:
    from community import demo as community_demo
    from forums import demo

    community_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    demo.seed(io.StringIO())
    assert "forums: 8 topics" in out.getvalue()
    assert Topic.objects.count() == 8
    assert Topic.objects.filter(solved_at__isnull=False).count() == 3
    assert Topic.objects.filter(community__language="en").count() == 2
    assert Post.objects.exclude(reaction_counts={}).count() >= 10
    assert Category.objects.exclude(allowed_roles=[]).count() == 1


def test_data_export_has_the_members_posts(forum: Forum, make_topic: Any) -> None:
    from community.selectors.members import DATA_EXPORTERS

    make_topic(title="Mon sujet")
    data = DATA_EXPORTERS["forums"](forum.alice)
    assert [t["title"] for t in data["topics"]] == ["Mon sujet"]
    assert [p["number"] for p in data["posts"]] == [1]


def test_overview_panel_respects_role_restrictions(forum: Forum, make_topic: Any) -> None:
    from forums.selectors.panels import overview_panel

    make_topic(title="Public")
    make_topic(by=forum.animator, category=forum.staff_only, title="Équipe seulement")
    member = overview_panel(get_community_context(forum.bob.user, forum.community))
    animator = overview_panel(get_community_context(forum.animator.user, forum.community))
    assert member is not None and animator is not None
    assert [t.title for t in member["topics"]] == ["Public"]
    assert [t.title for t in animator["topics"]] == ["Équipe seulement", "Public"]


def test_notifications_read_well_in_both_languages(
    forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
) -> None:
    from django.utils import translation

    from community.notifications import get_kind
    from forums.services import engagement

    topic = make_topic(kind="question", body="Question pour @bob")
    answer = make_reply(topic, by=forum.bob)
    engagement.set_reaction(post=answer, by=forum.animator, emoji="🎉", on=True)
    engagement.set_reaction(post=answer, by=forum.alice, emoji="👍", on=True)
    engagement.accept_answer(post=answer, by=forum.alice)
    rows = {n.kind: n for n in Notification.objects.filter(recipient=forum.bob)}
    with translation.override("en"):
        texts = {k: get_kind(k).describe(n) for k, n in rows.items()}
    assert texts == {
        "forums.mention": "Alice Martin mentioned you in “Comment animer un atelier ?”",
        "forums.reaction": "Alice Martin and 1 other reacted to your post in “Comment animer un atelier ?”",
        "forums.answer_accepted": "Alice Martin accepted your answer to “Comment animer un atelier ?”",
    }
    with translation.override("fr"):
        assert get_kind("forums.answer_accepted").describe(rows["forums.answer_accepted"]) == (
            "Alice Martin a accepté votre réponse à « Comment animer un atelier ? »"
        )
    page = client_for(forum.bob).get(
        reverse("community:notifications"), headers={"accept-language": "en"}
    )
    assert "accepted your answer" in page.text


def test_demo_topics_spread_over_months_with_their_events() -> None:
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from community import demo as community_demo
    from community.models import ActivityEvent
    from forums import demo

    community_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    oldest = Topic.objects.order_by("created_at").first()
    assert oldest is not None
    age = timezone.now() - oldest.created_at
    assert timedelta(days=90) < age < timedelta(days=152)
    months = {t.created_at.strftime("%Y-%m") for t in Topic.objects.all()}
    assert len(months) >= 3
    post_type = ContentType.objects.get_for_model(Post)
    for post in Post.objects.filter(topic=oldest):
        for event in ActivityEvent.objects.filter(target_type=post_type, target_id=post.pk):
            assert event.occurred_at == post.created_at + timedelta(minutes=30)
