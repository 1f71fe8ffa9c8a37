"""The activity verbs and notification kinds of mentoring/ (registered in ready())."""

from __future__ import annotations

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from community.activity import register_verb
from community.models import Notification
from community.notifications import NotificationKind, actor_name, register_kind

SKILLS_DECLARED = register_verb("mentoring.skills_declared", _("declared their skills"))
MENTORSHIP_REQUESTED = register_verb(
    "mentoring.mentorship_requested", _("asked someone for mentoring")
)
MENTORSHIP_STARTED = register_verb(
    "mentoring.mentorship_started", _("started a mentorship"), contribution=True
)
SESSION_HELD = register_verb(
    "mentoring.session_held", _("held a mentoring session"), contribution=True
)
MENTORSHIP_COMPLETED = register_verb("mentoring.mentorship_completed", _("completed a mentorship"))
MENTORSHIP_ENDED = register_verb("mentoring.mentorship_ended", _("ended a mentorship early"))
SKILL_LEVEL_RAISED = register_verb("mentoring.skill_level_raised", _("raised a skill level"))


def _request(n: Notification) -> str:
    french = (get_language() or "fr").startswith("fr")
    skill = n.payload.get("skill_fr" if french else "skill", n.payload.get("skill", ""))
    return gettext("%(name)s asks you for mentoring in %(skill)s") % {
        "name": actor_name(n),
        "skill": skill,
    }


def _accepted(n: Notification) -> str:
    return gettext("%(name)s accepted: your mentorship starts") % {"name": actor_name(n)}


def _proposal(n: Notification) -> str:
    return gettext("A mentoring partner is proposed to you: %(name)s") % {
        "name": n.payload.get("partner", "")
    }


def _reminder(n: Notification) -> str:
    return gettext("You and %(name)s have not met for %(days)s days: plan your next session") % {
        "name": n.payload.get("partner", ""),
        "days": n.payload.get("days", ""),
    }


def _round_results(n: Notification) -> str:
    return gettext("The round “%(title)s” is computed: %(pairs)s pairs to review") % {
        "title": n.payload.get("title", ""),
        "pairs": n.payload.get("pairs", 0),
    }


REQUEST = register_kind(
    NotificationKind(
        "mentoring.request", _("Someone asks me for mentoring"), _request, email_default=True
    )
)
ACCEPTED = register_kind(
    NotificationKind(
        "mentoring.accepted", _("My mentoring partner accepts"), _accepted, email_default=True
    )
)
PROPOSAL = register_kind(
    NotificationKind(
        "mentoring.proposal",
        _("A matching round proposes me a partner"),
        _proposal,
        email_default=True,
    )
)
REMINDER = register_kind(
    NotificationKind(
        "mentoring.reminder", _("My mentoring pair has not met for a while"), _reminder
    )
)
ROUND_RESULTS = register_kind(
    NotificationKind(
        "mentoring.round_results", _("A matching round I run is computed"), _round_results
    )
)
