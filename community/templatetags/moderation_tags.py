"""Template helpers of moderation: the flag button and form of any flaggable object."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def flag_url(community: Any, target: Any) -> str:
    return reverse(
        "community:flag",
        kwargs={"slug": community.slug, "label": target._meta.label_lower, "pk": target.pk},
    )


@register.inclusion_tag("community/moderation/_flag.html", takes_context=True)
def flag_button(context: Any, community: Any, target: Any) -> dict[str, Any]:
    """A "Flag" disclosure; its form is loaded when it opens (``community:flag`` answers
    htmx with the form alone, ids unique per object on the page)."""
    return {"flag_url": flag_url(community, target)}
