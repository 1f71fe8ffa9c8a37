"""Pages of forums/: what people see, what is refused (and changes nothing), bad input,
htmx fragments, and query counts that do not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Bookmark, Member, Membership
from community.models.communities import Visibility
from forums.models import Post, Reaction, Topic, TopicFollow, TopicRead
from tests.factories import MembershipFactory
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]
EN = {"accept-language": "en"}


def url(name: str, forum: Forum, **kwargs: Any) -> str:
    return reverse(f"forums:{name}", kwargs={"slug": forum.community.slug, **kwargs})


def bulk_posts(topic: Topic, count: int, author: Member) -> None:
    """Many replies at once (the way the scale generator fills a topic)."""
    start = topic.last_number
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                topic=topic,
                community_id=topic.community_id,
                number=start + i + 1,
                author=author,
                body=f"Réponse {i}",
                body_html=f"<p>Réponse {i}</p>",
                created_at=now,
                reaction_counts={"👍": 1},
            )
            for i in range(count)
        ]
    )
    Topic.objects.filter(pk=topic.pk).update(
        last_number=start + count, post_count=start + count, reply_count=start + count - 1
    )


def bulk_topics(forum: Forum, count: int) -> None:
    now = timezone.now()
    Topic.objects.bulk_create(
        [
            Topic(
                community=forum.community,
                category=forum.general,
                author=forum.alice,
                title=f"Sujet {i}",
                kind="question" if i % 2 else "discussion",
                last_poster=forum.bob,
                post_count=1,
                last_number=1,
                last_post_at=now - timedelta(minutes=i),
                tag_list=[["excel", "Excel"]],
            )
            for i in range(count)
        ]
    )


class TestQueryCounts:
    @pytest.mark.parametrize("count", [20, 2000])
    def test_topic_list_queries_do_not_grow(
        self, forum: Forum, count: int, client_for: ClientFor, django_assert_max_num_queries: Any
    ) -> None:
        bulk_topics(forum, count)
        client = client_for(forum.alice)
        client.get(url("home", forum))  # warm the content-type cache
        with django_assert_max_num_queries(12) as captured:
            response = client.get(url("home", forum))
        assert response.status_code == 200
        assert response.text.count('class="list-row topic-row') == 20
        # user and member, my membership with its community, categories, topics, pinned
        # topics, my read state: the same with 20 or 2,000 topics (the categories carry
        # their community: no query for their addresses; the header's menu with my
        # communities comes from the cache after the first page).
        assert len(captured.captured_queries) == 6

    @pytest.mark.parametrize("count", [20, 2000])
    def test_topic_page_queries_do_not_grow(
        self,
        forum: Forum,
        make_topic: Any,
        count: int,
        client_for: ClientFor,
        django_assert_max_num_queries: Any,
    ) -> None:
        topic = make_topic()
        bulk_posts(topic, count, forum.bob)
        client = client_for(forum.alice)
        client.get(url("topic", forum, pk=topic.pk))
        last = url("topic", forum, pk=topic.pk) + f"?before={count + 2}"
        with django_assert_max_num_queries(12) as captured:
            response = client.get(last)
        assert response.status_code == 200
        assert response.text.count('<li class="post') == 20
        assert f'id="post-{count + 1}"' in response.text
        # user and member, my membership with its community, the topic with my follow,
        # read and bookmark state, the page's post numbers with my reactions, the posts
        # themselves (their rendering is not cached yet), the read marker (a write): the
        # same on the last page of 20 or 2,000 posts (the header's menu is cached).
        assert len(captured.captured_queries) == 6
        # Again: the posts come from the cache and the read marker is up to date.
        with django_assert_max_num_queries(12) as captured:
            again = client.get(last)
        assert again.text.count('<li class="post') == 20
        assert len(captured.captured_queries) == 4

    def test_anonymous_topic_page_is_cheaper(
        self,
        forum: Forum,
        make_topic: Any,
        client_for: ClientFor,
        django_assert_max_num_queries: Any,
    ) -> None:
        topic = make_topic()
        bulk_posts(topic, 50, forum.bob)
        client = client_for(None)
        client.get(url("topic", forum, pk=topic.pk))
        with django_assert_max_num_queries(6):
            assert client.get(url("topic", forum, pk=topic.pk)).status_code == 200


class TestReading:
    def test_anonymous_reads_public_forum_but_not_restricted_category(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        public = make_topic(title="Sujet public")
        secret = make_topic(by=forum.animator, title="Sujet secret", category=forum.staff_only)
        client = client_for(None)
        page = client.get(url("home", forum), headers=EN).text
        assert "Sujet public" in page and "Sujet secret" not in page
        assert client.get(url("topic", forum, pk=public.pk)).status_code == 200
        assert client.get(url("topic", forum, pk=secret.pk)).status_code == 404
        assert client_for(forum.bob).get(url("topic", forum, pk=secret.pk)).status_code == 404
        assert client_for(forum.animator).get(url("topic", forum, pk=secret.pk)).status_code == 200
        assert client.get(url("category", forum, category="equipe")).status_code == 404

    def test_private_community_refuses_non_members(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        forum.community.visibility = Visibility.MEMBERS
        forum.community.save()
        outsider = client_for(forum.outsider)
        assert outsider.get(url("home", forum)).status_code == 403
        assert outsider.get(url("topic", forum, pk=topic.pk)).status_code == 403
        response = outsider.post(url("reply", forum, pk=topic.pk), {"body": "Intrus"})
        assert response.status_code == 403
        assert Post.objects.filter(topic=topic).count() == 1
        forum.community.visibility = Visibility.INVITATION
        forum.community.save()
        assert outsider.get(url("topic", forum, pk=topic.pk)).status_code == 404
        assert client_for(forum.bob).get(url("topic", forum, pk=topic.pk)).status_code == 200

    def test_hidden_post_is_a_placeholder_except_for_author_and_animators(
        self, forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        reply = make_reply(topic, body="Message douteux")
        Post.objects.filter(pk=reply.pk).update(hidden_at=timezone.now(), hidden_reason="Spam")
        for viewer in (None, forum.alice):
            text = client_for(viewer).get(url("topic", forum, pk=topic.pk), headers=EN).text
            assert "This post was hidden by the moderators" in text
            assert "Message douteux" not in text
        for viewer in (forum.bob, forum.animator):
            text = client_for(viewer).get(url("topic", forum, pk=topic.pk), headers=EN).text
            assert "Message douteux" in text and "Hidden by the moderators" in text

    def test_unread_state_and_jump_to_first_unread(
        self, forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.bob)
        client.get(url("topic", forum, pk=topic.pk))
        assert TopicRead.objects.get(member=forum.bob, topic=topic).last_read_number == 1
        bulk_posts(topic, 30, forum.alice)
        listing = client.get(url("home", forum), headers=EN).text
        assert "30 unread" in listing
        page = client.get(url("topic", forum, pk=topic.pk), headers=EN).text
        assert "Jump to the first unread post" in page
        assert f'href="{url("post", forum, pk=topic.pk, number=2)}"' in page
        response = client.get(url("post", forum, pk=topic.pk, number=2))
        assert response.url == url("topic", forum, pk=topic.pk) + "?after=1#post-2"
        assert TopicRead.objects.get(member=forum.bob, topic=topic).last_read_number == 20
        jumped = client.get(url("topic", forum, pk=topic.pk) + "?unread=1").text
        assert 'id="post-21"' in jumped and 'id="post-20"' not in jumped
        assert TopicRead.objects.get(member=forum.bob, topic=topic).last_read_number == 31

    def test_pages_inside_a_topic_by_number(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        bulk_posts(topic, 45, forum.bob)  # posts 2..46
        client = client_for(None)
        first = client.get(url("topic", forum, pk=topic.pk), headers=EN).text
        assert 'id="post-20"' in first and 'id="post-21"' not in first
        assert "?after=20" in first
        second = client.get(url("topic", forum, pk=topic.pk) + "?after=20").text
        assert 'id="post-21"' in second and 'id="post-40"' in second and "?before=21" in second
        more = client.get(
            url("topic", forum, pk=topic.pk) + "?after=40&more=1", headers={"HX-Request": "true"}
        ).text
        assert more.count('<li class="post') == 6 and "<html" not in more

    def test_lists_unanswered_solved_tag_and_bookmarks(
        self, forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
    ) -> None:
        from forums.services import engagement

        open_q = make_topic(kind="question", title="Question ouverte", tags=("excel",))
        solved = make_topic(kind="question", title="Question résolue")
        answer = make_reply(solved)
        engagement.accept_answer(post=answer, by=forum.alice)
        make_topic(title="Discussion libre")
        client = client_for(forum.bob)
        unanswered = client.get(url("home", forum) + "?view=unanswered").text
        assert "Question ouverte" in unanswered and "Question résolue" not in unanswered
        solved_page = client.get(url("home", forum) + "?view=solved", headers=EN).text
        assert "Question résolue" in solved_page and "Question ouverte" not in solved_page
        assert "Solved" in solved_page
        tagged = client.get(url("tag", forum, tag="excel")).text
        assert "Question ouverte" in tagged and "Discussion libre" not in tagged
        client.post(url("topic-bookmark", forum, pk=open_q.pk), {"on": "1"})
        marks = client.get(url("home", forum) + "?view=bookmarks").text
        assert "Question ouverte" in marks and "Discussion libre" not in marks
        assert client_for(None).get(url("home", forum) + "?view=bookmarks").status_code == 302

    def test_atom_feed_of_public_category_only(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        make_topic(title="Atelier <b>gras</b>")
        client = client_for(None)
        feed = client.get(url("category-feed", forum, category="general"))
        assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
        assert "Atelier &lt;b&gt;gras&lt;/b&gt;" in feed.text
        assert client.get(url("category-feed", forum, category="equipe")).status_code == 404
        forum.community.visibility = Visibility.MEMBERS
        forum.community.save()
        assert client.get(url("category-feed", forum, category="general")).status_code == 404


class TestWriting:
    def test_create_topic_through_the_form(
        self, forum: Forum, client_for: ClientFor, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(forum.alice).post(
                url("topic-create", forum),
                {
                    "kind": "question",
                    "category": forum.general.pk,
                    "title": "Quel outil de quiz ?",
                    "body": "Pour des **apprenants** en ligne.",
                    "tags": "quiz, outils",
                },
            )
        topic = Topic.objects.get()
        assert response.status_code == 302 and response.url == topic.get_absolute_url()
        assert topic.kind == "question" and topic.tag_slugs == ["outils", "quiz"]

    def test_bad_input_keeps_the_text_and_says_why(
        self, forum: Forum, client_for: ClientFor
    ) -> None:
        response = client_for(forum.alice).post(
            url("topic-create", forum),
            {"kind": "question", "category": forum.general.pk, "title": "", "body": "Mon texte"},
            headers=EN,
        )
        assert response.status_code == 400
        assert "Give your topic a title." in response.text and "Mon texte" in response.text
        response = client_for(forum.alice).post(
            url("topic-create", forum),
            {"kind": "x", "category": 999999, "title": "T" * 300, "body": ""},
            headers=EN,
        )
        assert response.status_code == 400
        assert Topic.objects.count() == 0

    def test_silenced_member_keeps_the_typed_text(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        Membership.objects.filter(member=forum.bob).update(
            silenced_until=timezone.now() + timedelta(days=1)
        )
        client = client_for(forum.bob)
        response = client.post(
            url("reply", forum, pk=topic.pk), {"body": "Ma réponse longue"}, headers=EN
        )
        assert response.status_code == 403
        assert "You have been silenced in this community" in response.text
        assert "Ma réponse longue" in response.text
        response = client.post(
            url("topic-create", forum),
            {
                "kind": "discussion",
                "category": forum.general.pk,
                "title": "Mon sujet",
                "body": "Corps",
            },
            headers=EN,
        )
        assert response.status_code == 403 and "Mon sujet" in response.text
        assert Post.objects.count() == 1 and Topic.objects.count() == 1

    def test_reply_by_htmx_appends_the_post_and_a_fresh_form(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        response = client_for(forum.bob).post(
            url("reply", forum, pk=topic.pk),
            {"body": "Réponse via htmx"},
            headers={"HX-Request": "true", **EN},
        )
        assert response.status_code == 200
        assert 'hx-swap-oob="beforeend:#posts"' in response.text
        assert 'id="post-2"' in response.text and "Réponse via htmx" in response.text
        assert 'id="reply-box"' in response.text

    def test_reply_without_htmx_redirects_to_the_post_and_quotes(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.bob)
        form = client.get(url("reply", forum, pk=topic.pk) + "?to=1&quote=1").text
        assert "&gt; **Alice Martin** (#1):" in form
        response = client.post(url("reply", forum, pk=topic.pk), {"body": "Oui", "reply_to": "1"})
        post = Post.objects.get(topic=topic, number=2)
        assert post.reply_to.number == 1
        assert response.url == url("post", forum, pk=topic.pk, number=2)

    def test_editing_someone_elses_post_is_403_and_changes_nothing(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.bob)
        edit = url("post-edit", forum, pk=topic.pk, number=1)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"title": "Piraté", "body": "Piraté"}).status_code == 403
        assert client.get(url("post-history", forum, pk=topic.pk, number=1)).status_code == 403
        assert client.post(url("post-delete", forum, pk=topic.pk, number=1)).status_code == 403
        post = Post.objects.get(topic=topic)
        assert post.body.startswith("Je cherche") and post.deleted_at is None
        topic.refresh_from_db()
        assert topic.title == "Comment animer un atelier ?"

    def test_author_edits_and_sees_history(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.alice)
        response = client.post(
            url("post-edit", forum, pk=topic.pk, number=1),
            {"title": "Nouveau titre", "body": "Texte revu", "tags": "", "reason": "précision"},
        )
        assert response.status_code == 302
        history = client.get(url("post-history", forum, pk=topic.pk, number=1)).text
        assert "Je cherche des idées" in history and "précision" in history
        assert (
            client_for(forum.animator)
            .get(url("post-history", forum, pk=topic.pk, number=1))
            .status_code
            == 200
        )

    def test_react_by_htmx_and_plain_post(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.bob)
        react = url("post-react", forum, pk=topic.pk, number=1)
        response = client.post(react, {"emoji": "👍", "on": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.text and "<html" not in response.text
        assert client.post(react, {"emoji": "💡"}).status_code == 302
        assert Reaction.objects.filter(member=forum.bob).count() == 2
        own = client_for(forum.alice).post(react, {"emoji": "👍"})
        assert own.status_code == 403
        assert Post.objects.get(topic=topic).reaction_counts == {"👍": 1, "💡": 1}

    def test_follow_and_bookmark_by_htmx(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic()
        client = client_for(forum.bob)
        response = client.post(
            url("topic-follow", forum, pk=topic.pk),
            {"level": "muted"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and 'value="muted" selected' in response.text
        assert TopicFollow.objects.get(member=forum.bob, topic=topic).level == "muted"
        response = client.post(
            url("topic-bookmark", forum, pk=topic.pk), {"on": "1"}, headers={"HX-Request": "true"}
        )
        assert 'aria-pressed="true"' in response.text
        assert (
            Bookmark.objects.filter(
                member=forum.bob, target_type=ContentType.objects.get_for_model(Topic)
            ).count()
            == 1
        )
        assert (
            client.post(
                url("category-follow", forum, category="general"), {"level": "watching"}
            ).status_code
            == 302
        )
        assert (
            client.post(
                url("category-follow", forum, category="equipe"), {"level": "watching"}
            ).status_code
            == 404
        )

    def test_accept_from_the_page_and_animator_topic_actions(
        self, forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic(kind="question")
        make_reply(topic)
        assert (
            client_for(forum.bob).post(url("post-accept", forum, pk=topic.pk, number=2)).status_code
            == 403
        )
        client_for(forum.alice).post(url("post-accept", forum, pk=topic.pk, number=2))
        topic.refresh_from_db()
        assert topic.solved_at is not None
        assert (
            client_for(forum.bob)
            .post(url("topic-state", forum, pk=topic.pk), {"action": "pin"})
            .status_code
            == 403
        )
        client_for(forum.animator).post(url("topic-state", forum, pk=topic.pk), {"action": "pin"})
        topic.refresh_from_db()
        assert topic.pinned_at is not None

    def test_image_upload_is_checked_and_linked(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        topic = make_topic()
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10), "red").save(buffer, format="PNG")
        client = client_for(forum.bob)
        client.post(
            url("reply", forum, pk=topic.pk),
            {"body": "Voici", "image": SimpleUploadedFile("a.png", buffer.getvalue())},
        )
        post = Post.objects.get(topic=topic, number=2)
        assert '<img src="/media/forums/' in post.body_html
        bad = client.post(
            url("reply", forum, pk=topic.pk),
            {"body": "Faux", "image": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")},
            headers=EN,
        )
        assert bad.status_code == 400 and "not an image we can read" in bad.text
        assert "Faux" in bad.text and Post.objects.filter(topic=topic).count() == 2


class TestSearch:
    def test_french_inflection_filters_and_visibility(
        self, forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
    ) -> None:
        topic = make_topic(title="Motiver les apprenants", kind="question", tags=("excel",))
        make_topic(by=forum.animator, category=forum.staff_only, title="Apprenants en difficulté")
        client = client_for(forum.bob)
        text = client.get(url("community-search", forum) + "?q=apprenant").text
        assert "Motiver les <mark>apprenants</mark>" not in text  # snippets show the body
        assert topic.get_absolute_url() in text and "<mark>apprenants</mark>" in text
        assert "Apprenants en difficulté" not in text
        assert (
            "Apprenants en difficulté"
            in client_for(forum.animator).get(url("community-search", forum) + "?q=apprenant").text
        )
        assert (
            "Motiver"
            not in client.get(url("community-search", forum) + "?q=apprenant&solved=on").text
        )
        assert (
            "Motiver" in client.get(url("community-search", forum) + "?q=apprenant&tag=excel").text
        )
        assert (
            "Motiver"
            not in client.get(url("community-search", forum) + "?q=apprenant&author=bob").text
        )
        everywhere = client_for(None).get(reverse("forums:search") + "?q=apprenants").text
        assert "Motiver les apprenants" in everywhere
        forum.community.visibility = Visibility.MEMBERS
        forum.community.save()
        assert (
            "Motiver"
            not in client_for(forum.outsider).get(reverse("forums:search") + "?q=apprenants").text
        )

    def test_global_search_has_a_discussions_section(
        self, forum: Forum, make_topic: Any, client_for: ClientFor
    ) -> None:
        make_topic(title="Animer une classe virtuelle")
        text = client_for(None).get(reverse("community:search") + "?q=virtuelles", headers=EN).text
        assert "Discussions" in text and "Animer une classe virtuelle" in text


def test_overview_panel_lists_latest_topics(
    forum: Forum, make_topic: Any, client_for: ClientFor
) -> None:
    make_topic(title="Dernier sujet")
    page = (
        client_for(None)
        .get(
            reverse("community:community-detail", kwargs={"slug": forum.community.slug}), headers=EN
        )
        .text
    )
    assert "Latest discussions" in page and "Dernier sujet" in page


def test_forums_tab_is_in_the_community_navigation(forum: Forum, client_for: ClientFor) -> None:
    page = client_for(None).get(url("home", forum), headers=EN).text
    assert f'href="{url("home", forum)}" aria-current="page"' in page


def test_member_count_unchanged(forum: Forum) -> None:
    # Fixture sanity: three members in the community.
    assert MembershipFactory._meta.model.objects.filter(community=forum.community).count() == 3


def test_feed_and_overview_queries_do_not_grow(
    forum: Forum, make_topic: Any, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        make_topic(title=f"Sujet {i}")
    client = client_for(None)
    with django_assert_max_num_queries(4):
        assert client.get(url("category-feed", forum, category="general")).status_code == 200
    detail = reverse("community:community-detail", kwargs={"slug": forum.community.slug})
    client.get(detail)
    with django_assert_max_num_queries(14):
        assert client.get(detail).status_code == 200


def test_htmx_reply_with_errors_returns_the_form_with_the_text(
    forum: Forum, make_topic: Any, client_for: ClientFor
) -> None:
    topic = make_topic()
    Membership.objects.filter(member=forum.bob).update(
        silenced_until=timezone.now() + timedelta(days=1)
    )
    response = client_for(forum.bob).post(
        url("reply", forum, pk=topic.pk),
        {"body": "Texte gardé"},
        headers={"HX-Request": "true", **EN},
    )
    assert response.status_code == 200 and 'id="reply-box"' in response.text
    assert "You have been silenced" in response.text and "Texte gardé" in response.text
    assert Post.objects.filter(topic=topic).count() == 1


def test_topic_list_loads_more_by_htmx_and_by_link(forum: Forum, client_for: ClientFor) -> None:
    bulk_topics(forum, 25)
    client = client_for(forum.bob)
    first = client.get(url("home", forum), headers=EN).text
    assert first.count('class="list-row topic-row') == 20 and 'id="topics-more"' in first
    cursor = first.split('hx-get="?after=', 1)[1].split('"', 1)[0]
    more = client.get(url("home", forum) + f"?after={cursor}", headers={"HX-Request": "true"})
    assert more.text.count('class="list-row topic-row') == 5 and "<html" not in more.text
    assert "Sujet 24" in more.text and 'id="topics-more"' not in more.text
    plain = client.get(url("home", forum) + f"?after={cursor}").text
    assert "<html" in plain and "Sujet 24" in plain


def test_tag_follow_by_htmx(forum: Forum, make_topic: Any, client_for: ClientFor) -> None:
    from forums.models import TagFollow

    make_topic(tags=("excel",))
    client = client_for(forum.bob)
    response = client.post(
        url("tag-follow", forum, tag="excel"), {"level": "watching"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'value="watching" selected' in response.text
    assert TagFollow.objects.get(member=forum.bob).level == "watching"
    assert (
        client.post(url("tag-follow", forum, tag="nope"), {"level": "watching"}).status_code == 404
    )
    assert client.post(url("tag-follow", forum, tag="excel"), {"level": "loud"}).status_code == 404
    assert (
        client_for(None).post(url("tag-follow", forum, tag="excel"), {"level": "muted"}).status_code
        == 302
    )
    assert TagFollow.objects.count() == 1


def test_one_reaction_form_per_post_adds_and_takes_back(
    forum: Forum, make_topic: Any, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    topic = make_topic()
    client = client_for(forum.bob)
    react = url("post-react", forum, pk=topic.pk, number=1)
    html = client.get(url("topic", forum, pk=topic.pk)).text
    start = html.index('id="reactions-')
    reactions = html[start : html.index("</div>", start)]
    assert reactions.count("<form") == 1 and reactions.count('name="emoji"') == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(react, {"emoji": "🎉"}).status_code == 302
    assert Reaction.objects.filter(member=forum.bob, emoji="🎉").count() == 1
    html = client.get(url("topic", forum, pk=topic.pk)).text
    assert 'name="off" value="🎉" aria-pressed="true"' in html
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(react, {"off": "🎉"}).status_code == 302
    assert not Reaction.objects.filter(member=forum.bob).exists()
    assert Post.objects.get(topic=topic, number=1).reaction_counts.get("🎉", 0) == 0


def test_the_flag_form_is_loaded_when_its_panel_opens(
    forum: Forum, make_topic: Any, make_reply: Any, client_for: ClientFor
) -> None:
    topic = make_topic()
    reply = make_reply(topic)
    client = client_for(forum.alice)
    html = client.get(url("topic", forum, pk=topic.pk)).text
    flag = reverse(
        "community:flag",
        kwargs={"slug": forum.community.slug, "label": "forums.post", "pk": reply.pk},
    )
    assert f'hx-get="{flag}"' in html and f'href="{flag}"' in html  # no-JS fallback: its page
    assert 'name="reason"' not in html  # not drawn for every post any more
    panel = client.get(flag, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert f'id="flag-post-{reply.pk}-reason_0"' in panel.text
    assert "<html" not in panel.text  # the form alone


def test_list_tabs_speak_the_readers_language(forum: Forum, client_for: ClientFor) -> None:
    home = url("home", forum)
    english = client_for(None).get(home, headers=EN).text
    french = client_for(None).get(home, headers={"accept-language": "fr"}).text
    assert ">Latest</a>" in english and ">Unanswered</a>" in english
    assert ">Récents</a>" in french and ">Sans réponse</a>" in french
