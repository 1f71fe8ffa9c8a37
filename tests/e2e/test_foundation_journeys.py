"""The foundation's journeys, as a person makes them in a browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from community import services
from community.models import Member, Membership
from community.models.communities import JoinPolicy, MembershipStatus, Role
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    MemberFactory,
    MembershipFactory,
    UserFactory,
    with_charter,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_newcomer_signs_up_joins_accepts_the_charter_and_appears_in_the_directory(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    community = CommunityFactory(
        name="Formateurs de Nantes", tagline="Le chapitre nantais", join_policy=JoinPolicy.OPEN
    )
    with_charter(community, "## Our rules\n\nBe **kind** and share.")
    base = live_server.url
    page.goto(f"{base}/")
    shoot("home-visitor")

    # sign up
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot("signup")
    page.get_by_label("Your name").fill("Nina Ledoux")
    page.get_by_label("Email").first.fill("nina@example.org")
    page.locator("input[name=password1]").fill("a-very-long-pass-phrase-9")
    page.locator("input[name=password2]").fill("a-very-long-pass-phrase-9")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/confirm-email/"))
    shoot("verification-sent")

    # confirm the email from the link in the outbox
    [message] = mail.outbox
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    shoot("confirm-email")
    page.locator("main form button[type=submit]").click()

    # join, then accept the charter
    page.goto(f"{base}{community.get_absolute_url()}")
    shoot("community")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(r"/charter/$"))
    expect(page.get_by_text("Be kind and share.")).to_be_visible()
    shoot("charter")
    page.get_by_role("button", name="I accept the charter").click()
    expect(page.get_by_text("You can now take part")).to_be_visible()

    # in the directory
    page.goto(f"{base}/c/{community.slug}/members/")
    expect(page.get_by_role("link", name="Nina Ledoux")).to_be_visible()
    shoot("directory")
    page.get_by_role("link", name="Nina Ledoux").click()
    shoot("profile")
    member = Member.objects.get(display_name="Nina Ledoux")
    membership = Membership.objects.get(member=member, community=community)
    assert (membership.status, membership.accepted_charter_version) == (MembershipStatus.ACTIVE, 1)
    assert console_errors == []


def _totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_animator_approves_a_join_request_in_the_back_office(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    community = CommunityFactory(name="Data Guild", join_policy=JoinPolicy.REQUEST)
    animator = MembershipFactory(
        community=community,
        role=Role.ANIMATOR,
        member=MemberFactory(user=UserFactory(email="anim@example.org")),
    ).member
    secret = generate_totp_secret()
    TOTP.activate(animator.user, secret)
    pending = services.request_membership(
        member=MemberFactory(display_name="Pat Newcomer"), community=community, message="Hello!"
    )
    base = live_server.url

    # log in with password and the authenticator's code
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    shoot("login")
    page.get_by_label("Email").fill("anim@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    shoot("mfa-authenticate")
    page.locator("input[name=code]").fill(_totp_code(secret))
    page.locator("main form button[type=submit]").first.click()

    # the request, in the back office
    page.goto(f"{base}/admin/community/membership/?status__exact=requested")
    expect(page.get_by_text("Pat Newcomer")).to_be_visible()
    shoot("admin-requests")
    page.locator(f"input[name=_selected_action][value='{pending.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("1 request approved")).to_be_visible()
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE
    assert console_errors == []


def test_the_interface_switches_to_french_and_back(
    page: Page, live_server: Any, shoot: Callable[[str], None]
) -> None:
    CommunityFactory(name="Réseau des formateurs")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Communities to discover")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Communautés à découvrir")).to_be_visible()
    shoot("home-french")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Communities to discover")).to_be_visible()
