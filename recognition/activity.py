"""The activity verbs and notification kinds of recognition/ (registered in ready())."""

from __future__ import annotations

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from community.activity import register_verb
from community.models import Notification
from community.notifications import NotificationKind, actor_name, register_kind

BADGE_GRANTED = register_verb("recognition.badge_granted", _("earned a badge"))
BADGE_REVOKED = register_verb("recognition.badge_revoked", _("revoked a badge"))
KUDOS_GIVEN = register_verb("recognition.kudos_given", _("thanked someone"), contribution=True)
SKILL_ENDORSED = register_verb("recognition.skill_endorsed", _("endorsed a skill"))


def _french() -> bool:
    return not (get_language() or "fr").startswith("en")


def _badge(n: Notification) -> str:
    name = n.payload.get("badge_fr" if _french() else "badge", n.payload.get("badge", ""))
    return gettext("You earned the badge “%(badge)s”") % {"badge": name}


def _kudos(n: Notification) -> str:
    return gettext("%(name)s thanks you: “%(message)s”") % {
        "name": actor_name(n),
        "message": n.payload.get("message", ""),
    }


def _endorsed(n: Notification) -> str:
    skill = n.payload.get("skill_fr" if _french() else "skill", n.payload.get("skill", ""))
    return gettext("%(name)s endorsed your level %(level)s in %(skill)s") % {
        "name": actor_name(n),
        "level": n.payload.get("level", ""),
        "skill": skill,
    }


BADGE_KIND = register_kind(
    NotificationKind("recognition.badge", _("I earn a badge"), _badge, email_default=False)
)
KUDOS_KIND = register_kind(
    NotificationKind("recognition.kudos", _("Someone thanks me with kudos"), _kudos)
)
ENDORSED_KIND = register_kind(
    NotificationKind(
        "recognition.endorsed", _("A skill of mine is endorsed"), _endorsed, email_default=True
    )
)
