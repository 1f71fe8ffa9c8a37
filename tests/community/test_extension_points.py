"""The registries other apps plug into: panels, search providers, discussions, bookmarks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from community import discussions, global_search, navigation
from community.models import Bookmark, Community
from community.search import highlight
from community.selectors.bookmarks import bookmarked_ids, bookmarks_query
from community.services.bookmarks import set_bookmark
from tests.factories import CommunityFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_bookmarks_are_idempotent_and_listed() -> None:
    member = MemberFactory()
    a, b, c = CommunityFactory(), CommunityFactory(), CommunityFactory()
    set_bookmark(member=member, target=a, on=True)
    set_bookmark(member=member, target=a, on=True)
    set_bookmark(member=member, target=b, on=True)
    set_bookmark(member=member, target=b, on=False)
    set_bookmark(member=member, target=c, on=True)
    assert Bookmark.objects.count() == 2
    assert bookmarked_ids(member, Community, [a.pk, b.pk, c.pk]) == {a.pk, c.pk}
    assert [bm.target_id for bm in bookmarks_query(member, Community)] == [c.pk, a.pk]
    assert bookmarked_ids(None, Community, [a.pk]) == set()


@pytest.fixture
def panels() -> Iterator[None]:
    navigation.register_overview_panel(
        navigation.Panel(
            "test-news", "community/search.html", lambda ctx: {"seen": ctx.community.name}, 1
        )
    )
    navigation.register_overview_panel(
        navigation.Panel("test-hidden", "x.html", lambda ctx: None, 2)
    )
    yield
    navigation._OVERVIEW.pop("test-news")
    navigation._OVERVIEW.pop("test-hidden")


def test_overview_panels_render_when_they_have_something(client: Client, panels: None) -> None:
    community = CommunityFactory(name="Panel place")
    response = client.get(community.get_absolute_url())
    assert ("community/search.html", {"seen": "Panel place"}) in response.context["panels"]
    assert all(template != "x.html" for template, _ in response.context["panels"])


def test_global_search_shows_each_providers_hits(client: Client) -> None:
    CommunityFactory(name="Formateurs de Lyon", language="fr")
    response = client.get(reverse("community:search"), {"q": "formateur"})
    [(provider, section)] = response.context["sections"]
    assert provider.key == "communities"
    assert [hit.title for hit in section.hits] == ["Formateurs de Lyon"]
    assert "q=formateur" in section.more_url


def test_global_search_with_a_registered_provider(client: Client) -> None:
    global_search.register_provider(
        global_search.Provider(
            "test",
            "Test",
            lambda user, text, limit: global_search.Section(
                [global_search.Hit(text.upper(), "/x/")]
            ),
            5,
        )
    )
    try:
        response = client.get(reverse("community:search"), {"q": "abc"})
        assert [p.key for p, _ in response.context["sections"]] == ["test"]
        assert "ABC" in response.text
    finally:
        global_search._PROVIDERS.pop("test")


def test_highlight_escapes_everything_but_the_marks() -> None:
    from community.search import MARK_START, MARK_STOP

    html = highlight(f"<b>x</b> {MARK_START}apprenants{MARK_STOP} & co")
    assert str(html) == "&lt;b&gt;x&lt;/b&gt; <mark>apprenants</mark> &amp; co"


def test_discussion_provider_contract() -> None:
    calls = []
    previous = discussions.get_provider()  # forums registers one in ready()
    discussions.register_provider(None)  # type: ignore[arg-type]
    assert discussions.open_discussion(target=None) is None

    def provider(**kwargs: object) -> str:
        calls.append(kwargs)
        return "/t/1/"

    discussions.register_provider(provider)
    try:
        assert discussions.open_discussion(target="r", title="T") == "/t/1/"
        assert calls == [{"target": "r", "title": "T"}]
    finally:
        discussions.register_provider(previous)  # type: ignore[arg-type]
