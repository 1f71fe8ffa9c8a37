"""Typed requests: what our middleware puts on every request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from community.models import Member, User


class Request(HttpRequest):
    htmx: HtmxDetails
    member: Member | None  # set by community.middleware.MemberMiddleware


class MemberRequest(Request):
    """A request from a logged-in person (views behind ``login_required``)."""

    user: User
    member: Member
