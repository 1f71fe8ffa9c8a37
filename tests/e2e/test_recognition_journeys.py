"""Recognition, as a member lives it in a browser: an answer accepted, the badge in the
notifications and on the profile, thanks with kudos, the baked badge downloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from community.activity import get_verb, register_verb
from community.services import record_activity
from recognition import openbadges
from recognition.catalogue import install_default_badges
from recognition.models import BadgeGrant, Kudos
from tests.e2e.test_mentoring_journeys import log_in
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_accepted_answer_brings_a_badge_then_kudos_and_the_baked_download(
    page: Page,
    live_server: Any,
    shoot: Callable[[str], None],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    try:
        get_verb("forums.answer_accepted")
    except ValueError:  # forums/ registers it where it is installed
        register_verb("forums.answer_accepted", "accepted an answer")
    community = CommunityFactory(name="Formateurs de Nantes", slug="nantes")
    alice = MembershipFactory(community=community, member__display_name="Alice Martin").member
    bob = MembershipFactory(community=community, member__display_name="Bob Leroy").member
    install_default_badges()

    # Bob accepts Alice's answer (forums records it; the badge follows after commit).
    with transaction.atomic():
        record_activity(
            actor=bob,
            verb="forums.answer_accepted",
            community=community,
            payload={
                "post_id": 12,
                "topic_id": 3,
                "for_member_id": alice.pk,
                "question_author_id": bob.pk,
                "question_created_at": "2026-12-01T09:00:00+00:00",
                "tags": ["excel"],
            },
        )
    grant = BadgeGrant.objects.get(member=alice, badge__slug="first-answer")

    # Alice sees it in her notifications, then on her profile.
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text("You earned the badge “Helping hand”")).to_be_visible()
    shoot("recognition-notification")
    page.goto(f"{live_server.url}/m/{alice.handle}/")
    panel = page.locator(".recognition-panel")
    expect(panel.get_by_role("link", name="Helping hand")).to_be_visible()
    shoot("recognition-profile")

    # She thanks Bob from the recognition wall.
    page.goto(f"{live_server.url}/c/{community.slug}/recognition/")
    expect(page.get_by_role("heading", name="Recognition wall")).to_be_visible()
    page.get_by_label("Who do you thank?").fill(bob.handle)
    page.get_by_label("What for?").select_option("post")
    page.get_by_label("Your message").fill("Thanks for the question, it made me dig!")
    page.get_by_role("button", name="Send my thanks").click()
    expect(page.get_by_text("Thank you sent to Bob Leroy.")).to_be_visible()
    expect(page.get_by_text("Thanks for the question, it made me dig!")).to_be_visible()
    shoot("recognition-wall")
    assert Kudos.objects.get().receiver == bob

    # She downloads the baked badge: the PNG carries the verifiable assertion.
    page.goto(f"{live_server.url}/recognition/me/")
    shoot("recognition-my-badges")
    with page.expect_download() as info:
        page.locator(f"#grant-{grant.pk}").get_by_role("link", name="Download (PNG)").click()
    target = tmp_path / "badge.png"
    info.value.save_as(target)
    baked = openbadges.read_baked_png(target.read_bytes())
    assert baked["id"] == openbadges.assertion_url(grant)
    assert baked["badge"].endswith("/openbadges/badges/first-answer.json")
    page.goto(f"{live_server.url}/badges/shared/{grant.uid}/")
    expect(page.get_by_role("link", name="Add to LinkedIn")).to_be_visible()
    shoot("recognition-share")
    assert console_errors == []
