"""Small helpers shared by the views of every app (rendering inside a community)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from community.navigation import tabs_for
from community.permissions import (
    CommunityContext,
    can_accept_invitation,
    can_animate,
    can_contribute,
    can_join,
    can_leave,
    can_read_community,
    can_request_to_join,
    can_view_dashboard,
    contribution_blocked,
)


def community_context_vars(ctx: CommunityContext) -> dict[str, Any]:
    """What every page inside a community needs to draw its header and navigation."""
    return {
        "community": ctx.community,
        "ctx": ctx,
        "membership": ctx.membership,
        "perms": {
            "read": can_read_community(ctx),
            "contribute": can_contribute(ctx),
            "blocked": contribution_blocked(ctx),
            "join": can_join(ctx),
            "request": can_request_to_join(ctx),
            "invited": can_accept_invitation(ctx),
            "leave": can_leave(ctx),
            "animate": can_animate(ctx),
            "dashboard": can_view_dashboard(ctx),
        },
    }


def render_community(
    request: HttpRequest,
    template: str,
    ctx: CommunityContext,
    *,
    tab: str,
    status: int = 200,
    frame: list[Any] | None = None,
    frame_stamps: list[str] | None = None,
    stamps_var: str = "",
    **context: Any,
) -> HttpResponse:
    """Render a page inside a community. With ``frame`` (what changes the page for this
    viewer) and ``frame_stamps`` (the cache keys of the version stamps of what it shows,
    their values joined in ``context[stamps_var]``), a member's page is drawn from its
    cached frame, only its ``{% late %}`` parts rendered (community/frames.py). (Most
    anonymous forum pages never get here: the anonymous cache serves them whole.)"""
    data = community_context_vars(ctx)
    # Lazy: a page drawn from its frame does not draw the tabs again.
    data["tabs"] = SimpleLazyObject(lambda: tabs_for(ctx, tab))
    data.update(context)
    if frame is not None:
        from community import frames

        membership = ctx.membership
        viewer = [
            getattr(membership, "role", ""),
            getattr(membership, "status", ""),
            getattr(membership, "accepted_charter_version", ""),
            getattr(ctx.parent_membership, "status", ""),
            "staff" if getattr(ctx.user, "is_staff", False) else "",
            "in" if ctx.user.is_authenticated else "out",
            sorted((k, str(v)) for k, v in data["perms"].items()),
        ]
        from community import fragments

        return frames.render_framed(
            request,
            template,
            data,
            [*frame, *viewer],
            stamp_keys=frame_stamps or [],
            stamps_var=stamps_var,
            prefetch=fragments.prefetch_keys(ctx.member.pk) if ctx.member else [],
            status=status,
        )
    if frame_stamps and stamps_var:
        from community.frames import current_stamps

        data[stamps_var] = ".".join(current_stamps(frame_stamps))
    return render(request, template, data, status=status)


def error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default
