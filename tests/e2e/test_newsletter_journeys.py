"""A member opens the digest, follows its unsubscribe link, confirms, and is unsubscribed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from community.models import NewsletterPreference
from community.services import newsletters as services
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.newsletters.conftest import coming_event, make_issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_unsubscribes_from_the_emails_link(
    page: Page, live_server: Any, shoot: Callable[[str], None], console_errors: list[str]
) -> None:
    community = CommunityFactory(name="Réseau des formateurs", slug="reseau")
    lea = MembershipFactory(
        community=community,
        member=MemberFactory(display_name="Léa Petit", preferred_language="en"),
    ).member
    coming_event(community, "Atelier : la classe virtuelle qui vit")
    issue = make_issue(community, introduction_html="<p>A word from the animators.</p>")
    services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=[lea.pk], claim="e2e")
    [email] = mail.outbox
    html = email.alternatives[0][0]  # type: ignore[index]
    header_url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert header_url.startswith(live_server.url + "/u/")

    # the member reads the email and follows its "Unsubscribe" link
    page.set_content(str(html))
    expect(page.get_by_text("Atelier : la classe virtuelle qui vit")).to_be_visible()
    page.get_by_role("link", name="Unsubscribe").click()
    expect(page).to_have_url(header_url)
    expect(page.get_by_role("heading", name="Unsubscribe from the digest?")).to_be_visible()
    shoot("newsletter-unsubscribe-confirm")
    assert NewsletterPreference.objects.count() == 0  # opening the link changed nothing

    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Réseau des formateurs")
    shoot("newsletter-unsubscribed")
    assert list(
        NewsletterPreference.objects.values_list("member_id", "community_id", "frequency")
    ) == [(lea.pk, community.pk, "never")]
    assert console_errors == []
