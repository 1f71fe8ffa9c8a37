"""``{% cached_posts %}``: the posts of a topic page, rendered once per topic version and
kind of viewer, then served from the cache (members' pages; see ``forums/cache.py``).

A rendered post depends on the post and its topic (the topic stamp covers both), on the
community's structure stamp, and on the viewer only through a few flags: logged in, own
post, animator, blocked, may reply, may accept, their own reactions on the post, language
and time zone. The key holds exactly those, so members who see a post the same way share
its fragment. The page's posts are also stored as one block, keyed by the same things
for all of them (most members have no post and no reaction on a given page, so they
share the block): a page costs one cache read instead of twenty. CSRF tokens are stored
as placeholders and filled with the page's token.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django import template
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.frames import CSRF_MARK, CSRF_RE, templates_version
from forums.cache import PAGE_TTL, _stamp_key, stamps

register = template.Library()


def _flag(value: Any) -> str:
    return "1" if value else "0"


def _viewer_flags(context: template.Context) -> str:
    """What a post's rendering depends on in the viewer, besides their own reactions and
    whether they wrote it."""
    user = context.get("user")
    perms = context.get("perms") or {}
    return "".join(
        [
            _flag(user is not None and user.is_authenticated),
            _flag(perms.get("animate")),
            _flag(perms.get("blocked")),
            _flag(context.get("can_reply")),
            _flag(context.get("can_accept")),
        ]
    )


def _digest(prefix: str, parts: list[str]) -> str:
    raw = "|".join([templates_version(), *parts])
    return prefix + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def _freeze_csrf(html: str) -> str:
    for token in set(CSRF_RE.findall(html)):
        html = html.replace(token, CSRF_MARK)
    return html


@register.simple_tag(takes_context=True)
def cached_posts(context: template.Context) -> SafeString:
    """The posts of a topic page: one fragment for the whole page (one round trip), keyed
    by what differs between viewers (their flags, their own posts and reactions on the
    page); on a miss, assembled from one fragment per post, rendered when missing."""
    page = context["page"]
    rows = page.rows  # pk, number, author: the posts themselves only on a miss
    if not rows:
        return mark_safe("")
    topic = context["topic"]
    community = context["community"]
    member = getattr(context.get("ctx"), "member", None)
    mine: dict[int, set[str]] = getattr(page, "mine", None) or {}
    stamp = context.get("forum_stamp") or stamps(
        _stamp_key("topic", topic.pk), _stamp_key("structure", community.slug)
    )
    viewer = _viewer_flags(context)
    tail = [translation.get_language() or "", timezone.get_current_timezone_name()]
    own = {r.pk for r in rows if member is not None and r.author_id == member.pk}
    block_key = _digest(
        "forums:posts:",
        [
            stamp,
            viewer,
            ",".join(str(r.pk) for r in rows),
            ",".join(str(pk) for pk in sorted(own)),
            ";".join(f"{pk}:{','.join(sorted(e))}" for pk, e in sorted(mine.items()) if e),
            *tail,
        ],
    )
    text: str | None = cache.get(block_key)
    if text is None:
        keys = {
            r.pk: _digest(
                "forums:post:",
                [
                    stamp,
                    str(r.pk),
                    viewer,
                    _flag(r.pk in own),
                    ",".join(sorted(mine.get(r.pk, ()))),
                    *tail,
                ],
            )
            for r in rows
        }
        fragments = cache.get_many(list(keys.values()))
        missing = [r.pk for r in rows if keys[r.pk] not in fragments]
        posts = {p.pk: p for p in page.posts} if missing else {}
        tpl = context.template.engine.get_template("forums/_post.html")  # type: ignore[union-attr]
        parts = []
        for row in rows:
            html = fragments.get(keys[row.pk])
            if html is None:
                post = posts.get(row.pk)
                if post is None:
                    continue  # deleted between the two queries
                with context.push(post=post, my=mine.get(row.pk, set())):
                    html = _freeze_csrf(str(tpl.render(context)))
                cache.set(keys[row.pk], html, PAGE_TTL)
            parts.append(html)
        text = "".join(parts)
        cache.set(block_key, text, PAGE_TTL)
    if CSRF_MARK in text:
        text = text.replace(CSRF_MARK, str(context.get("csrf_token", "")))
    return mark_safe(text)  # our own rendering of _post.html


# --- {% cached_topic_rows %} ---------------------------------------------------------
# A row of a topic list depends on the topic (its stamp is bumped by every change to the
# topic or its posts), the community's structure stamp (categories), language and time
# zone; never on the reader. The reader's read state (unread count, "new") is applied
# outside the cached text, through three placeholders, so members share the fragments.

_ROW_CLASS = "\x00rowclass\x00"
_UNREAD_QS = "\x00unreadqs\x00"
_STATE_BADGE = "\x00badge\x00"


def _categories_key(context: template.Context, structure: str, activity: str) -> str:
    """The categories panel of a list: the community's structure and activity (topic
    counts), the categories this person may see, the current one, the language."""
    category = context.get("category")
    parts = [
        structure,
        activity,
        ",".join(str(c.pk) for c in context.get("categories") or ()),
        str(category.pk) if category else "",
        "tag" if context.get("tag") else "",
        translation.get_language() or "",
        context["community"].slug,
    ]
    return _digest("forums:categories:", parts)


def _list_memo(context: template.Context) -> dict[str, Any]:
    """What a list page's cached parts need, computed once per page: the community's
    structure and activity stamps (given by the view, else one round trip), the keys of
    the row blocks and of the categories panel, and those fragments (one round trip).

    A block of rows is keyed by the community's activity stamp, which every change to
    any of its topics bumps, and the topics' ids; its rows, on a miss, come from one
    fragment per row keyed by that topic's own stamp (``_row_fragments``)."""
    memo = context.render_context
    found: dict[str, Any] | None = memo.get("forums_list")
    if found is not None:
        return found
    community = context["community"]
    structure_key = _stamp_key("structure", community.slug)
    activity_key = _stamp_key("activity", community.slug)
    given = context.get("list_stamps")  # "activity.structure", from the view
    if given:
        activity, structure = str(given).split(".", 1)
    else:
        activity, structure = stamps(activity_key, structure_key).split(".", 1)
    page = context.get("page")
    groups = {
        "pinned": list(context.get("pinned") or ()),
        "items": list(getattr(page, "items", None) or ()),
    }
    tail = [translation.get_language() or "", timezone.get_current_timezone_name()]
    blocks = {
        name: _digest(
            "forums:rows:",
            [community.slug, activity, structure, ",".join(str(t.pk) for t in topics), *tail],
        )
        for name, topics in groups.items()
        if topics
    }
    categories_key = _categories_key(context, structure, activity)
    found = {
        "blocks": blocks,
        "categories_key": categories_key,
        "fetched": cache.get_many([categories_key, *blocks.values()]),
        "structure": structure,
    }
    memo["forums_list"] = found
    return found


