"""What members can flag, and how moderation acts on it: the registry of flaggable types.

community/ cannot import the apps built on it, so each app registers the models its
members may flag, in its `AppConfig.ready()`::

    register_flaggable(Post, FlaggableType(
        label=_("forum post"),
        hide=lambda post, reason: ...,       # hide it (placeholder for others)
        restore=lambda post: ...,            # show it again
        is_hidden=lambda post: post.hidden_at is not None,
        author_id=lambda post: post.author_id,
        community=lambda post: post.topic.community,
        excerpt=lambda post: post.body[:200],
        url=lambda post: post.get_absolute_url(),
        context=lambda post: f"{post.topic.title}",
        text=lambda post: post.body,          # the text an animator may edit ("agree and keep")
        edit=lambda post, text, by, reason: ...,
        can_read=lambda ctx, post: ...,       # may this CommunityContext read it?
    ))

The moderation services (`community.services.moderation`) and the admin review queue
only talk to content through these functions. Resources of the library are registered
here; forum posts by forums/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.activity import register_verb
from community.notifications import NotificationKind, register_kind

if TYPE_CHECKING:
    from community.models import Community, Member, Notification


def _no_edit(obj: Any, text: str, by: Member | None, reason: str) -> None:
    raise NotImplementedError


@dataclass(frozen=True)
class FlaggableType:
    label: StrOrPromise
    hide: Callable[[Any, str], None]
    restore: Callable[[Any], None]
    is_hidden: Callable[[Any], bool]
    author_id: Callable[[Any], int | None]
    community: Callable[[Any], Community]
    excerpt: Callable[[Any], str]
    url: Callable[[Any], str]
    context: Callable[[Any], str] = lambda obj: ""
    text: Callable[[Any], str] = lambda obj: ""
    edit: Callable[[Any, str, Any, str], None] = _no_edit
    # May the person of this CommunityContext read the object (the flag page checks it)?
    can_read: Callable[[Any, Any], bool] = lambda ctx, obj: True
    # Related rows to load with the target (e.g. "topic__community"), for the queue.
    select_related: tuple[str, ...] = ()


_TYPES: dict[str, FlaggableType] = {}


def _key(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def register_flaggable(model: type[models.Model], kind: FlaggableType) -> FlaggableType:
    _TYPES[_key(model)] = kind
    return kind


def get_flaggable(obj_or_model: type[models.Model] | models.Model) -> FlaggableType:
    try:
        return _TYPES[_key(obj_or_model)]
    except KeyError:
        raise ValueError(f"{_key(obj_or_model)} cannot be flagged: register it first.") from None


def is_flaggable(obj_or_model: type[models.Model] | models.Model) -> bool:
    return _key(obj_or_model) in _TYPES


def flaggable_models() -> list[str]:
    return sorted(_TYPES)


# --- Activity verbs and notification kinds (docs/activity.md) ------------------------------
FLAGGED = register_verb("moderation.flagged", _("flagged content"))
ACTION = register_verb("moderation.action", _("took a moderation action"))


def _sentence(template: StrOrPromise) -> Callable[[Notification], str]:
    def describe(n: Notification) -> str:
        return str(template) % {
            "title": n.payload.get("title", ""),
            "community": n.payload.get("community", ""),
            "until": n.payload.get("until", ""),
            "reason": n.payload.get("reason", ""),
        }

    return describe


CONTENT_HIDDEN = register_kind(
    NotificationKind(
        "moderation.content_hidden",
        _("Something I wrote is hidden by the moderation"),
        _sentence(_("Your contribution “%(title)s” is hidden for now. Reason: %(reason)s")),
        email_default=True,
    )
)
CONTENT_RESTORED = register_kind(
    NotificationKind(
        "moderation.content_restored",
        _("Something I wrote is shown again after a review"),
        _sentence(_("Your contribution “%(title)s” was reviewed and is visible again.")),
    )
)
CONTENT_EDITED = register_kind(
    NotificationKind(
        "moderation.content_edited",
        _("An animator edits something I wrote"),
        _sentence(_("An animator edited your contribution “%(title)s”. Reason: %(reason)s")),
        email_default=True,
    )
)
SILENCED = register_kind(
    NotificationKind(
        "moderation.silenced",
        _("I am silenced in a community"),
        _sentence(
            _("You can read %(community)s but not post in it until %(until)s. Reason: %(reason)s")
        ),
        email_default=True,
    )
)


def _describe_review_needed(n: Notification) -> str:
    from community.notifications import actor_name

    return str(_("%(name)s flagged content in %(community)s: the review queue awaits you")) % {
        "name": actor_name(n),
        "community": n.payload.get("community", ""),
    }


REVIEW_NEEDED = register_kind(
    NotificationKind(
        "moderation.review_needed",
        _("Members flag content in a community I animate"),
        _describe_review_needed,
        email_default=True,
        grouped=True,
    )
)
SUSPENDED = register_kind(
    NotificationKind(
        "moderation.suspended",
        _("My account is suspended"),
        _sentence(_("Your account is suspended until %(until)s. Reason: %(reason)s")),
        email_default=True,
    )
)


# --- The library's resources ------------------------------------------------------------


def _resource_text(resource: Any) -> str:
    return str(resource.body if resource.kind == "article" else resource.summary)


def _resource_edit(resource: Any, text: str, by: Any, reason: str) -> None:
    from community.markdown import render_markdown
    from community.models import Resource

    if resource.kind == "article":
        resource.body = text
        resource.body_html = render_markdown(text).html
        fields = {"body": resource.body, "body_html": resource.body_html}
    else:
        resource.summary = text[:500]
        fields = {"summary": resource.summary}
    Resource.objects.filter(pk=resource.pk).update(**fields)


def _resource_set_hidden(resource: Any, hidden: bool) -> None:
    from community.models import Resource

    Resource.objects.filter(pk=resource.pk).update(is_hidden=hidden)
    resource.is_hidden = hidden


def _resource_context(resource: Any) -> str:
    parts = [str(resource.get_kind_display()), resource.title]
    if resource.url:
        parts.append(resource.url)
    if resource.kind != "article" and resource.summary:
        parts.append(resource.summary)
    return " · ".join(parts)


def register() -> None:
    from community.life_permissions import can_read_resource
    from community.models import Resource

    register_flaggable(
        Resource,
        FlaggableType(
            label=_("resource"),
            hide=lambda r, reason: _resource_set_hidden(r, True),
            restore=lambda r: _resource_set_hidden(r, False),
            is_hidden=lambda r: bool(r.is_hidden),
            author_id=lambda r: r.author_id,
            community=lambda r: r.community,
            excerpt=lambda r: f"{r.title} — {_resource_text(r)}"[:300],
            url=lambda r: r.get_absolute_url(),
            context=_resource_context,
            text=_resource_text,
            edit=_resource_edit,
            can_read=can_read_resource,
            select_related=("community", "author"),
        ),
    )
