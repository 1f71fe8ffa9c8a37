"""Every page of the foundation, seen in a browser by a member and an animator, at phone
and desktop width, in English and French: nothing breaks, nothing is blocked by the
Content-Security-Policy, and a screenshot of each is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from community import services
from community.models.communities import JoinPolicy, Role
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory, with_charter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tour_of_every_page(
    page: Page,
    live_server: Any,
    shoot: Callable[[str], None],
    login_as: Callable[[Any], None],
    console_errors: list[str],
) -> None:
    national = CommunityFactory(
        name="Réseau des formateurs",
        tagline="Apprendre ensemble",
        join_policy=JoinPolicy.REQUEST,
        description="Un réseau national.",
    )
    CommunityFactory(name="Formateurs de Lyon", parent=national)
    with_charter(national, "## Charte\n\nSoyons **bienveillants**.")
    animator = MembershipFactory(
        community=national,
        role=Role.ANIMATOR,
        member=MemberFactory(
            display_name="Claire Martin", team="Formation", site="Lyon", bio="J’anime le réseau."
        ),
    ).member
    for i in range(6):
        MembershipFactory(
            community=national,
            member=MemberFactory(display_name=f"Membre {i}", team="Ventes", site="Paris"),
        )
    services.request_membership(
        member=MemberFactory(display_name="Nouvelle Personne"),
        community=national,
        message="Bonjour !",
    )
    base = live_server.url
    login_as(animator)

    pages = {
        "home": "/",
        "communities": "/communities/",
        "search": "/search/?q=formateurs",
        "community-page": f"/c/{national.slug}/",
        "charter-page": f"/c/{national.slug}/charter/",
        "members": f"/c/{national.slug}/members/",
        "join-requests": f"/c/{national.slug}/requests/",
        "invite": f"/c/{national.slug}/invite/",
        "my-profile": animator.get_absolute_url(),
        "profile-edit": "/me/profile/",
        "notifications": "/notifications/",
        "notification-settings": "/me/notifications/settings/",
        "account-email": "/account/email/",
        "account-password": "/account/password/change/",
        "account-mfa": "/account/2fa/",
        "account-sessions": "/account/sessions/",
        "delete-account": "/me/delete/",
    }
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 200, name
        expect(page.locator("h1")).to_have_count(1)
        shoot(f"tour-{name}")

    # the same pages speak French
    page.goto(base + "/")
    page.get_by_role("button", name="Français").click()
    for name in ["home", "community-page", "members", "profile-edit", "notifications"]:
        page.goto(base + pages[name])
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        shoot(f"tour-{name}-fr")
    assert console_errors == []

    # a missing page: our 404, in the design (the browser logs the 404 status itself)
    response = page.goto(base + "/c/does-not-exist/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Nous ne trouvons pas cette page")).to_be_visible()
    shoot("tour-not-found-fr")
    assert len(console_errors) == 1
    assert "404" in console_errors[0]
