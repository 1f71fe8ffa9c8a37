"""The newcomer's first week: the welcome page's checklist (ticked from the activity log)
and the animators' view of recent newcomers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community import life
from community.activity import contribution_verbs
from community.models import ActivityEvent, Event, Membership
from community.models.communities import Role
from community.navigation import tabs_for
from community.pagination import KeysetPage, paginate_keyset
from community.permissions import CommunityContext

NEWCOMER_DAYS = 30


@dataclass
class Step:
    key: str
    label: StrOrPromise
    hint: StrOrPromise
    done: bool
    url: str = ""
    action: StrOrPromise = ""


def welcome_checklist(ctx: CommunityContext, next_event: Event | None) -> list[Step]:
    """The first steps, each ticked when the activity log shows it done (one query)."""
    community = ctx.community
    done: set[str] = set()
    if ctx.member is not None:
        here = Q(community=community)
        done = set(
            ActivityEvent.objects.filter(
                Q(here, verb="community.charter_accepted")
                | Q(here, verb=life.FORUMS_TOPIC_CREATED)
                | Q(verb=life.MENTORING_SKILLS_DECLARED)
                | Q(here, verb=life.EVENT_RSVP.key, payload__status="going"),
                actor=ctx.member,
            )
            .values_list("verb", flat=True)
            .distinct()
        )
    tabs = {tab.key: tab.url for tab in tabs_for(ctx, "")}
    steps = []
    if community.charter_version:
        steps.append(
            Step(
                "charter",
                _("Accept the charter"),
                _("How we talk to each other and what we share."),
                "community.charter_accepted" in done
                or bool(ctx.membership and ctx.membership.has_accepted_charter(community)),
                reverse("community:charter", kwargs={"slug": community.slug}),
                _("Read the charter"),
            )
        )
    steps += [
        Step(
            "introduce",
            _("Introduce yourself"),
            _("A few lines in the welcome category: who you are, what you hope to learn."),
            life.FORUMS_TOPIC_CREATED in done,
            tabs.get("forums", ""),
            _("Go to the forums"),
        ),
        Step(
            "skills",
            _("Declare your skills"),
            _("What you can teach and what you want to learn: it finds you a mentoring pair."),
            life.MENTORING_SKILLS_DECLARED in done,
            tabs.get("mentoring", ""),
            _("Declare my skills"),
        ),
        Step(
            "rsvp",
            _("Register for the next event"),
            _("Meeting people is the quickest way to feel at home."),
            life.EVENT_RSVP.key in done,
            next_event.get_absolute_url() if next_event else tabs.get("events", ""),
            _("See the next event"),
        ),
    ]
    return steps


def get_welcome(ctx: CommunityContext) -> dict[str, Any]:
    community = ctx.community
    next_event = (
        Event.objects.filter(community=community, status="scheduled")
        .upcoming()
        .order_by("starts_at", "id")
        .first()
    )
    ambassadors = [
        m.member
        for m in Membership.objects.active()
        .filter(community=community, role__in=[Role.AMBASSADOR, Role.ANIMATOR])
        .select_related("member")
        .order_by("-role", "member__display_name")[:12]
    ]
    charter = community.charters.order_by("-version").first() if community.charter_version else None
    steps = welcome_checklist(ctx, next_event)
    return {
        "next_event": next_event,
        "ambassadors": ambassadors,
        "charter": charter,
        "steps": steps,
        "done_count": sum(1 for s in steps if s.done),
    }


def list_newcomers(
    community: Any,
    *,
    only_silent: bool = False,
    cursor: str | None = None,
    size: int = 50,
    days: int = NEWCOMER_DAYS,
) -> KeysetPage[Membership]:
    """Members who joined in the last ``days`` days, newest first, each with whether they
    have contributed yet (any contribution verb in the activity log, in this community)."""
    since = timezone.now() - timedelta(days=days)
    contributed = ActivityEvent.objects.filter(
        actor=OuterRef("member_id"),
        community=community,
        verb__in=contribution_verbs(),
        occurred_at__gte=OuterRef("joined_at"),
    )
    qs = (
        Membership.objects.active()
        .filter(community=community, joined_at__gte=since)
        .select_related("member")
        .annotate(contributed=Exists(contributed))
    )
    if only_silent:
        qs = qs.filter(contributed=False)
    return paginate_keyset(qs, order=["-joined_at", "-id"], cursor=cursor, size=size)
