"""The member's menu in the header is cached (community/fragments.py): it must still
show what is true now, to its member only, with the request's own CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Community, Member, Membership
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Member | None], Client]


def _menu(client: Client) -> str:
    # A page that does not list the member's communities itself.
    html = client.get(reverse("community:notification-settings")).text
    start = html.index('<div class="header-actions">')
    menu = html[start : html.index("</header>", start)]
    # CSRF tokens are masked differently on every request.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", menu)


def test_the_menu_follows_joins_renames_and_notifications(
    client_for: ClientFor, make_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lyon = CommunityFactory(name="Formateurs Lyon", slug="lyon")
    person = make_member(lyon, display_name="Inès Caron")
    client = client_for(person)
    menu = _menu(client)
    assert "Formateurs Lyon" in menu and "Inès Caron" in menu
    assert 'class="counter"' not in menu

    # Served from the cache: no query for "my communities" on the second page.
    def menu_queries(ctx: CaptureQueriesContext) -> int:
        return sum(
            'FROM "community_membership"' in q["sql"]
            and 'ORDER BY "community_community"."name"' in q["sql"]
            for q in ctx.captured_queries
        )

    with CaptureQueriesContext(connection) as ctx:
        assert _menu(client) == menu
    assert menu_queries(ctx) == 0

    nantes = CommunityFactory(name="Tuteurs Nantes", slug="nantes")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(member=person, community=nantes)
    with CaptureQueriesContext(connection) as ctx:
        assert "Tuteurs Nantes" in _menu(client)
    assert menu_queries(ctx) == 1

    with django_capture_on_commit_callbacks(execute=True):
        lyon.name = "Formatrices et formateurs de Lyon"
        lyon.save()
    assert "Formatrices et formateurs de Lyon" in _menu(client)

    Member.objects.filter(pk=person.pk).update(unread_notifications=3)
    assert '<span class="counter"' in _menu(client) and ">3</span>" in _menu(client)

    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.get(member=person, community=nantes).delete()
    assert "Tuteurs Nantes" not in _menu(client)


def test_each_member_sees_their_own_menu_and_csrf_token(
    client_for: ClientFor, make_member: Any
) -> None:
    community: Community = CommunityFactory(name="Mentors", slug="mentors")
    alice = make_member(community, display_name="Alice Perrin")
    bob = make_member(display_name="Bob Tessier")
    first, second = client_for(alice), client_for(bob)
    alice_menu = _menu(first)
    bob_menu = _menu(second)
    assert "Alice Perrin" in alice_menu and "Bob Tessier" not in alice_menu
    assert "Bob Tessier" in bob_menu and "Alice Perrin" not in bob_menu
    assert "Mentors" not in bob_menu

    # The logout form carries the token of the request that drew the page.
    response = first.get(reverse("community:home"))
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text))
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.text)
    assert meta is not None and tokens
    assert "\x00" not in response.text
    logout = first.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": sorted(tokens)[0]}, follow=False
    )
    assert logout.status_code == 302
    assert "_auth_user_id" not in first.session
