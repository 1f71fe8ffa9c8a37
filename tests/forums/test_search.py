"""Search keeps the newest matches whichever way it finds them (recent window or GIN)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from forums.models import Post, Topic
from forums.selectors import topics as selectors
from tests.forums.conftest import Forum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_newest_id() -> None:
    selectors._newest[1] = 0.0  # the newest post id is remembered for 10 s per process


def _search(text: str, limit: int = 30) -> list[Post]:
    return selectors.search_posts(AnonymousUser(), text, selectors.SearchFilters(), limit=limit)


def test_common_words_rank_the_newest_matches_found_in_the_recent_window(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topic = make_topic(title="Tableurs", body="Les apprenants aiment les tableurs.")
    for i in range(12):
        make_reply(topic, body=f"Réponse {i} : mes apprenants utilisent un tableur.")
    newest = list(Post.objects.order_by("-pk").values_list("pk", flat=True)[:5])
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 5)
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 8)  # the window holds enough matches
    found = _search("apprenant tableur")
    assert {p.pk for p in found} == set(newest)


def test_rare_words_older_than_the_window_are_found_through_the_index(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = make_topic(title="Cartes mentales", body="Les cartes heuristiques aident à réviser.")
    later = make_topic(title="Autre chose", body="Rien à voir.")
    for i in range(10):
        make_reply(later, body=f"Message sans rapport {i}.")
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 5)
    found = _search("heuristique")
    assert [p.topic_id for p in found] == [old.pk]
    assert "<mark>" in found[0].snippet_html  # type: ignore[attr-defined]


def test_hidden_and_deleted_posts_are_never_candidates(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topic = make_topic(title="Visio", body="Jitsi pour les classes virtuelles.")
    hidden = make_reply(topic, body="Jitsi caché.")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=topic.created_at)
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 1)
    assert [p.number for p in _search("jitsi")] == [1]


def test_the_search_page_is_framed_but_its_results_are_always_fresh(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    client_as: Callable[..., Any],
) -> None:
    from django.urls import reverse

    topic = make_topic(title="Évaluer", body="Une grille d'évaluation pour les apprenants.")
    url = reverse("forums:community-search", kwargs={"slug": forum.community.slug})
    client = client_as(forum.bob)
    first = client.get(url, {"q": "grille"})
    assert first.text.count('class="list-row"') == 1
    again = client.get(url, {"q": "grille"})
    assert again.headers.get("X-Frame-Cache") == "hit"
    make_reply(topic, by=forum.alice, body="Ma grille est en ligne.")
    fresh = client.get(url, {"q": "grille"})
    assert fresh.text.count('class="list-row"') == 2  # the new reply is found at once
    assert "<mark>grille</mark> est en ligne" in fresh.text


def test_search_page_queries_do_not_grow_with_the_matches(
    forum: Forum,
    make_topic: Callable[..., Topic],
    make_reply: Callable[..., Any],
    client_as: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    from django.urls import reverse

    url = reverse("forums:community-search", kwargs={"slug": forum.community.slug})
    client = client_as(forum.bob)
    topic = make_topic(title="Tutorat", body="Le tutorat entre pairs.")
    counts = []
    for more in (0, 25):
        for i in range(more):
            make_reply(topic, by=forum.alice, body=f"Mon tutorat numéro {i}.")
        client.get(url, {"q": "tutorat"})
        with django_assert_max_num_queries(12) as captured:
            response = client.get(url, {"q": "tutorat"})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
