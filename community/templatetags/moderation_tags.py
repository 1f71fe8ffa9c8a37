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
    """A "Flag" disclosure with its small form (ids unique per object on the page)."""
    from community.moderation_forms import FlagForm

    prefix = f"flag-{target._meta.model_name}-{target.pk}"
    return {
        "csrf_token": context.get("csrf_token"),
        "flag_url": flag_url(community, target),
        "form": FlagForm(auto_id=f"{prefix}-%s"),
        "request": context.get("request"),
    }