def _row_fragments(context: template.Context, topics: list[Any], structure: str) -> list[str]:
    """The rows of ``topics``, from one cached fragment per row (keyed by the topic's own
    stamp), rendered when missing; the topics of light rows (TopicRef) are loaded for
    those, all in one query."""
    from forums.selectors.topics import TopicRef, load_topics

    community = context["community"]
    stamp_keys = [_stamp_key("topic", t.pk) for t in topics]
    found = cache.get_many(stamp_keys)
    missing = [k for k in stamp_keys if k not in found]
    if missing:
        stamps(*missing)  # creates them
        found.update(cache.get_many(missing))
    tail = "|".join(
        [translation.get_language() or "", timezone.get_current_timezone_name(), community.slug]
    )
    version = templates_version()
    keys = {}
    for t in topics:
        raw = f"{version}|{structure}|{found.get(_stamp_key('topic', t.pk), '')}|{t.pk}|{tail}"
        keys[t.pk] = "forums:row:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    rows = cache.get_many(list(keys.values()))
    wanted = [t.pk for t in topics if isinstance(t, TopicRef) and keys[t.pk] not in rows]
    full = load_topics(community, wanted)
    tpl = None
    out = []
    for topic in topics:
        row = rows.get(keys[topic.pk])
        if row is None:
            tpl = tpl or context.template.engine.get_template("forums/_topic_row.html")  # type: ignore[union-attr]
            with context.push(
                t=full.get(topic.pk, topic),
                row_class=_ROW_CLASS,
                unread_qs=_UNREAD_QS,
                state_badge=_STATE_BADGE,
            ):
                row = str(tpl.render(context))
            cache.set(keys[topic.pk], row, PAGE_TTL)
        out.append(
            row.replace(_ROW_CLASS, f"\x00rc:{topic.pk}\x00")
            .replace(_UNREAD_QS, f"\x00qs:{topic.pk}\x00")
            .replace(_STATE_BADGE, f"\x00bd:{topic.pk}\x00")
        )
    return out


@register.simple_tag(takes_context=True)
def cached_categories(context: template.Context) -> SafeString:
    """The categories panel of a topic list, from the cache (fetched with the rows)."""
    found = _list_memo(context)
    key = found["categories_key"]
    text: str | None = found["fetched"].get(key)
    if text is None:
        tpl = context.template.engine.get_template("forums/_categories.html")  # type: ignore[union-attr]
        text = str(tpl.render(context))
        cache.set(key, text, PAGE_TTL)
    return mark_safe(text)  # our own rendering of _categories.html


def _state_parts(topic: Any, state: Any) -> tuple[str, str, str]:
    unread = getattr(state, "unread", 0) if state is not None else 0
    new = getattr(state, "new", False) if state is not None else False
    row_class = " list-row--unread" if unread or new else ""
    unread_qs = "?unread=1" if unread else ""
    badge: str = ""
    if new:
        badge = format_html('<span class="badge badge--warning">{}</span>', _("New"))
    elif unread:
        badge = format_html(
            '<a class="badge badge--warning" href="{}?unread=1">{}</a>',
            topic.get_absolute_url(),
            ngettext("%(n)s unread", "%(n)s unread", unread) % {"n": unread},
        )
    return row_class, unread_qs, str(badge)


_ROW_MARK = re.compile("\x00(rc|qs|bd):([0-9]+)\x00")


@register.simple_tag(takes_context=True)
def cached_topic_rows(context: template.Context, topics: Any, group: str) -> SafeString:
    """The rows of ``topics`` (``group``: the page's "pinned" topics or its "items") as one
    cached block; the reader's read state goes into each row through its own
    placeholders, in one pass."""
    topics = list(topics or ())
    if not topics:
        return mark_safe("")
    found = _list_memo(context)
    block_key = found["blocks"].get(group)
    text: str | None = found["fetched"].get(block_key) if block_key else None
    if text is None:
        text = "".join(_row_fragments(context, topics, found["structure"]))
        if block_key:
            cache.set(block_key, text, PAGE_TTL)
    reads = context.get("reads") or {}
    by_pk = {t.pk: t for t in topics}
    states: dict[int, tuple[str, str, str]] = {}

    def fill(match: re.Match[str]) -> str:
        pk = int(match.group(2))
        if pk not in states:
            states[pk] = _state_parts(by_pk[pk], reads.get(pk))
        return states[pk][("rc", "qs", "bd").index(match.group(1))]

    return mark_safe(_ROW_MARK.sub(fill, text))  # our rendering, escaped parts in _state_parts
