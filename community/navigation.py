"""Sections of a community's navigation (Overview, Members, then Forums, Mentoring,
Events... as each app registers its own in `AppConfig.ready()`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.models.communities import JoinPolicy
from community.permissions import CommunityContext, can_animate, can_read_community


@dataclass(frozen=True)
class CommunityTab:
    key: str
    label: StrOrPromise
    url_name: str  # reversed with the community's slug
    order: int = 100
    icon: str = "dot"
    visible: Callable[[CommunityContext], bool] = can_read_community


@dataclass(frozen=True)
class TabLink:
    key: str
    label: StrOrPromise
    url: str
    icon: str
    active: bool


_TABS: dict[str, CommunityTab] = {}


@dataclass(frozen=True)
class Panel:
    """A block on a page that another app fills: a community's overview ("Latest
    discussions", "Next events") or a member's profile ("Badges", "Skills").

    ``context`` returns the template's context, or None to show nothing; it runs a bounded
    number of queries.
    """

    key: str
    template: str
    context: Callable[..., dict[str, object] | None]
    order: int = 100


_OVERVIEW: dict[str, Panel] = {}
_PROFILE: dict[str, Panel] = {}


def register_overview_panel(panel: Panel) -> None:
    """``panel.context(ctx: CommunityContext)``, shown on the community's front page."""
    _OVERVIEW[panel.key] = panel


def register_profile_panel(panel: Panel) -> None:
    """``panel.context(member, viewer_user, community_ids)`` on a member's profile
    (``community_ids``: the communities the viewer may see the member in)."""
    _PROFILE[panel.key] = panel


def render_panels(registry: str, *args: object) -> list[tuple[str, dict[str, object]]]:
    panels = _OVERVIEW if registry == "overview" else _PROFILE
    rendered = []
    for panel in sorted(panels.values(), key=lambda p: (p.order, p.key)):
        data = panel.context(*args)
        if data is not None:
            rendered.append((panel.template, data))
    return rendered


def register_tab(tab: CommunityTab) -> None:
    _TABS[tab.key] = tab


def tabs_for(ctx: CommunityContext, active: str) -> list[TabLink]:
    return [
        TabLink(
            key=tab.key,
            label=tab.label,
            url=reverse(tab.url_name, kwargs={"slug": ctx.community.slug}),
            icon=tab.icon,
            active=tab.key == active,
        )
        for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
        if tab.visible(ctx)
    ]


register_tab(
    CommunityTab("overview", _("Overview"), "community:community-detail", 0, "home", lambda c: True)
)
register_tab(CommunityTab("members", _("Members"), "community:directory", 90, "users"))
register_tab(
    CommunityTab(
        "requests",
        _("Join requests"),
        "community:requests",
        95,
        "inbox",
        lambda ctx: ctx.community.join_policy == JoinPolicy.REQUEST and can_animate(ctx),
    )
)
