"""Moderation of the forums: posts flagged, hidden (placeholder), edited with a reason;
topics locked, closed, pinned, moved and merged; every action logged; replies under the
rate limits and refused to silenced members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from community.models import ActivityEvent, Membership, ModerationLog, Notification, ReviewItem
from community.services import moderation as services
from forums import moderation as forum_moderation
from forums.models import Category, Post, PostRevision, Topic, TopicFollow
from forums.services.engagement import set_topic_state
from tests.factories import CommunityFactory, MembershipFactory
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rate_limits_on(settings: Any) -> None:
    """Off here (fixtures post in a row); the rate-limit test turns them on."""
    settings.MODERATION_RATE_LIMITS = False


@pytest.fixture
def forum_admin(forum: Forum, settings: Any) -> Client:
    settings.ADMIN_REQUIRE_MFA = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(forum.animator.user, backend="community.backends.AuthenticationBackend")
    return client


def test_a_flagged_post_is_hidden_at_the_threshold_with_a_placeholder(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
    client_for: Callable[[Any], Client],
) -> None:
    forum.community.auto_hide_flags = 2
    forum.community.save()
    topic = make_topic()
    post = make_reply(topic, body="Achetez mes formations à prix cassés !")
    for who in (forum.alice, forum.animator):
        services.flag_content(target=post, by=who, reason="spam")
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert post.hidden_reason == "Several members flagged it; an animator will review it."
    item = ReviewItem.objects.get()
    assert (item.flag_count, item.weight, item.author_id) == (2, 3, forum.bob.pk)
    assert item.excerpt.startswith("Comment animer un atelier ? #2: Achetez")
    url = topic.get_absolute_url()
    others = client_for(forum.alice).get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "prix cassés" not in others and "hidden by the moderators" in others
    mine = client_for(forum.bob).get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "prix cassés" in mine and "only you and the animators see it" in mine
    assert Notification.objects.get(recipient=forum.bob).kind == "moderation.content_hidden"


def test_the_topic_page_offers_the_flag_form_on_other_peoples_posts(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
    client_for: Callable[[Any], Client],
) -> None:
    topic = make_topic()
    reply = make_reply(topic)
    page = client_for(forum.alice).get(topic.get_absolute_url()).text
    assert f"/flag/forums.post/{reply.pk}/" in page
    assert f"/flag/forums.post/{topic.posts.get(number=1).pk}/" not in page  # her own
    response = client_for(forum.alice).post(
        f"/c/{forum.community.slug}/flag/forums.post/{reply.pk}/", {"reason": "off_topic"}
    )
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    assert ReviewItem.objects.get().flag_count == 1


def test_agree_and_keep_edits_the_post_with_its_history(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
) -> None:
    post = make_reply(make_topic(), body="Réponse avec une insulte")
    services.flag_content(target=post, by=forum.alice, reason="inappropriate")
    services.resolve_review_item(
        item=ReviewItem.objects.get(),
        by=forum.animator,
        decision="agree_keep",
        edited_text="Réponse sans insulte",
        reason="Insulte retirée",
    )
    post.refresh_from_db()
    assert post.body == "Réponse sans insulte" and post.hidden_at is None
    revision = PostRevision.objects.get(post=post)
    assert (revision.body, revision.reason, revision.edited_by_id) == (
        "Réponse avec une insulte",
        "Insulte retirée",
        forum.animator.pk,
    )
    assert ModerationLog.objects.get().action == "agree_keep"


def test_topic_states_are_logged(
    forum: Forum,
    make_topic: Callable[..., Topic],
) -> None:
    topic = make_topic()
    for action in ("lock", "close", "pin", "unpin", "reopen", "unlock"):
        set_topic_state(topic=topic, by=forum.animator, action=action, reason="Calme")
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "lock",
        "close",
        "pin",
        "unpin",
        "reopen",
        "unlock",
    ]
    payloads = ActivityEvent.objects.filter(verb="moderation.action").values_list(
        "payload", flat=True
    )
    assert {p["action"] for p in payloads} == {"lock", "close", "pin", "unpin", "reopen", "unlock"}


def test_moving_a_topic_keeps_the_category_counters_right(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
) -> None:
    topic = make_topic()
    make_reply(topic)
    other = Category.objects.create(community=forum.community, name="Divers", slug="divers")
    forum_moderation.move_topic(topic=topic, by=forum.animator, category=other, reason="Rangé")
    topic.refresh_from_db()
    forum.general.refresh_from_db()
    other.refresh_from_db()
    assert topic.category_id == other.pk
    assert (forum.general.topic_count, forum.general.post_count) == (0, 0)
    assert (other.topic_count, other.post_count) == (1, 2)
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.after["category"]) == ("move", "Divers")
    elsewhere = Category.objects.create(community=CommunityFactory(), name="X", slug="x")
    with pytest.raises(Exception, match="same community"):
        forum_moderation.move_topic(topic=topic, by=forum.animator, category=elsewhere)


def test_merging_two_topics_moves_the_posts_and_followers(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
) -> None:
    into = make_topic(title="Ateliers", by=forum.alice)
    make_reply(into)
    source = make_topic(title="Ateliers (doublon)", by=forum.bob)
    make_reply(source, by=forum.alice)
    forum_moderation.merge_topics(source=source, into=into, by=forum.animator, reason="Doublon")
    into.refresh_from_db()
    source.refresh_from_db()
    assert list(into.posts.order_by("number").values_list("number", "author_id")) == [
        (1, forum.alice.pk),
        (2, forum.bob.pk),
        (3, forum.bob.pk),
        (4, forum.alice.pk),
    ]
    assert (into.post_count, into.reply_count, into.last_number) == (4, 3, 4)
    assert source.deleted_at is not None
    assert set(TopicFollow.objects.filter(topic=into).values_list("member_id", flat=True)) == {
        forum.alice.pk,
        forum.bob.pk,
    }
    forum.general.refresh_from_db()
    assert (forum.general.topic_count, forum.general.post_count) == (1, 4)
    assert ModerationLog.objects.get().action == "merge"


def test_topic_and_post_moderation_from_the_admin(
    forum: Forum,
    forum_admin: Client,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
) -> None:
    topic = make_topic()
    post = make_reply(topic)
    response = forum_admin.post(
        "/admin/forums/topic/",
        {"action": "lock", "_selected_action": [topic.pk], "reason": "Ça chauffe"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.locked_at is not None
    response = forum_admin.post(
        "/admin/forums/post/",
        {"action": "hide", "_selected_action": [post.pk], "reason": "Hors sujet"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.hidden_at is not None, post.hidden_reason) == (True, "Hors sujet")
    response = forum_admin.post(
        f"/admin/forums/post/{post.pk}/change/", {"body": "Texte corrigé", "reason": ""}
    )
    assert response.status_code == 200  # the reason is required
    response = forum_admin.post(
        f"/admin/forums/post/{post.pk}/change/",
        {"body": "Texte corrigé", "reason": "Lien mort retiré"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Texte corrigé"
    other = Category.objects.create(community=forum.community, name="Divers", slug="divers")
    response = forum_admin.post(
        f"/admin/forums/topic/{topic.pk}/change/",
        {"category": other.pk, "merge_into": "", "reason": "Rangement"},
    )
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).category_id == other.pk
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "lock",
        "hide",
        "edit",
        "move",
    ]


def test_another_communitys_topics_and_posts_answer_404_in_the_admin(
    forum: Forum,
    forum_admin: Client,
    snapshot: Callable[[], object],
) -> None:
    from forums.services import posting

    elsewhere = CommunityFactory()
    author = MembershipFactory(community=elsewhere).member
    category = Category.objects.create(community=elsewhere, name="G", slug="g")
    topic = posting.create_topic(
        community=elsewhere, category=category, by=author, kind="discussion", title="Loin", body="x"
    )
    post = topic.posts.get()
    before = (snapshot(), list(Topic.objects.values("pk", "locked_at", "category_id")))
    assert forum_admin.get(f"/admin/forums/topic/{topic.pk}/change/").status_code == 404
    assert forum_admin.get(f"/admin/forums/post/{post.pk}/change/").status_code == 404
    assert (
        forum_admin.post(
            f"/admin/forums/post/{post.pk}/change/", {"body": "Piraté", "reason": "x"}
        ).status_code
        == 404
    )
    forum_admin.post("/admin/forums/topic/", {"action": "lock", "_selected_action": [topic.pk]})
    forum_admin.post("/admin/forums/post/", {"action": "hide", "_selected_action": [post.pk]})
    assert (snapshot(), list(Topic.objects.values("pk", "locked_at", "category_id"))) == before
    assert Post.objects.get(pk=post.pk).hidden_at is None


def test_replies_respect_the_rate_limit_and_keep_the_typed_text(
    forum: Forum,
    make_topic: Callable[..., Topic],
    client_for: Callable[[Any], Client],
    settings: Any,
) -> None:
    topic = make_topic(by=forum.alice)
    settings.MODERATION_RATE_LIMITS = True
    response = client_for(forum.alice).post(
        f"/c/{forum.community.slug}/forums/t/{topic.pk}/reply/",
        {"body": "Ma réponse tapée avec soin"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "you can post again in" in response.text
    assert "Ma réponse tapée avec soin" in response.text
    assert topic.posts.count() == 1


def test_silenced_members_cannot_reply(
    forum: Forum,
    make_topic: Callable[..., Topic],
    client_for: Callable[[Any], Client],
) -> None:
    topic = make_topic()
    membership = Membership.objects.get(member=forum.bob, community=forum.community)
    services.silence_member(membership=membership, by=forum.animator, days=2, reason="Calme-toi")
    response = client_for(forum.bob).post(
        f"/c/{forum.community.slug}/forums/t/{topic.pk}/reply/", {"body": "Je réponds quand même"}
    )
    assert response.status_code == 403
    assert topic.posts.count() == 1
