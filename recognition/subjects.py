"""Links from kudos to what they are about (a post, a mentoring session, a resource),
only when the viewer may read it. The app that owns a kind of subject registers its
resolver (forums registers posts), so recognition does not import forums models.

A resolver receives the viewer (a User or AnonymousUser) and the kudos of that kind, and
returns ``{about_id: url}`` for the subjects the viewer may read, found in the kudos'
community; it runs a bounded number of queries whatever the number of kudos."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

from community.models import Membership
from community.models.communities import MembershipStatus
from community.models.resources import Resource
from mentoring.models import MentoringSession
from recognition.models import Kudos, KudosAbout

Resolver = Callable[[Any, list[Kudos]], dict[int, str]]
_RESOLVERS: dict[str, Resolver] = {}


def register_subject(about: str, resolver: Resolver) -> None:
    _RESOLVERS[about] = resolver


def attach_subject_urls(viewer: Any, kudos: Iterable[Kudos]) -> None:
    """Set ``subject_url`` on each kudos (None when there is nothing the viewer may
    open): one resolver call per kind present."""
    by_kind: dict[str, list[Kudos]] = {}
    for k in kudos:
        k.subject_url = None  # type: ignore[attr-defined]
        if k.about_id and k.about in _RESOLVERS:
            by_kind.setdefault(k.about, []).append(k)
    for about, rows in by_kind.items():
        urls = _RESOLVERS[about](viewer, rows)
        for k in rows:
            k.subject_url = urls.get(k.about_id or 0)  # type: ignore[attr-defined]


def _viewer_member(viewer: Any) -> Any:
    return getattr(viewer, "member", None) if getattr(viewer, "is_authenticated", False) else None


def resource_urls(viewer: Any, rows: list[Kudos]) -> dict[int, str]:
    """Resources not hidden, in the kudos' community; "members only" ones for its active
    members and animators."""
    member = _viewer_member(viewer)
    member_of: set[int] = set()
    if member is not None:
        member_of = set(
            Membership.objects.filter(member=member, status=MembershipStatus.ACTIVE).values_list(
                "community_id", flat=True
            )
        )
    wanted = Q()
    for k in rows:
        wanted |= Q(pk=k.about_id, community_id=k.community_id)
    found = Resource.objects.filter(wanted, is_hidden=False).select_related("community")
    return {
        r.pk: r.get_absolute_url()
        for r in found
        if r.visibility != "members" or r.community_id in member_of
    }


def session_urls(viewer: Any, rows: list[Kudos]) -> dict[int, str]:
    """A session links to its mentorship's page, for the two members of the pair only."""
    from django.urls import reverse

    member = _viewer_member(viewer)
    if member is None:
        return {}
    wanted = Q()
    for k in rows:
        wanted |= Q(pk=k.about_id, mentorship__community_id=k.community_id)
    found = (
        MentoringSession.objects.filter(wanted)
        .filter(Q(mentorship__member_a=member) | Q(mentorship__member_b=member))
        .values_list("pk", "mentorship_id", "mentorship__community__slug")
    )
    return {
        pk: reverse("mentoring:mentorship-detail", kwargs={"slug": slug, "pk": m_id})
        for pk, m_id, slug in found
    }


register_subject(KudosAbout.RESOURCE, resource_urls)
register_subject(KudosAbout.SESSION, session_urls)
