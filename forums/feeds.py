"""Atom feed of a public category's latest topics (django.contrib.syndication)."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from community.models import Community
from community.models.communities import Visibility
from forums.models import Category, Post


class CategoryFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str, category: str) -> Category:
        found = (
            Category.objects.select_related("community")
            .filter(
                community__slug=slug,
                community__visibility=Visibility.PUBLIC,
                slug=category,
                allowed_roles=[],
            )
            .first()
        )
        if found is None:
            raise Http404(_("No such category."))
        return found

    def title(self, obj: Category) -> str:
        return f"{obj.name} · {obj.community.name}"

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Category) -> str:
        return obj.description

    def items(self, obj: Category) -> list[Post]:
        community: Community = obj.community
        posts = list(
            Post.objects.filter(
                topic__category=obj,
                topic__deleted_at__isnull=True,
                number=1,
                deleted_at__isnull=True,
            )
            .select_related("topic", "author")
            .order_by("-topic__created_at", "-id")[:20]
        )
        for post in posts:
            post.community = community
            post.topic.community = community
        return posts

    def item_title(self, item: Post) -> str:
        return item.topic.title

    def item_description(self, item: Post) -> str:
        if item.hidden_at:
            return _("This post was hidden by the moderators.")
        return item.body_html

    def item_link(self, item: Post) -> str:
        return item.topic.get_absolute_url()

    def item_author_name(self, item: Post) -> str:
        return item.author.display_name if item.author else ""

    def item_pubdate(self, item: Post) -> Any:
        return item.created_at

    def item_updateddate(self, item: Post) -> Any:
        return item.edited_at or item.created_at
