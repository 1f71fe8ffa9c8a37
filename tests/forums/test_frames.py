"""Members' forum pages come from cached frames (community/frames.py): shared by the
members who see a page the same way, each member's own parts rendered for them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from community import frames
from community.models import Member, Membership
from forums.models import Topic
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db

_SECRETS = re.compile(r'(value|content|nonce)="[A-Za-z0-9+/=_-]{20,}"')


def _topic_url(topic: Topic) -> str:
    return reverse("forums:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})


def _home(forum: Forum) -> str:
    return reverse("forums:home", kwargs={"slug": forum.community.slug})


def test_a_frame_is_shared_and_each_member_keeps_their_own_state(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_member: Callable[..., Member],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = make_topic(title="Partager ses fiches", body="Où rangez-vous vos fiches ?")
    carla = make_member(forum.community, display_name="Carla Diaz")
    bob, carla_client = client_as(forum.bob), client_as(carla)
    first = bob.get(_topic_url(topic))
    assert first.headers.get("X-Frame-Cache") is None  # drawn in full, frame stored
    with django_capture_on_commit_callbacks(execute=True):
        bookmark = reverse(
            "forums:topic-bookmark", kwargs={"slug": forum.community.slug, "pk": topic.pk}
        )
        assert bob.post(bookmark).status_code in (200, 302)
    assert "Ajouté à vos favoris." in bob.get(_topic_url(topic)).text  # not framed: a message
    carla_client.get(_topic_url(topic))  # the frame of the bookmarked topic's new version
    bob_page = bob.get(_topic_url(topic))
    carla_page = carla_client.get(_topic_url(topic))
    assert bob_page.headers.get("X-Frame-Cache") == "hit"
    assert carla_page.headers.get("X-Frame-Cache") == "hit"
    # Each one's menu and bookmark state, the same frame around them.
    assert "Carla Diaz" in carla_page.text and "Bob Leroy" not in _menu(carla_page.text)
    assert "Bob Leroy" in _menu(bob_page.text)
    assert _bookmarked(bob_page.text) and not _bookmarked(carla_page.text)
    assert "Où rangez-vous vos fiches ?" in carla_page.text
    assert "\x00" not in carla_page.text and "\x00" not in bob_page.text


def _menu(html: str) -> str:
    start = html.index('<div class="header-actions">')
    return html[start : html.index("</header>", start)]


def _bookmarked(html: str) -> bool:
    start = html.index('class="cluster topic-actions"')
    actions = html[start : html.index("</div>", start)]
    return 'aria-pressed="true"' in actions


def test_the_frame_is_the_page_a_full_rendering_gives(
    forum: Forum, make_topic: Callable[..., Topic], client_as: Callable[[Member], Client]
) -> None:
    make_topic(title="Une question de planning")
    client = client_as(forum.alice)
    for url in (_home(forum), _topic_url(Topic.objects.get())):
        full = client.get(url)
        framed = client.get(url)
        assert framed.headers.get("X-Frame-Cache") == "hit"
        assert _SECRETS.sub("", framed.text) == _SECRETS.sub("", full.text)
        # A process that has not drawn the page yet draws it in full again.
        frames._NODES.clear()
        again = client.get(url)
        assert again.headers.get("X-Frame-Cache") is None
        assert _SECRETS.sub("", again.text) == _SECRETS.sub("", full.text)


def test_changes_reach_framed_pages_at_once(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    client_as: Callable[[Member], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = make_topic(title="Outils de visio")
    client = client_as(forum.bob)
    client.get(_topic_url(topic))
    client.get(_home(forum))
    make_reply(topic, by=forum.alice, body="Essayez Jitsi en salle.")
    assert "Essayez Jitsi en salle." in client.get(_topic_url(topic)).text
    make_topic(title="Un tout nouveau sujet")
    assert "Un tout nouveau sujet" in client.get(_home(forum)).text
    # Promoted to animator: the animator's actions appear (another frame).
    assert 'class="cluster topic-moderation"' not in client.get(_topic_url(topic)).text
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(member=forum.bob, community=forum.community).update(
            role="animator"
        )
    assert 'class="cluster topic-moderation"' in client.get(_topic_url(topic)).text


def test_messages_are_never_lost_in_a_frame(
    forum: Forum, client_as: Callable[[Member], Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(forum.alice)
    client.get(_home(forum))
    client.get(_home(forum))  # framed from now on
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:topic-create", kwargs={"slug": forum.community.slug}),
            {
                "category": forum.general.pk,
                "kind": "discussion",
                "title": "Retour d'expérience",
                "body": "Voici ce que j'ai appris.",
                "tags": "",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert response.headers.get("X-Frame-Cache") is None
    assert "Your topic is online." in response.text or "Votre sujet est en ligne." in response.text


def test_a_changed_template_changes_every_cache_key(
    forum: Forum, make_topic: Callable[..., Topic], client_as: Callable[[Member], Client]
) -> None:
    import os
    from pathlib import Path

    from django.conf import settings

    client = client_as(forum.alice)
    client.get(_home(forum))
    assert client.get(_home(forum)).headers.get("X-Frame-Cache") == "hit"
    template = Path(settings.TEMPLATES[0]["DIRS"][0]) / "forums" / "topic_list.html"
    before = template.stat()
    frames.templates_version.cache_clear()
    version = frames.templates_version()
    try:
        os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        frames.templates_version.cache_clear()
        assert frames.templates_version() != version
        # A deploy's new templates: the page is drawn anew, not taken from the old frame.
        assert client.get(_home(forum)).headers.get("X-Frame-Cache") is None
    finally:
        os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
        frames.templates_version.cache_clear()
    assert frames.templates_version() == version
