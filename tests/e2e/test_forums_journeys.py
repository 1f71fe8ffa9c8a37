"""Forums in a real browser: a question answered and accepted (solved in the list), and
search across French inflections on a page full of hostile posts where no script runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from community.models import Member
from forums.models import Category, Topic
from forums.services import posting
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.forums.xss_corpus import XSS_PAYLOADS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server: Any, member: Member) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_question_answered_accepted_and_shown_solved(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    community = CommunityFactory(name="Réseau des formateurs", slug="reseau")
    Category.objects.create(
        community=community, name="Questions", slug="questions", colour="#a2470f"
    )
    lea = MembershipFactory(
        community=community, member=MemberFactory(display_name="Léa Petit")
    ).member
    tom = MembershipFactory(
        community=community, member=MemberFactory(display_name="Tom Legrand")
    ).member

    log_in(page, live_server, lea)
    page.goto(f"{live_server.url}/c/reseau/forums/")
    page.get_by_role("link", name="New topic").first.click()
    page.get_by_label("Question").check()
    page.get_by_label("Title").fill("How do I export quiz results by group?")
    page.get_by_label("Message").fill("Moodle gives me **everyone** at once.")
    page.get_by_label("Tags").fill("moodle, quiz")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How do I export quiz results")
    shoot("forums-question")

    log_in(page, live_server, tom)
    page.goto(f"{live_server.url}/c/reseau/forums/?view=unanswered")
    page.get_by_role("link", name="How do I export quiz results by group?").click()
    page.get_by_role("button", name="Like").click()  # htmx reaction
    expect(page.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("textbox", name="Your reply").fill(
        "Pick the group in the menu *before* downloading."
    )
    page.get_by_role("button", name="Post the reply").click()  # htmx reply
    expect(page.locator("#post-2")).to_contain_text("Pick the group in the menu")
    shoot("forums-answered")

    log_in(page, live_server, lea)
    page.goto(f"{live_server.url}/c/reseau/forums/t/{Topic.objects.get().pk}/")
    page.get_by_role("button", name="Accept as the answer").click()
    expect(page.locator("#post-2")).to_contain_text("Accepted answer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solved")
    shoot("forums-solved-topic")
    page.goto(f"{live_server.url}/c/reseau/forums/?view=solved")
    row = page.locator(".topic-row", has_text="How do I export quiz results by group?")
    expect(row).to_contain_text("Solved")
    shoot("forums-solved-list")
    page.goto(f"{live_server.url}/notifications/")
    assert console_errors == []


def test_french_search_finds_inflections_and_hostile_posts_stay_inert(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    community = CommunityFactory(name="Formateurs", slug="formateurs", language="fr")
    category = Category.objects.create(community=community, name="Pratiques", slug="pratiques")
    claire = MembershipFactory(
        community=community, member=MemberFactory(display_name="Claire Martin")
    ).member
    topic = posting.create_topic(
        community=community,
        category=category,
        by=claire,
        kind="discussion",
        title="Garder l'attention",
        body="Mes apprenants décrochent après le déjeuner.",
    )
    for payload in XSS_PAYLOADS[:40]:
        posting.reply(topic=topic, by=claire, body=payload)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(f"{live_server.url}/c/formateurs/forums/")
    page.get_by_label("Search the discussions").fill("apprenant")
    page.get_by_label("Search the discussions").press("Enter")
    result = page.locator(".search-results .list-row").first
    expect(result).to_contain_text("Garder l'attention")
    expect(result.locator("mark")).to_have_text("apprenants")
    shoot("forums-search")

    page.goto(f"{live_server.url}/c/formateurs/forums/t/{topic.pk}/")
    page.get_by_role("link", name="Later posts").click()  # load-more (htmx)
    expect(page.locator("#post-40")).to_be_attached()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('main script, main iframe').length") == 0
    assert [e for e in console_errors if "Content Security Policy" not in e] == []
