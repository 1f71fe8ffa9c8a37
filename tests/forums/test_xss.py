"""The XSS corpus through post creation: the stored HTML is inert, and so is the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from forums.models import Post
from forums.services import posting
from tests.forums.conftest import Forum
from tests.forums.xss_corpus import XSS_PAYLOADS
from tests.helpers import assert_inert

pytestmark = pytest.mark.django_db


def test_corpus_has_at_least_a_hundred_payloads() -> None:
    assert len(XSS_PAYLOADS) >= 100


def test_stored_html_of_every_payload_is_inert(forum: Forum) -> None:
    failures = []
    for payload in XSS_PAYLOADS:
        topic = posting.create_topic(
            community=forum.community,
            category=forum.general,
            by=forum.alice,
            kind="discussion",
            title=payload[:160],
            body=payload,
        )
        reply = posting.reply(topic=topic, by=forum.bob, body=payload)
        assert reply.body == payload.replace("\x00", "")  # the source is kept as typed
        for post in Post.objects.filter(topic=topic):
            try:
                assert_inert(post.body_html)
            except AssertionError as error:
                failures.append(str(error))
    assert failures == []
    assert Post.objects.count() == 2 * len(XSS_PAYLOADS)


def test_topic_page_with_every_payload_is_inert(forum: Forum, client_for: Any) -> None:
    topic = posting.create_topic(
        community=forum.community,
        category=forum.general,
        by=forum.alice,
        kind="question",
        title="<script>alert(1)</script>",
        body="Corpus",
    )
    for payload in XSS_PAYLOADS[:19]:
        posting.reply(topic=topic, by=forum.bob, body=payload)
    html = (
        client_for(forum.bob)
        .get(reverse("forums:topic", kwargs={"slug": forum.community.slug, "pk": topic.pk}))
        .text
    )
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert_inert(body.replace('<form method="post"', "<div").replace("<form ", "<div "))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
