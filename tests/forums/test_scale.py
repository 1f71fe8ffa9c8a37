"""Speed work of the forums: seed_scale's data is consistent, and the anonymous page cache
shows every change at once (and costs no query when it answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import ActivityEvent, Community, Member
from forums.models import Category, Post, Reaction, Topic
from forums.services import posting
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db


# --- seed_scale -------------------------------------------------------------------------


def _seed(posts: int) -> Community:
    call_command("seed_scale", posts=posts, members=20, reset=True, verbosity=0)
    return Community.objects.get(slug="scale")


def test_seed_scale_counters_agree_with_the_rows(settings: Any) -> None:
    settings.ALLOW_DEMO_DATA = True
    community = _seed(400)
    topics = Topic.objects.filter(community=community)
    posts = Post.objects.filter(community=community)
    assert posts.count() == 400
    assert community.member_count == 20
    assert community.memberships.filter(status="active").count() == 20
    big = topics.order_by("-post_count").first()
    assert big is not None and big.post_count == 100  # a quarter of a small run
    for topic in topics:
        numbers = list(
            posts.filter(topic=topic).order_by("number").values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        assert topic.post_count == len(numbers) == topic.last_number == topic.reply_count + 1
        last = posts.get(topic=topic, number=topic.last_number)
        assert topic.last_post_at == last.created_at
        assert topic.last_poster_id == last.author_id
        assert topic.tag_list == sorted([t.slug, t.name] for t in topic.tags.all())
        if topic.accepted_post_id:
            assert topic.kind == "question" and topic.solved_at is not None
            assert posts.get(pk=topic.accepted_post_id).topic_id == topic.pk
    for category in Category.objects.filter(community=community):
        mine = topics.filter(category=category)
        assert category.topic_count == mine.count()
        assert category.post_count == sum(t.post_count for t in mine)
    for post in posts.filter(reaction_counts__isnull=False).exclude(reaction_counts={}):
        counted: dict[str, int] = {}
        for emoji in Reaction.objects.filter(post=post).values_list("emoji", flat=True):
            counted[emoji] = counted.get(emoji, 0) + 1
        assert post.reaction_counts == counted
    assert Reaction.objects.filter(post__community=community).count() == sum(
        sum(p.reaction_counts.values()) for p in posts
    )
    assert not Reaction.objects.filter(post__community=community, member=models_f("post__author"))
    assert posts.filter(search_vector__isnull=False).count() == 400
    assert posts.filter(body__icontains="apprenant").exists()
    events = ActivityEvent.objects.filter(community=community)
    assert events.filter(verb="forums.topic_created").count() == topics.count()
    assert events.filter(verb="forums.post_created").count() == 400 - topics.count()
    assert (
        events.filter(verb="forums.reaction_added").count()
        == Reaction.objects.filter(post__community=community).count()
    )
    assert (
        events.filter(verb="forums.answer_accepted").count()
        == topics.filter(accepted_post__isnull=False).count()
    )
    created = events.filter(verb="forums.topic_created").first()
    assert created is not None
    topic = topics.get(pk=created.payload["topic_id"])
    assert created.payload == {
        "topic_id": topic.pk,
        "post_id": posts.get(topic=topic, number=1).pk,
        "category_id": topic.category_id,
        "kind": topic.kind,
        "tags": [slug for slug, _name in topic.tag_list],
    }


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_seed_scale_reset_is_repeatable_and_refused_without_it(settings: Any) -> None:
    settings.ALLOW_DEMO_DATA = True
    _seed(200)
    with pytest.raises(CommandError):
        call_command("seed_scale", posts=200, members=20, verbosity=0)
    community = _seed(200)
    assert Community.objects.filter(slug="scale").count() == 1
    assert Post.objects.filter(community=community).count() == 200
    assert Member.objects.filter(user__email__endswith="@scale.example").count() == 20


def test_seed_scale_refused_where_demo_data_is_off(settings: Any) -> None:
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError):
        call_command("seed_scale", posts=100, verbosity=0)
    assert not Community.objects.filter(slug="scale").exists()


# --- the anonymous page cache ---------------------------------------------------------


def _topic_url(topic: Topic) -> str:
    return reverse("forums:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})


def _post_url(name: str, topic: Topic, number: int) -> str:
    return reverse(
        f"forums:{name}", kwargs={"slug": topic.community.slug, "pk": topic.pk, "number": number}
    )


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    forum: Forum, make_topic: Callable[..., Topic]
) -> None:
    topic = make_topic(title="Un sujet en cache")
    first = Client().get(_topic_url(topic))
    assert first.status_code == 200
    assert "X-Forum-Cache" not in first
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(_topic_url(topic))
    assert second.status_code == 200
    assert second["X-Forum-Cache"] == "hit"
    assert len(queries) == 0
    assert "Un sujet en cache" in second.content.decode()
    # Fresh per-request secrets: the CSP nonce of the header is the one in the page.
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in second.content.decode()
    assert "\x00" not in second.content.decode()
    assert nonce not in first.content.decode()


def test_logged_in_members_never_get_the_cached_page(
    forum: Forum, make_topic: Callable[..., Topic], client_as: Callable[[Member], Client]
) -> None:
    topic = make_topic()
    Client().get(_topic_url(topic))
    response = client_as(forum.bob).get(_topic_url(topic))
    assert response.status_code == 200
    assert "X-Forum-Cache" not in response


def test_reply_edit_and_reaction_show_up_for_anonymous_visitors_at_once(
    forum: Forum,
    make_topic: Callable[..., Topic],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = make_topic(body="Texte d’origine.")
    anonymous = Client()
    assert "Texte d’origine." in anonymous.get(_topic_url(topic)).content.decode()
    assert anonymous.get(_topic_url(topic))["X-Forum-Cache"] == "hit"

    bob = client_as(forum.bob)
    reply_url = reverse("forums:reply", kwargs={"slug": forum.community.slug, "pk": topic.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert bob.post(reply_url, {"body": "Une réponse toute neuve."}).status_code == 302
    page = anonymous.get(_topic_url(topic))
    assert "X-Forum-Cache" not in page
    assert "Une réponse toute neuve." in page.content.decode()

    alice = client_as(forum.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(
            _post_url("post-edit", topic, 1),
            {"title": topic.title, "body": "Texte corrigé.", "tags": "", "reason": ""},
        )
    assert response.status_code == 302
    html = anonymous.get(_topic_url(topic)).content.decode()
    assert "Texte corrigé." in html and "Texte d’origine." not in html

    anonymous.get(_topic_url(topic))
    with django_capture_on_commit_callbacks(execute=True):
        bob.post(_post_url("post-react", topic, 1), {"emoji": "💡"})
    assert Post.objects.get(topic=topic, number=1).reaction_counts == {"💡": 1}
    page = anonymous.get(_topic_url(topic))
    assert "X-Forum-Cache" not in page


def test_changes_outside_a_forums_request_show_up_too(
    forum: Forum,
    make_topic: Callable[..., Topic],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Moderation and the admin save models: the signals bump the stamps."""
    from django.utils import timezone

    topic = make_topic(body="Un message à masquer.")
    anonymous = Client()
    anonymous.get(_topic_url(topic))
    post = Post.objects.get(topic=topic, number=1)
    with django_capture_on_commit_callbacks(execute=True):
        post.hidden_at = timezone.now()
        post.save(update_fields=["hidden_at"])
    html = anonymous.get(_topic_url(topic)).content.decode()
    assert "Un message à masquer." not in html
    with django_capture_on_commit_callbacks(execute=True):
        forum.general.name = "Général renommé"
        forum.general.save()
    assert "Général renommé" in anonymous.get(_topic_url(topic)).content.decode()


