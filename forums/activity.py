"""The activity verbs and notification kinds of forums/ (registered in ready()).

The verbs follow the shared contract (docs/activity.md): recognition and analytics read
them from the activity log only."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.activity import register_verb
from community.models import Notification
from community.notifications import NotificationKind, actor_name, register_kind

TOPIC_CREATED = register_verb("forums.topic_created", _("opened a forum topic"), contribution=True)
POST_CREATED = register_verb("forums.post_created", _("replied in the forums"), contribution=True)
REACTION_ADDED = register_verb("forums.reaction_added", _("reacted to a post"))
ANSWER_ACCEPTED = register_verb("forums.answer_accepted", _("accepted an answer"))
POST_EDITED = register_verb("forums.post_edited", _("edited a post"))


def _title(n: Notification) -> str:
    return str(n.payload.get("title", ""))


def _mention(n: Notification) -> str:
    return gettext("%(name)s mentioned you in “%(title)s”") % {
        "name": actor_name(n),
        "title": _title(n),
    }


def _reply(n: Notification) -> str:
    return gettext("%(name)s replied to you in “%(title)s”") % {
        "name": actor_name(n),
        "title": _title(n),
    }


def _watched_reply(n: Notification) -> str:
    return gettext("%(name)s posted in “%(title)s”") % {"name": actor_name(n), "title": _title(n)}


def _new_topic(n: Notification) -> str:
    return gettext("%(name)s opened “%(title)s” in %(category)s") % {
        "name": actor_name(n),
        "title": _title(n),
        "category": n.payload.get("category", ""),
    }


def _accepted(n: Notification) -> str:
    return gettext("%(name)s accepted your answer to “%(title)s”") % {
        "name": actor_name(n),
        "title": _title(n),
    }


def _reaction(n: Notification) -> str:
    return gettext("%(name)s reacted to your post in “%(title)s”") % {
        "name": actor_name(n),
        "title": _title(n),
    }


MENTION = register_kind(
    NotificationKind(
        "forums.mention", _("Someone mentions me in the forums"), _mention, email_default=True
    )
)
REPLY = register_kind(
    NotificationKind(
        "forums.reply", _("Someone replies to my topic or post"), _reply, email_default=True
    )
)
WATCHED_REPLY = register_kind(
    NotificationKind(
        "forums.watched_reply",
        _("A new post in a topic I follow"),
        _watched_reply,
        grouped=True,
    )
)
NEW_TOPIC = register_kind(
    NotificationKind("forums.new_topic", _("A new topic in a category or tag I watch"), _new_topic)
)
ANSWER_ACCEPTED_KIND = register_kind(
    NotificationKind(
        "forums.answer_accepted",
        _("My answer is accepted"),
        _accepted,
        email_default=True,
    )
)
REACTION = register_kind(
    NotificationKind("forums.reaction", _("Someone reacts to my post"), _reaction, grouped=True)
)
