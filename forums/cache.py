"""The anonymous page cache of the forums (Discourse's "anonymous cache", in Redis).

A visitor without a session cookie sees the same page as every other such visitor, so
topic pages and topic lists are rendered once and then served from the cache until what
they show changes. What they show is keyed by **version stamps** kept in the cache:

- ``topic`` (one per topic): bumped by any write to the topic or its posts;
- ``activity`` (one per community): bumped by any write in its forums (lists move);
- ``structure`` (one per community): the community or its categories changed.

A topic page's key holds its topic and structure stamps; a list page's key holds the
activity and structure stamps. Stamps are bumped after the transaction commits:

- by :class:`ForumWritesMiddleware`, for every non-GET request to a forums address
  (reply, edit, delete, react, accept, follow, state: the ``pk`` and ``slug`` of the URL);
- by ``post_save``/``post_delete`` signals on posts, topics, categories and communities
  (the admin, moderation, tasks);
- by :func:`topic_changed` / :func:`community_changed`, for code that writes with
  ``QuerySet.update()`` outside a forums request.

Pages are stored with placeholders where the per-request CSRF token and CSP nonce go, and
those are filled in on the way out, so a cached page is as safe as a rendered one. A page
is cached only for a GET without a session or messages cookie, outside htmx, when the view
answered 200 and set no cookie of its own. Entries expire after ``PAGE_TTL`` seconds even
if nothing changes (a member's new name or avatar shows up within that delay).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from community.frames import (
    STAMP_TTL,
    current_stamps,
    freeze_secrets,
    new_stamp,
    thaw_secrets,
)

PAGE_TTL = 600


def stamp_key(kind: str, ident: object) -> str:
    return f"forums:v:{kind}:{ident}"


_stamp_key = stamp_key


_new_stamp = new_stamp


def _bump(*keys: str) -> None:
    def run() -> None:
        stamp = _new_stamp()
        cache.set_many(dict.fromkeys(keys, stamp), STAMP_TTL)

    transaction.on_commit(run)


def topic_changed(topic_id: int, community_slug: str | None = None) -> None:
    """What the topic's page shows changed (and the lists of its community)."""
    keys = [_stamp_key("topic", topic_id)]
    if community_slug:
        keys.append(_stamp_key("activity", community_slug))
    _bump(*keys)


def community_changed(slug: str, *, structure: bool = False) -> None:
    """Lists of the community changed (``structure``: every forum page of it did)."""
    _bump(_stamp_key("structure" if structure else "activity", slug))


def stamps(*keys: str) -> str:
    """The current stamps of ``keys`` joined (a missing stamp is created)."""
    return ".".join(current_stamps(list(keys)))


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.headers.get("HX-Request")
    )


def _page_key(request: HttpRequest, scope: str, slug: str, topic_id: int | None) -> str:
    if topic_id is not None:
        keys = [_stamp_key("topic", topic_id), _stamp_key("structure", slug)]
    else:
        keys = [_stamp_key("activity", slug), _stamp_key("structure", slug)]
    digest = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    lang = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    from community.frames import templates_version

    return f"forums:page:{templates_version()}:{scope}:{lang}:{digest}:{stamps(*keys)}"


def _freeze(request: HttpRequest, response: HttpResponse) -> str | None:
    """The page with placeholders for the per-request secrets, or None if not storable."""
    if response.status_code != 200 or response.cookies or response.streaming:
        return None
    return freeze_secrets(request, response.content.decode(response.charset))


def _thaw(request: HttpRequest, text: str) -> HttpResponse:
    response = HttpResponse(thaw_secrets(request, text))
    response["X-Forum-Cache"] = "hit"
    return response


def anonymous_page(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view from the anonymous cache (see the module's docstring). The view's
    URL must have ``slug``, and ``pk`` (the topic) for topic pages."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request) or "slug" not in kwargs:
                return view(request, *args, **kwargs)
            key = _page_key(request, scope, kwargs["slug"], kwargs.get("pk"))
            text = cache.get(key)
            if text is not None:
                return _thaw(request, text)
            response = view(request, *args, **kwargs)
            frozen = _freeze(request, response)
            if frozen is not None:
                cache.set(key, frozen, PAGE_TTL)
            return response

        return wrapped

    return decorator


class ForumWritesMiddleware:
    """Bumps the stamps of the topic and community in the address of every write to the
    forums (after the commit), whatever the view did with them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            match = getattr(request, "resolver_match", None)
            if match is not None and match.namespace == "forums":
                slug = match.kwargs.get("slug")
                pk = match.kwargs.get("pk")
                if pk is not None:
                    topic_changed(pk, slug)
                elif slug:
                    community_changed(slug)
        return response


def connect_signals() -> None:
    """Admin, moderation and task writes (called from the app's ``ready()``)."""
    from django.db.models.signals import post_delete, post_save

    from community.models import Community
    from forums.models import Category, Post, Topic

    def community_slug(instance: Any) -> str | None:
        # The services set the community on what they save: no query then.
        community = instance._state.fields_cache.get("community")
        if community is not None:
            return str(community.slug)
        return (
            Community.objects.filter(pk=instance.community_id)
            .values_list("slug", flat=True)
            .first()
        )

    def on_post(sender: Any, instance: Post, **kwargs: Any) -> None:
        topic_changed(instance.topic_id, community_slug(instance))

    def on_topic(sender: Any, instance: Topic, **kwargs: Any) -> None:
        topic_changed(instance.pk, community_slug(instance))

    def on_category(sender: Any, instance: Category, **kwargs: Any) -> None:
        slug = community_slug(instance)
        if slug:
            community_changed(slug, structure=True)

    def on_community(sender: Any, instance: Community, **kwargs: Any) -> None:
        community_changed(instance.slug, structure=True)

    for model, receiver in (
        (Post, on_post),
        (Topic, on_topic),
        (Category, on_category),
        (Community, on_community),
    ):
        uid = f"forums.cache.{model.__name__}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ".delete")
