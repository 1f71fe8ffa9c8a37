"""Writes of forums/: what each service changes, records and refuses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from community.models import ActivityEvent, Membership, Notification
from forums.models import (
    Category,
    CategoryFollow,
    FollowLevel,
    Post,
    PostRevision,
    Reaction,
    TagFollow,
    Topic,
    TopicFollow,
    TopicRead,
)
from forums.services import engagement, posting
from forums.services.notifications import fan_out_post
from tests.factories import MembershipFactory
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db


def events(verb: str) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(verb=verb).order_by("id"))


def notes(member: Any) -> list[tuple[str, int]]:
    return list(
        Notification.objects.filter(recipient=member).order_by("id").values_list("kind", "count")
    )


class TestCreateTopic:
    def test_creates_topic_opening_post_counters_follow_read_and_activity(
        self, forum: Forum, make_topic: Any
    ) -> None:
        topic = make_topic(kind="question", tags=("Excel", "onboarding", "excel"))
        topic.refresh_from_db()
        post = Post.objects.get(topic=topic)
        assert (post.number, post.author, post.search_title) == (1, forum.alice, topic.title)
        assert "<p>Je cherche des idées pour des apprenants débutants.</p>" in post.body_html
        assert (topic.post_count, topic.reply_count, topic.last_number) == (1, 0, 1)
        assert topic.last_poster == forum.alice
        assert topic.tag_list == [["excel", "Excel"], ["onboarding", "onboarding"]]
        forum.general.refresh_from_db()
        assert (forum.general.topic_count, forum.general.post_count) == (1, 1)
        assert TopicFollow.objects.get(topic=topic, member=forum.alice).level == "watching"
        assert TopicRead.objects.get(topic=topic, member=forum.alice).last_read_number == 1
        [event] = events("forums.topic_created")
        assert event.actor == forum.alice and event.target_id == topic.pk
        assert event.payload == {
            "topic_id": topic.pk,
            "post_id": post.pk,
            "category_id": forum.general.pk,
            "kind": "question",
            "tags": ["excel", "onboarding"],
        }

    def test_mentions_of_members_become_links_others_stay_text(
        self, forum: Forum, make_topic: Any
    ) -> None:
        topic = make_topic(body="Merci @bob et @eve !")
        html = Post.objects.get(topic=topic).body_html
        assert '<a href="/m/bob/" class="mention" rel="nofollow ugc noopener">@bob</a>' in html
        assert "@eve" in html and "/m/eve/" not in html
        assert notes(forum.bob) == [("forums.mention", 1)]
        assert notes(forum.outsider) == []

    def test_silenced_member_is_refused_and_nothing_is_written(self, forum: Forum) -> None:
        Membership.objects.filter(member=forum.alice).update(
            silenced_until=timezone.now() + timedelta(days=2)
        )
        forum.alice.refresh_from_db()
        with translation.override("en"), pytest.raises(PermissionDenied, match="silenced"):
            posting.create_topic(
                community=forum.community,
                category=forum.general,
                by=forum.alice,
                kind="discussion",
                title="Titre",
                body="Texte",
            )
        assert Topic.objects.count() == 0 and Post.objects.count() == 0
        assert ActivityEvent.objects.filter(verb__startswith="forums.").count() == 0

    def test_non_member_and_restricted_category_are_refused(self, forum: Forum) -> None:
        with pytest.raises(PermissionDenied):
            posting.create_topic(
                community=forum.community,
                category=forum.general,
                by=forum.outsider,
                kind="discussion",
                title="Titre",
                body="Texte",
            )
        with pytest.raises(PermissionDenied):
            posting.create_topic(
                community=forum.community,
                category=forum.staff_only,
                by=forum.alice,
                kind="discussion",
                title="Titre",
                body="Texte",
            )
        assert Topic.objects.count() == 0

    def test_empty_title_or_body_is_a_translated_validation_error(self, forum: Forum) -> None:
        with pytest.raises(ValidationError) as info:
            posting.create_topic(
                community=forum.community,
                category=forum.general,
                by=forum.alice,
                kind="discussion",
                title="  ",
                body="",
            )
        assert set(info.value.message_dict) == {"title", "body"}
        assert Topic.objects.count() == 0


class TestReply:
    def test_reply_numbers_counts_follows_and_records(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic(kind="question", tags=("excel",))
        first = make_reply(topic)
        second = make_reply(topic, by=forum.alice, body="Merci !", reply_to=first)
        assert (first.number, second.number) == (2, 3)
        topic.refresh_from_db()
        assert (topic.post_count, topic.reply_count, topic.last_number) == (3, 2, 3)
        assert topic.last_poster == forum.alice
        assert TopicFollow.objects.get(topic=topic, member=forum.bob).level == "watching"
        payloads = [e.payload for e in events("forums.post_created")]
        assert payloads == [
            {
                "post_id": first.pk,
                "topic_id": topic.pk,
                "topic_kind": "question",
                "topic_author_id": forum.alice.pk,
                "reply_to_member_id": None,
                "tags": ["excel"],
            },
            {
                "post_id": second.pk,
                "topic_id": topic.pk,
                "topic_kind": "question",
                "topic_author_id": forum.alice.pk,
                "reply_to_member_id": forum.bob.pk,
                "tags": ["excel"],
            },
        ]

    def test_notifications_reply_to_you_and_followed_topic_grouped(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic()
        carol = MembershipFactory(community=forum.community).member
        engagement.follow_topic(topic=topic, member=carol, level="watching")
        make_reply(topic)  # Bob replies to Alice's topic
        assert notes(forum.alice) == [("forums.reply", 1)]
        assert notes(carol) == [("forums.watched_reply", 1)]
        make_reply(topic, by=forum.animator, body="Bonne idée")
        # Bob watches the topic he replied to; Carol's unread notification counts up;
        # a reply to Alice's topic is a reply to her.
        assert notes(carol) == [("forums.watched_reply", 2)]
        assert notes(forum.bob) == [("forums.watched_reply", 1)]
        assert notes(forum.alice) == [("forums.reply", 1), ("forums.reply", 1)]

    def test_muted_follower_gets_nothing(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic()
        engagement.follow_topic(topic=topic, member=forum.alice, level="muted")
        make_reply(topic)
        assert notes(forum.alice) == []

    def test_posting_writes_a_bounded_number_of_rows_whatever_the_followers(
        self, forum: Forum, make_topic: Any, django_assert_max_num_queries: Any
    ) -> None:
        topic = make_topic()
        for _i in range(30):
            member = MembershipFactory(community=forum.community).member
            TopicFollow.objects.create(topic=topic, member=member, level="watching")
        with django_assert_max_num_queries(16):
            post = posting.reply(topic=topic, by=forum.bob, body="Réponse")
        # Nothing fanned out yet: the task runs after commit.
        assert Notification.objects.count() == 0
        assert fan_out_post(post_id=post.pk) == 31
        assert fan_out_post(post_id=post.pk) == 0  # safe to run twice
        assert Notification.objects.count() == 31

    def test_locked_and_closed_topics_refuse_members_not_animators(
        self, forum: Forum, make_topic: Any
    ) -> None:
        topic = make_topic()
        engagement.set_topic_state(topic=topic, by=forum.animator, action="close")
        with translation.override("en"), pytest.raises(PermissionDenied, match="closed"):
            posting.reply(topic=topic, by=forum.bob, body="Hop")
        posting.reply(topic=topic, by=forum.animator, body="Dernier mot")
        engagement.set_topic_state(topic=topic, by=forum.animator, action="lock")
        with translation.override("en"), pytest.raises(PermissionDenied, match="locked"):
            posting.reply(topic=topic, by=forum.bob, body="Hop")
        assert Post.objects.filter(topic=topic).count() == 2

    def test_members_cannot_change_topic_state(self, forum: Forum, make_topic: Any) -> None:
        topic = make_topic()
        with pytest.raises(PermissionDenied):
            engagement.set_topic_state(topic=topic, by=forum.alice, action="pin")
        topic.refresh_from_db()
        assert topic.pinned_at is None


class TestEditDelete:
    def test_author_edits_with_history_and_activity(self, forum: Forum, make_topic: Any) -> None:
        topic = make_topic(tags=("excel",))
        post = Post.objects.get(topic=topic)
        posting.edit_post(
            post=post,
            by=forum.alice,
            body="Nouveau **texte**",
            title="Nouveau titre",
            tags=["word"],
        )
        post.refresh_from_db()
        topic.refresh_from_db()
        assert post.body_html == "<p>Nouveau <strong>texte</strong></p>\n"
        assert (post.edit_count, topic.title, post.search_title) == (
            1,
            "Nouveau titre",
            "Nouveau titre",
        )
        assert topic.tag_list == [["word", "word"]]
        [revision] = PostRevision.objects.filter(post=post)
        assert (revision.body, revision.title, revision.edited_by) == (
            "Je cherche des idées pour des apprenants débutants.",
            "Comment animer un atelier ?",
            forum.alice,
        )
        assert [e.payload for e in events("forums.post_edited")] == [
            {"post_id": post.pk, "topic_id": topic.pk}
        ]

    def test_editing_someone_elses_post_is_refused_and_changes_nothing(
        self, forum: Forum, make_topic: Any
    ) -> None:
        post = Post.objects.get(topic=make_topic())
        with pytest.raises(PermissionDenied):
            posting.edit_post(post=post, by=forum.bob, body="Piraté")
        post.refresh_from_db()
        assert post.body.startswith("Je cherche") and post.edit_count == 0
        assert PostRevision.objects.count() == 0

    def test_animator_may_edit_anything(self, forum: Forum, make_topic: Any) -> None:
        post = Post.objects.get(topic=make_topic())
        posting.edit_post(post=post, by=forum.animator, body="Corrigé", reason="orthographe")
        assert PostRevision.objects.get().reason == "orthographe"

    def test_delete_rules(self, forum: Forum, make_topic: Any, make_reply: Any) -> None:
        topic = make_topic(kind="question")
        answer = make_reply(topic)
        opening = Post.objects.get(topic=topic, number=1)
        with pytest.raises(PermissionDenied):  # the opening post once someone replied
            posting.delete_post(post=opening, by=forum.alice)
        with pytest.raises(PermissionDenied):  # someone else's post
            posting.delete_post(post=answer, by=forum.alice)
        engagement.accept_answer(post=answer, by=forum.alice)
        with pytest.raises(PermissionDenied):  # the accepted answer
            posting.delete_post(post=answer, by=forum.bob)
        Post.objects.filter(pk=answer.pk).update(created_at=timezone.now() - timedelta(days=2))
        engagement.unaccept_answer(topic=topic, by=forum.alice)
        with pytest.raises(PermissionDenied):  # after the window
            posting.delete_post(post=answer, by=forum.bob)
        assert Post.objects.filter(deleted_at__isnull=False).count() == 0
        posting.delete_post(post=answer, by=forum.animator)
        topic.refresh_from_db()
        assert (topic.post_count, topic.reply_count) == (1, 0)

    def test_author_deletes_own_reply_and_own_lonely_topic(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic()
        mine = make_reply(topic)
        posting.delete_post(post=mine, by=forum.bob)
        posting.delete_post(post=Post.objects.get(topic=topic, number=1), by=forum.alice)
        topic.refresh_from_db()
        assert topic.deleted_at is not None
        assert Category.objects.get(pk=forum.general.pk).topic_count == 0


class TestReactions:
    def test_one_of_each_counted_recorded_and_notified_grouped(
        self, forum: Forum, make_topic: Any
    ) -> None:
        post = Post.objects.get(topic=make_topic(tags=("excel",)))
        assert engagement.set_reaction(post=post, by=forum.bob, emoji="👍", on=True) == {"👍": 1}
        assert engagement.set_reaction(post=post, by=forum.bob, emoji="👍", on=True) == {"👍": 1}
        engagement.set_reaction(post=post, by=forum.bob, emoji="💡", on=True)
        counts = engagement.set_reaction(post=post, by=forum.animator, emoji="👍", on=True)
        assert counts == {"👍": 2, "💡": 1}
        post.refresh_from_db()
        assert post.reaction_counts == {"👍": 2, "💡": 1}
        assert Reaction.objects.count() == 3
        assert notes(forum.alice) == [("forums.reaction", 3)]
        assert events("forums.reaction_added")[0].payload == {
            "post_id": post.pk,
            "topic_id": post.topic_id,
            "emoji": "👍",
            "for_member_id": forum.alice.pk,
            "tags": ["excel"],
        }
        engagement.set_reaction(post=post, by=forum.bob, emoji="👍", on=False)
        post.refresh_from_db()
        assert post.reaction_counts == {"👍": 1, "💡": 1}
        assert sorted(
            (e.actor_id, e.payload["emoji"]) for e in events("forums.reaction_added")
        ) == sorted([(forum.bob.pk, "💡"), (forum.animator.pk, "👍")])

    def test_own_post_unknown_emoji_and_outsider_are_refused(
        self, forum: Forum, make_topic: Any
    ) -> None:
        post = Post.objects.get(topic=make_topic())
        with pytest.raises(PermissionDenied):
            engagement.set_reaction(post=post, by=forum.alice, emoji="👍", on=True)
        with pytest.raises(ValidationError):
            engagement.set_reaction(post=post, by=forum.bob, emoji="💩", on=True)
        with pytest.raises(PermissionDenied):
            engagement.set_reaction(post=post, by=forum.outsider, emoji="👍", on=True)
        assert Reaction.objects.count() == 0
        post.refresh_from_db()
        assert post.reaction_counts == {}


class TestAcceptedAnswer:
    def test_asker_accepts_switches_and_unaccepts(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        topic = make_topic(kind="question", tags=("excel",))
        first = make_reply(topic)
        second = make_reply(topic, by=forum.animator)
        engagement.accept_answer(post=first, by=forum.alice)
        topic.refresh_from_db()
        assert topic.accepted_post == first and topic.solved_at is not None
        [event] = events("forums.answer_accepted")
        assert event.payload == {
            "post_id": first.pk,
            "topic_id": topic.pk,
            "for_member_id": forum.bob.pk,
            "question_author_id": forum.alice.pk,
            "question_created_at": topic.created_at.isoformat(),
            "tags": ["excel"],
        }
        assert ("forums.answer_accepted", 1) in notes(forum.bob)
        engagement.accept_answer(post=second, by=forum.animator)
        assert [e.payload["post_id"] for e in events("forums.answer_accepted")] == [second.pk]
        engagement.unaccept_answer(topic=topic, by=forum.alice)
        topic.refresh_from_db()
        assert topic.accepted_post is None and topic.solved_at is None
        assert events("forums.answer_accepted") == []

    def test_others_and_discussions_cannot_accept(
        self, forum: Forum, make_topic: Any, make_reply: Any
    ) -> None:
        question = make_topic(kind="question")
        answer = make_reply(question, by=forum.animator)
        with pytest.raises(PermissionDenied):
            engagement.accept_answer(post=answer, by=forum.bob)
        discussion = make_topic(title="Discussion")
        reply = make_reply(discussion)
        with pytest.raises(PermissionDenied):
            engagement.accept_answer(post=reply, by=forum.alice)
        with pytest.raises(ValidationError):
            engagement.accept_answer(
                post=Post.objects.get(topic=question, number=1), by=forum.alice
            )
        assert Topic.objects.filter(solved_at__isnull=False).count() == 0


class TestFollows:
    def test_category_and_tag_watchers_hear_of_new_topics_unless_muted(
        self, forum: Forum, make_topic: Any
    ) -> None:
        carol = MembershipFactory(community=forum.community).member
        engagement.follow_category(category=forum.general, member=forum.bob, level="watching")
        make_topic(tags=("excel",))  # creates the tag
        from taggit.models import Tag

        excel = Tag.objects.get(slug="excel")
        engagement.follow_tag(community=forum.community, tag=excel, member=carol, level="watching")
        engagement.follow_tag(community=forum.community, tag=excel, member=forum.bob, level="muted")
        Notification.objects.all().delete()
        make_topic(title="Encore Excel", tags=("excel",))
        assert notes(carol) == [("forums.new_topic", 1)]
        assert notes(forum.bob) == []  # watches the category, mutes the tag
        engagement.follow_category(category=forum.general, member=forum.bob, level="normal")
        assert not CategoryFollow.objects.filter(member=forum.bob).exists()
        assert TagFollow.objects.filter(member=forum.bob, level=FollowLevel.MUTED).count() == 1

    def test_restricted_category_watchers_need_the_role(
        self, forum: Forum, make_topic: Any
    ) -> None:
        engagement.follow_category(category=forum.staff_only, member=forum.bob, level="watching")
        make_topic(by=forum.animator, category=forum.staff_only)
        assert notes(forum.bob) == []


class TestDiscussionProvider:
    def test_same_target_same_topic(self, forum: Forum) -> None:
        from community import discussions

        url = discussions.open_discussion(
            target=forum.community,
            community=forum.community,
            title="Notre charte",
            url="/c/x/",
            by=forum.alice,
        )
        again = discussions.open_discussion(
            target=forum.community,
            community=forum.community,
            title="Notre charte",
            url="/c/x/",
            by=forum.alice,
        )
        topic = Topic.objects.get()
        assert url == again == topic.get_absolute_url()
        assert topic.subject_url == "/c/x/"
