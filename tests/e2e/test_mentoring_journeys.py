"""Cross-mentoring, as people live it in a browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from community.models import Member
from mentoring.models import MentoringSession, Mentorship
from mentoring.services import rounds
from tests.community.test_admin import with_mfa
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.factories import learns, make_skill, teaches

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server: Any, member: Member) -> None:
    client = Client()
    client.force_login(member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_reciprocal_pair_from_declaration_to_first_session(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    community = CommunityFactory(name="Formateurs de Nantes", slug="nantes")
    alice = MembershipFactory(community=community, member__display_name="Alice Martin").member
    bob = MembershipFactory(community=community, member__display_name="Bob Leroy").member
    animator = MembershipFactory(
        community=community, role="animator", member__display_name="Claire Anim"
    ).member
    speaking = make_skill("Public speaking", name_fr="Prise de parole", slug="public-speaking")
    excel = make_skill("Excel", name_fr="Excel", slug="excel")
    teaches(bob, excel, 4)
    learns(bob, speaking, 2, 4)
    base = f"{live_server.url}/c/{community.slug}/mentoring"

    # Alice declares her skills: autocomplete, then levels by click.
    log_in(page, live_server, alice)
    page.goto(f"{base}/skills/")
    shoot("mentoring-skills-empty")
    page.get_by_label("Add a skill I can teach").fill("Public speaking")
    page.locator("fieldset", has_text="My level").first.locator("label.level").nth(3).click()
    page.get_by_label("Add a skill I want to learn").fill("Excel")
    learn_row = page.locator(".decl-row--new").nth(1)
    learn_row.locator("fieldset").nth(0).locator("label.level").nth(0).click()
    learn_row.locator("fieldset").nth(1).locator("label.level").nth(2).click()
    page.get_by_role("button", name="Save my skills").click()
    expect(page.get_by_text("Your skills are saved.")).to_be_visible()
    shoot("mentoring-skills")

    # The animator's round proposes them to each other.
    round_ = rounds.create_round(community=community, title="Spring", by=animator)
    for m in (alice, bob):
        rounds.set_volunteer(round_=round_, member=m, on=True)
    rounds.start_computation(round_=round_, by=animator, enqueue=False)
    rounds.compute_round(round_id=round_.pk)
    rounds.publish_round(round_=round_, by=animator, enqueue=False)
    rounds.create_round_proposals(round_id=round_.pk)

    # Alice sees the proposal with its reasons and accepts (htmx).
    page.goto(f"{base}/")
    expect(page.get_by_text("Bob Leroy can teach you Excel (level 4 → your 1)")).to_be_visible()
    expect(
        page.get_by_text("You can teach Bob Leroy Public speaking (your 4 → their 2)")
    ).to_be_visible()
    shoot("mentoring-proposal")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("We will tell you when your partner accepts too.")).to_be_visible()

    # Bob accepts, and logs their first session.
    log_in(page, live_server, bob)
    page.goto(f"{base}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Your mentorship starts")).to_be_visible()
    m = Mentorship.objects.get()
    page.goto(f"{base}/m/{m.pk}/")
    page.get_by_text("Log a session").click()
    page.get_by_label("What you worked on").fill("Pivot tables, then a 3-minute pitch")
    page.get_by_label("Notes (only the two of you see them)").fill("Next time: film the pitch.")
    page.get_by_role("button", name="Log the session").click()
    expect(page.get_by_text("Session logged.")).to_be_visible()
    shoot("mentoring-mentorship")

    # Alice sees it too, notes included.
    log_in(page, live_server, alice)
    page.goto(f"{base}/m/{m.pk}/")
    expect(page.get_by_text("Pivot tables, then a 3-minute pitch")).to_be_visible()
    expect(page.get_by_text("Next time: film the pitch.")).to_be_visible()
    page.goto(f"{base}/map/")
    expect(page.get_by_role("heading", name="Expertise map")).to_be_visible()
    shoot("mentoring-map")
    page.goto(f"{base}/find/")
    shoot("mentoring-find")

    # The animator sees the pair as active in the back office (without the notes).
    log_in(page, live_server, with_mfa(animator))
    page.goto(f"{live_server.url}/admin/mentoring/mentorship/")
    row = page.locator("#result_list tr", has_text="Alice Martin ↔ Bob Leroy")
    expect(row).to_contain_text("Active")
    shoot("mentoring-admin-list")
    row.get_by_role("link").first.click()
    expect(page.get_by_text("Pivot tables, then a 3-minute pitch")).to_be_visible()
    expect(page.get_by_text("Next time: film the pitch.")).to_have_count(0)
    page.goto(f"{base}/rounds/{round_.pk}/")
    shoot("mentoring-round")
    expect(page.get_by_role("heading", name="Spring")).to_be_visible()
    m.refresh_from_db()
    assert (m.status, m.reciprocal, MentoringSession.objects.count()) == ("active", True, 1)
    assert console_errors == []