def test_new_topic_shows_in_the_anonymous_list_at_once(
    forum: Forum,
    make_topic: Callable[..., Topic],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_topic(title="Premier sujet")
    home = reverse("forums:home", kwargs={"slug": forum.community.slug})
    anonymous = Client()
    anonymous.get(home)
    assert anonymous.get(home)["X-Forum-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(forum.bob).post(
            reverse("forums:topic-create", kwargs={"slug": forum.community.slug}),
            {
                "category": forum.general.pk,
                "kind": "discussion",
                "title": "Un sujet tout frais",
                "body": "Bonjour à toutes et à tous.",
                "tags": "",
            },
        )
    assert response.status_code == 302
    assert "Un sujet tout frais" in anonymous.get(home).content.decode()


def test_the_cache_keeps_private_communities_private(
    forum: Forum, make_topic: Callable[..., Topic], django_capture_on_commit_callbacks: Any
) -> None:
    topic = make_topic()
    assert Client().get(_topic_url(topic)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        forum.community.visibility = "members"
        forum.community.save()
    assert Client().get(_topic_url(topic)).status_code == 403


def test_a_post_written_by_a_service_shows_up(
    forum: Forum, make_topic: Callable[..., Topic], make_reply: Callable[..., Post]
) -> None:
    topic = make_topic()
    anonymous = Client()
    anonymous.get(_topic_url(topic))
    make_reply(topic, body="Écrit par un service.")
    assert "Écrit par un service." in anonymous.get(_topic_url(topic)).content.decode()
    assert posting  # the services are what the forums engineer's tests cover


def test_topic_list_queries_do_not_grow_with_the_number_of_categories(
    forum: Forum, make_topic: Callable[..., Topic], client_as: Callable[[Member], Client]
) -> None:
    home = reverse("forums:home", kwargs={"slug": forum.community.slug})
    make_topic(title="Dans Général")
    client = client_as(forum.alice)
    client.get(home)
    with CaptureQueriesContext(connection) as one:
        client.get(home)
    for i in range(4):
        category = Category.objects.create(
            community=forum.community, name=f"Catégorie {i}", slug=f"cat-{i}", position=2 + i
        )
        make_topic(title=f"Sujet {i}", category=category)
    with CaptureQueriesContext(connection) as cold:
        response = client.get(home)
    assert response.text.count('class="list-row topic-row') == 5
    with CaptureQueriesContext(connection) as five:
        response = client.get(home)
    assert response.text.count('class="list-row topic-row') == 5
    assert len(five) == len(one) <= 12
    # Rows not cached yet: their topics are loaded, all in one more query.
    assert len(cold) == len(one) + 1


def test_member_pages_share_post_fragments_but_keep_their_own_state(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = make_topic(body="Premier message.")
    make_reply(topic, body="Deuxième message.")
    bob, animator = client_as(forum.bob), client_as(forum.animator)
    react = _post_url("post-react", topic, 1)
    for client in (bob, animator):
        html = client.get(_topic_url(topic)).content.decode()
        assert "Premier message." in html and "Deuxième message." in html
        assert 'aria-pressed="true"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        assert bob.post(react, {"emoji": "💡"}).status_code == 302
    bob_html = bob.get(_topic_url(topic)).content.decode()
    assert bob_html.count('aria-pressed="true"') == 1
    animator_html = animator.get(_topic_url(topic)).content.decode()
    assert 'aria-pressed="true"' not in animator_html
    # The animator sees the edit link on every post, Bob only on his own reply.
    assert animator_html.count("/edit/") >= 2
    assert bob_html.count("/edit/") == 1
    # Each page carries its own CSRF token in the cached forms.
    token = bob.cookies["csrftoken"].value if "csrftoken" in bob.cookies else None
    assert "\x00" not in bob_html
    assert token is None or 'name="csrfmiddlewaretoken"' in bob_html
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(forum.alice).post(
            _post_url("post-edit", topic, 1),
            {"title": topic.title, "body": "Premier message corrigé.", "tags": "", "reason": ""},
        )
    assert response.status_code == 302
    assert "Premier message corrigé." in animator.get(_topic_url(topic)).content.decode()


def test_forms_in_cached_fragments_pass_the_csrf_check(
    forum: Forum, make_topic: Callable[..., Topic], django_capture_on_commit_callbacks: Any
) -> None:
    import re

    from django.conf import settings

    topic = make_topic()
    for _ in range(2):  # the second page is made of cached fragments
        client = Client(enforce_csrf_checks=True)
        client.force_login(forum.bob.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        html = client.get(_topic_url(topic)).content.decode()
        form = html[html.index(f'action="{_post_url("post-react", topic, 1)}"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token is not None
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                _post_url("post-react", topic, 1),
                {"emoji": "👍", "on": "1", "csrfmiddlewaretoken": token.group(1)},
            )
        assert response.status_code == 302
        Reaction.objects.filter(post__topic=topic).delete()
        Post.objects.filter(topic=topic).update(reaction_counts={})


def test_moderation_through_the_services_shows_up_for_anonymous_visitors_at_once(
    forum: Forum,
    make_topic: Callable[..., Topic],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Moderation writes with QuerySet.update() (no signal): it bumps the stamps itself."""
    from community.services.moderation import hide_content, restore_content
    from forums.services.engagement import set_topic_state

    topic = make_topic(body="Un message signalé.")
    post = Post.objects.get(topic=topic, number=1)
    anonymous = Client()
    anonymous.get(_topic_url(topic))
    assert anonymous.get(_topic_url(topic))["X-Forum-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        hide_content(target=post, by=forum.animator, reason="Hors sujet")
    assert "Un message signalé." not in anonymous.get(_topic_url(topic)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        restore_content(target=Post.objects.get(pk=post.pk), by=forum.animator)
    assert "Un message signalé." in anonymous.get(_topic_url(topic)).content.decode()
    anonymous.get(_topic_url(topic))
    with django_capture_on_commit_callbacks(execute=True):
        set_topic_state(topic=topic, by=forum.animator, action="lock")
    assert "X-Forum-Cache" not in anonymous.get(_topic_url(topic))


def _list_row(html: str, topic: Topic) -> str:
    start = html.rindex('<li class="list-row topic-row', 0, html.index(f"/t/{topic.pk}/"))
    return html[start : html.index("</li>", start)]


def test_member_list_rows_are_shared_but_each_member_keeps_their_own_read_state(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Post],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = make_topic(title="Tableur partagé")
    home = reverse("forums:home", kwargs={"slug": topic.community.slug})
    bob, animator = client_as(forum.bob), client_as(forum.animator)
    for client in (bob, animator):  # the second page is served from the cached row
        row = _list_row(client.get(home).content.decode(), topic)
        assert "list-row--unread" in row and "badge--warning" in row and "?unread=1" not in row
    assert bob.get(_topic_url(topic)).status_code == 200  # Bob reads it
    row = _list_row(bob.get(home).content.decode(), topic)
    assert "list-row--unread" not in row and "badge--warning" not in row and "\x00" not in row
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(forum.alice).post(
            reverse("forums:reply", kwargs={"slug": topic.community.slug, "pk": topic.pk}),
            {"body": "Une réponse."},
        )
    assert response.status_code == 302
    bob_row = _list_row(bob.get(home).content.decode(), topic)
    assert "1 réponse" in bob_row and "1 non lue" in bob_row and "?unread=1" in bob_row
    animator_row = _list_row(animator.get(home).content.decode(), topic)
    assert "1 réponse" in animator_row and "unread</a>" not in animator_row
    assert "?unread=1" not in animator_row and "\x00" not in animator_row


def _panel(html: str) -> str:
    start = html.index('<aside class="stack" aria-label=')
    return html[start : html.index("</aside>", start)]


def test_cached_categories_panel_follows_counts_and_who_reads_it(
    forum: Forum, make_topic: Callable[..., Topic], client_as: Callable[[Member], Client]
) -> None:
    home = reverse("forums:home", kwargs={"slug": forum.community.slug})
    general = reverse(
        "forums:category", kwargs={"slug": forum.community.slug, "category": "general"}
    )
    make_topic(title="Premier sujet")
    alice, anna = client_as(forum.alice), client_as(forum.animator)
    for _ in range(2):  # the second time from the cache
        member_panel = _panel(alice.get(home).text)
        animator_panel = _panel(anna.get(home).text)
        assert "1 topic" in member_panel or "1 sujet" in member_panel
        assert "Équipe" not in member_panel  # restricted to animators
        assert "Équipe" in animator_panel
    make_topic(title="Deuxième sujet")
    assert "2 topics" in _panel(alice.get(home).text) or "2 sujets" in _panel(alice.get(home).text)
    # The current category is marked in its own list's panel, not in the others'.
    in_general = _panel(alice.get(general).text)
    assert in_general.count('aria-current="page"') == 1
    assert 'href="' + general + '" aria-current="page"' in in_general
    assert 'href="' + general + '" aria-current="page"' not in _panel(alice.get(home).text)
