"""Moderation in a real browser: a member flags a forum reply, the animator hides it from
the review queue in the back office, and its author sees the placeholder notice and the
notification."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from community.models import Member, ModerationLog, ReviewItem
from forums.models import Category, Post
from forums.services import posting
from tests.community.test_admin import with_mfa
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server: Any, member: Member) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_a_flagged_reply_is_hidden_from_the_review_queue(
    page: Page,
    live_server: Any,
    shoot: Callable[[str], None],
    console_errors: list[str],
) -> None:
    community = CommunityFactory(name="Réseau des formateurs", slug="reseau")

    def person(name: str, role: str = "member") -> Member:
        return MembershipFactory(
            community=community, role=role, member=MemberFactory(display_name=name)
        ).member

    animator = with_mfa(person("Claire Martin", "animator"))
    alice, bob, carol = person("Alice Lambert"), person("Bob Leroy"), person("Carol Simon")
    category = Category.objects.create(community=community, name="Pédagogie", slug="pedagogie")
    topic = posting.create_topic(
        community=community,
        category=category,
        by=alice,
        kind="question",
        title="Comment garder l’attention en classe virtuelle ?",
        body="Après vingt minutes, je perds la moitié du groupe. Des idées ?",
    )
    posting.reply(topic=topic, by=bob, body="Achetez ma formation miracle : promo-miracle.example")
    base = live_server.url

    # Carol flags Bob's reply from the topic page
    log_in(page, live_server, carol)
    page.goto(f"{base}{topic.get_absolute_url()}")
    reply = page.locator("#post-2")
    reply.get_by_text("Flag", exact=True).click()
    reply.get_by_label("Spam or advertising").check()
    reply.get_by_label("Message to the animators").fill("Publicité pour une formation payante.")
    shoot("moderation-flag-form")
    reply.get_by_role("button", name="Send the flag").click()
    expect(reply.get_by_text("Thank you: the animators will look at it.")).to_be_visible()
    assert ReviewItem.objects.get().flag_count == 1

    # Claire reviews it in the back office and hides it
    log_in(page, live_server, animator)
    page.goto(f"{base}/admin/community/reviewitem/")
    row = page.locator("#result_list tr", has_text="Achetez ma formation miracle")
    expect(row).to_be_visible()
    shoot("moderation-review-queue")
    row.get_by_role("link").first.click()
    expect(page.get_by_text("Publicité pour une formation payante.")).to_be_visible()
    expect(
        page.get_by_text("Topic: Comment garder l’attention en classe virtuelle ?")
    ).to_be_visible()
    page.get_by_label("Agree and hide: the author is told why").check()
    page.get_by_label("Reason told to the author").fill("Publicité : ce n’est pas le lieu.")
    shoot("moderation-review-item")
    page.locator("input[name=_save]").click()
    expect(page.get_by_text("The review item is resolved.")).to_be_visible()
    post = Post.objects.get(topic=topic, number=2)
    assert post.hidden_at is not None
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["hide"]
    page.goto(f"{base}/admin/community/moderationlog/")
    expect(page.locator("#result_list")).to_contain_text("Publicité : ce n’est pas le lieu.")
    shoot("moderation-log")

    # Alice sees a placeholder; Bob sees his post with the notice, and the notification
    log_in(page, live_server, alice)
    page.goto(f"{base}{topic.get_absolute_url()}")
    expect(page.locator("#post-2")).to_contain_text("This post was hidden by the moderators.")
    expect(page.get_by_text("promo-miracle")).to_have_count(0)
    log_in(page, live_server, bob)
    page.goto(f"{base}{topic.get_absolute_url()}")
    expect(page.locator("#post-2")).to_contain_text("only you and the animators see it")
    shoot("moderation-author-placeholder")
    page.goto(f"{base}/notifications/")
    expect(page.get_by_text(re.compile(r"is hidden for now\. Reason: Publicité"))).to_be_visible()
    shoot("moderation-author-notification")
    assert console_errors == []
