"""Template helpers of the design system: icons, avatars, times, community colours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """An icon from the sprite; decorative unless given a label."""
    href = f"{static('img/icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>', label, href
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href
    )


@register.simple_tag(takes_context=True)
def member_menu(context: template.Context) -> SafeString:
    """The member's menu in the header, from the cache when nothing it shows changed
    (community/fragments.py); the CSRF token of the logout form is put in afterwards."""
    from community import fragments, frames

    member = context["member"]
    stamp, stored = fragments.lookup(member.pk, context.get("request"))
    wanted = fragments.signature(member, context.get("user"), stamp)
    if stored is not None and stored[0] == wanted:
        html = stored[1]
    else:
        tpl = context.template.engine.get_template("components/_member_menu.html")  # type: ignore[union-attr]
        with context.push(csrf_token=frames.CSRF_MARK):
            html = str(tpl.render(context))
        fragments.store(member.pk, wanted, html)
    return mark_safe(html.replace(frames.CSRF_MARK, str(context.get("csrf_token", ""))))


class LateNode(template.Node):
    """``{% late "name" %}…{% endlate %}``: a part of the page that differs per member,
    rendered on every request when the rest of the page comes from its frame
    (community/frames.py). Its content may use only the page's top-level variables."""

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        from community import frames

        html = self.nodelist.render(context)
        holes = frames.collecting(context)
        if holes is None:
            return html
        holes[self.name] = (self, html)
        marker = frames.hole_marker(self.name)
        return f"{marker}{html}{marker}"


@register.tag("late")
def late(parser: Any, token: Any) -> LateNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% late "name" %}…{% endlate %}')
    nodelist = parser.parse(("endlate",))
    parser.delete_first_token()
    return LateNode(bits[1][1:-1], nodelist)


@register.inclusion_tag("components/_avatar.html")
def avatar(member: Any, size: str = "") -> dict[str, Any]:
    return {"m": member, "size": size}


@register.simple_tag
def time_tag(value: datetime | None, relative: bool = True) -> SafeString:
    """<time> with the exact local date as text; app.js adds "3 hours ago" and keeps the
    exact date in the title."""
    if value is None:
        return mark_safe("")
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = formats.date_format(local, "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}"{}>{}</time>',
        value.isoformat(),
        mark_safe(" data-relative") if relative else "",
        text,
    )


@register.simple_tag
def community_accents(communities: Iterable[Any]) -> SafeString:
    """CSS rules giving each community card its colour (in the page's nonce'd <style>;
    colours are validated #rrggbb values)."""
    seen: dict[int, str] = {}
    for c in communities:
        community = getattr(c, "community", c)
        if community is not None and community.pk not in seen:
            seen[community.pk] = community.accent_colour
    return format_html_join(
        "",
        ".accent-{}{{--community-accent:{};--chip-colour:{}}}",
        ((k, v, v) for k, v in seen.items()),
    )


@register.filter
def role_class(role: str) -> str:
    return {
        "animator": "badge--primary",
        "manager": "badge--accent",
        "ambassador": "badge--success",
    }.get(role, "")
