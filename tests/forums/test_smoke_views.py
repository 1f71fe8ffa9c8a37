from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render(forum: Any, make_topic: Any, make_reply: Any, client_as: Any) -> None:
    topic = make_topic(kind="question", tags=("Excel", "onboarding"))
    post = make_reply(topic)
    slug = forum.community.slug
    client = client_as(forum.alice)
    urls = [
        reverse("forums:home", kwargs={"slug": slug}),
        reverse("forums:home", kwargs={"slug": slug}) + "?view=unanswered",
        reverse("forums:home", kwargs={"slug": slug}) + "?view=solved",
        reverse("forums:home", kwargs={"slug": slug}) + "?view=bookmarks",
        reverse("forums:category", kwargs={"slug": slug, "category": "general"}),
        reverse("forums:tag", kwargs={"slug": slug, "tag": "excel"}),
        reverse("forums:topic", kwargs={"slug": slug, "pk": topic.pk}),
        reverse("forums:topic-create", kwargs={"slug": slug}),
        reverse("forums:reply", kwargs={"slug": slug, "pk": topic.pk}) + "?to=2&quote=1",
        reverse("forums:post-edit", kwargs={"slug": slug, "pk": topic.pk, "number": 1}),
        reverse("forums:post-history", kwargs={"slug": slug, "pk": topic.pk, "number": 1}),
        reverse("forums:community-search", kwargs={"slug": slug}) + "?q=apprenant",
        reverse("forums:search") + "?q=apprenant",
        reverse("forums:category-feed", kwargs={"slug": slug, "category": "general"}),
        reverse("community:community-detail", kwargs={"slug": slug}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert post.number == 2
