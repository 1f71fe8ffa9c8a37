"""Who may do what with events, resources and surveys (on a `CommunityContext`, no
queries beyond what is passed in)."""

from __future__ import annotations

from collections.abc import Collection as Ids
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.permissions import (
    CommunityContext,
    can_animate,
    can_contribute,
    can_read_community,
    can_view_dashboard,
    is_platform_admin,
)

if TYPE_CHECKING:
    from community.models import Event, Registration, Resource


def can_manage_event(ctx: CommunityContext, organiser_ids: Ids[int]) -> bool:
    """Organisers of the event and the community's animators."""
    return can_animate(ctx) or (ctx.member is not None and ctx.member.pk in organiser_ids)


def check_can_manage_event(ctx: CommunityContext, organiser_ids: Ids[int]) -> None:
    if not can_manage_event(ctx, organiser_ids):
        raise PermissionDenied(_("Only the event's organisers and the animators can do this."))


def can_create_event(ctx: CommunityContext) -> bool:
    return can_animate(ctx) or (ctx.role in ("ambassador", "manager") and can_contribute(ctx))


def can_rsvp(ctx: CommunityContext, event: Event) -> bool:
    """Members of the community (or, for open events, anyone logged in who may read it)."""
    if event.is_cancelled or ctx.member is None or ctx.member.is_suspended():
        return False
    if event.members_only:
        return ctx.is_active_member
    return can_read_community(ctx)


def check_can_rsvp(ctx: CommunityContext, event: Event) -> None:
    if not can_rsvp(ctx, event):
        if event.is_cancelled:
            raise PermissionDenied(_("This event is cancelled."))
        raise PermissionDenied(_("This event is for the community's members: join it first."))


def online_link_visible(
    ctx: CommunityContext,
    event: Event,
    registration: Registration | None,
    organiser_ids: Ids[int],
    now: object = None,
) -> bool:
    """Registered members see the link shortly before the start, until the end;
    organisers and animators always."""
    if not event.online_url or event.is_cancelled:
        return False
    if can_manage_event(ctx, organiser_ids):
        return True
    if registration is None or registration.status != "going":
        return False
    moment = now or timezone.now()
    opens = event.starts_at - timedelta(minutes=settings.EVENT_ONLINE_LINK_MINUTES)
    return opens <= moment <= event.ends_at  # type: ignore[operator]


def can_read_resource(ctx: CommunityContext, resource: Resource) -> bool:
    if resource.is_hidden and not can_animate(ctx):
        return False
    if resource.visibility == "members":
        return ctx.is_active_member or can_animate(ctx) or is_platform_admin(ctx.user)
    return can_read_community(ctx)


def can_see_survey_results(ctx: CommunityContext) -> bool:
    return can_view_dashboard(ctx)


def check_can_see_survey_results(ctx: CommunityContext) -> None:
    if not can_see_survey_results(ctx):
        raise PermissionDenied(_("Only the community's animators and managers see the results."))
