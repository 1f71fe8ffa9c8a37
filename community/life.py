"""Community life (events, resource library, surveys, newcomers): the verbs, notification
kinds, tabs, panels and search provider it registers (imported in `CommunityConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.activity import register_verb
from community.notifications import NotificationKind, register_kind
from community.permissions import CommunityContext, can_animate, can_read_community

if TYPE_CHECKING:
    from community.models import Notification

# --- Activity verbs (the contract of docs/activity.md, exactly) -----------------------
EVENT_CREATED = register_verb("events.created", _("created an event"), contribution=True)
EVENT_RSVP = register_verb("events.rsvp", _("answered an event invitation"))
EVENT_ATTENDED = register_verb("events.attended", _("attended an event"), contribution=True)
EVENT_NO_SHOW = register_verb("events.no_show", _("did not come to an event"))
RESOURCE_SHARED = register_verb("resources.shared", _("shared a resource"), contribution=True)
RESOURCE_FOUND_USEFUL = register_verb("resources.found_useful", _("found a resource useful"))
SURVEY_ANSWERED = register_verb("surveys.answered", _("answered a survey"))

# Verbs of other apps the newcomer checklist reads (by name: they may not be registered
# in this process, which is fine for reading the log).
FORUMS_TOPIC_CREATED = "forums.topic_created"
MENTORING_SKILLS_DECLARED = "mentoring.skills_declared"


# --- Notification kinds ----------------------------------------------------------------
def _event_sentence(template: StrOrPromise) -> Callable[[Notification], str]:
    def describe(n: Notification) -> str:
        return str(template) % {
            "title": n.payload.get("title", ""),
            "when": n.payload.get("when", ""),
        }

    return describe


def _describe_message(n: Notification) -> str:
    return str(_("The organisers of %(title)s write: “%(message)s”")) % {
        "title": n.payload.get("title", ""),
        "message": n.payload.get("message", ""),
    }


PROMOTED = register_kind(
    NotificationKind(
        "events.promoted",
        _("A seat frees up for me at an event where I am on the waiting list"),
        _event_sentence(_("A seat freed up: you are now registered for %(title)s (%(when)s)")),
        email_default=True,
    )
)
REMINDER = register_kind(
    NotificationKind(
        "events.reminder",
        _("An event I registered for is coming (the day before, the hour before)"),
        _event_sentence(_("Reminder: %(title)s starts %(when)s")),
        email_default=True,
        grouped=True,  # one notice per member and group key (tasks safe to rerun)
    )
)
ORGANISER_MESSAGE = register_kind(
    NotificationKind(
        "events.message",
        _("The organiser of an event I registered for writes to the participants"),
        _describe_message,
        email_default=True,
        grouped=True,
    )
)
EVENT_CHANGED = register_kind(
    NotificationKind(
        "events.changed",
        _("An event I registered for changes date, time or place"),
        _event_sentence(_("%(title)s has changed: it is now %(when)s")),
        email_default=True,
        grouped=True,  # one notice per member and group key (tasks safe to rerun)
    )
)
EVENT_CANCELLED = register_kind(
    NotificationKind(
        "events.cancelled",
        _("An event I registered for is cancelled"),
        _event_sentence(_("%(title)s (%(when)s) is cancelled")),
        email_default=True,
        grouped=True,  # one notice per member and group key (tasks safe to rerun)
    )
)
FEEDBACK_ASKED = register_kind(
    NotificationKind(
        "events.feedback",
        _("An event I attended asks for my feedback"),
        _event_sentence(_("How was %(title)s? Two clicks to tell the organisers")),
        grouped=True,
    )
)
SURVEY_INVITED = register_kind(
    NotificationKind(
        "surveys.invited",
        _("A survey asks for my opinion"),
        _event_sentence(_("Your opinion counts: %(title)s (until %(when)s)")),
        grouped=True,  # one notice per member and group key (tasks safe to rerun)
    )
)


def _is_member_or_animator(ctx: CommunityContext) -> bool:
    return ctx.is_active_member or can_animate(ctx)


def register() -> None:
    """Tabs, panels and the search provider (they import selectors, so not at import)."""
    from community.global_search import Provider, register_provider
    from community.navigation import (
        CommunityTab,
        Panel,
        register_overview_panel,
        register_profile_panel,
        register_tab,
    )
    from community.selectors import events as event_selectors
    from community.selectors import resources as resource_selectors
    from community.selectors import surveys as survey_selectors

    register_tab(CommunityTab("events", _("Events"), "community:event-list", 30, "calendar"))
    register_tab(CommunityTab("library", _("Library"), "community:library", 40, "book"))
    register_tab(
        CommunityTab(
            "surveys", _("Surveys"), "community:survey-list", 50, "chart", _is_member_or_animator
        )
    )
    register_tab(
        CommunityTab("welcome", _("Welcome"), "community:welcome", 5, "compass", can_read_community)
    )
    register_tab(
        CommunityTab("newcomers", _("Newcomers"), "community:newcomers", 96, "users", can_animate)
    )
    register_overview_panel(
        Panel("next-events", "community/events/_panel.html", event_selectors.overview_panel, 20)
    )
    register_overview_panel(
        Panel(
            "new-resources",
            "community/resources/_panel.html",
            resource_selectors.overview_panel,
            30,
        )
    )
    register_overview_panel(
        Panel("open-surveys", "community/surveys/_panel.html", survey_selectors.overview_panel, 40)
    )
    register_profile_panel(
        Panel(
            "shared-resources",
            "community/resources/_profile_panel.html",
            resource_selectors.profile_panel,
            40,
        )
    )
    register_provider(
        Provider("resources", _("Library"), resource_selectors.search_resources_section, 30)
    )
    from community.selectors.members import DATA_EXPORTERS

    DATA_EXPORTERS["community_life"] = event_selectors.export_member_life
