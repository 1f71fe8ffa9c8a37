"""``{% cached_post %}``: a post of a topic page, rendered once per topic version and kind
of viewer, then served from the cache (members' pages; see ``forums/cache.py``).

A rendered post depends on the post and its topic (the topic stamp covers both), on the
community's structure stamp, and on the viewer only through a few flags: logged in, own
post, animator, blocked, may reply, may accept, their own reactions on the post, language
and time zone. The key holds exactly those, so members who see a post the same way share
its fragment. CSRF tokens are stored as placeholders and filled with the page's token.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from forums.cache import _CSRF_RE, CSRF_MARK, PAGE_TTL, _stamp_key, stamps

register = template.Library()


def _flag(value: Any) -> str:
    return "1" if value else "0"


@register.simple_tag(takes_context=True)
def cached_post(context: template.Context) -> SafeString:
    post = context["post"]
    topic = context["topic"]
    community = context["community"]
    tpl = context.template.engine.get_template("forums/_post.html")  # type: ignore[union-attr]
    memo = context.render_context
    stamp = memo.get("forums_post_stamp")
    if stamp is None:
        stamp = stamps(_stamp_key("topic", topic.pk), _stamp_key("structure", community.slug))
        memo["forums_post_stamp"] = stamp
    user = context.get("user")
    ctx = context.get("ctx")
    member = getattr(ctx, "member", None)
    perms = context.get("perms") or {}
    my = context.get("my") or ()
    flags = "".join(
        [
            _flag(user is not None and user.is_authenticated),
            _flag(member is not None and post.author_id == member.pk),
            _flag(perms.get("animate")),
            _flag(perms.get("blocked")),
            _flag(context.get("can_reply")),
            _flag(context.get("can_accept")),
        ]
    )
    parts = [
        stamp,
        str(post.pk),
        flags,
        ",".join(sorted(my)),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
    ]
    key = "forums:post:" + hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()
    text = cache.get(key)
    if text is None:
        with context.push():
            html = str(tpl.render(context))
        text = html
        for token in set(_CSRF_RE.findall(html)):
            text = text.replace(token, CSRF_MARK)
        cache.set(key, text, PAGE_TTL)
    if CSRF_MARK in text:
        text = text.replace(CSRF_MARK, str(context.get("csrf_token", "")))
    return mark_safe(text)  # our own rendering of _post.html
