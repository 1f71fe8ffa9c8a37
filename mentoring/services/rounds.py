"""Matching rounds: volunteers, pins, computation (in Celery) and publication."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Community, Member
from community.models.accounts import SPOKEN_LANGUAGES
from community.models.communities import MembershipStatus
from community.services.notifications import notify
from mentoring import matching
from mentoring.models import (
    DeclarationKind,
    MatchingRound,
    MentoringPreferences,
    Mentorship,
    MentorshipStatus,
    PinKind,
    RoundPair,
    RoundParticipant,
    RoundPin,
    RoundStatus,
    SkillDeclaration,
    StrategicSkill,
)
from mentoring.services.mentorships import create_mentorship
from mentoring.services.skills import blocked_pairs

LANGUAGE_BITS = {code: 1 << i for i, (code, _label) in enumerate(SPOKEN_LANGUAGES)}


def round_url(round_: MatchingRound) -> str:
    return reverse(
        "mentoring:round-detail", kwargs={"slug": round_.community.slug, "pk": round_.pk}
    )


@transaction.atomic
def create_round(
    *,
    community: Community,
    title: str,
    by: Member | None,
    description: str = "",
    reciprocity_bonus: float = 1.0,
    closes_on: Any = None,
) -> MatchingRound:
    round_ = MatchingRound(
        community=community,
        title=title,
        description=description,
        reciprocity_bonus=reciprocity_bonus,
        closes_on=closes_on,
        created_by=by,
    )
    round_.full_clean()
    round_.save()
    return round_


@transaction.atomic
def set_volunteer(*, round_: MatchingRound, member: Member, on: bool) -> bool:
    """Join (or leave) a round's cohort while it is open to volunteers."""
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.DRAFT:
        raise ValidationError(_("This round no longer takes volunteers."))
    if not member.memberships.filter(
        community_id=round_.community_id, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("Join the community to take part."))
    if on:
        RoundParticipant.objects.get_or_create(round=round_, member=member)
    else:
        RoundParticipant.objects.filter(round=round_, member=member).delete()
    MatchingRound.objects.filter(pk=round_.pk).update(
        volunteer_count=RoundParticipant.objects.filter(round=round_).count()
    )
    return on


@transaction.atomic
def set_pin(
    *, round_: MatchingRound, member_a: Member, member_b: Member, kind: str | None
) -> RoundPin | None:
    """Force or forbid a pair in the next computation (``kind`` None removes the pin)."""
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.PREVIEW):
        raise ValidationError(_("Pins can change until the round is published."))
    if member_a.pk == member_b.pk:
        raise ValidationError(_("Choose two different members."))
    cohort = set(
        RoundParticipant.objects.filter(
            round=round_, member_id__in=[member_a.pk, member_b.pk]
        ).values_list("member_id", flat=True)
    )
    if cohort != {member_a.pk, member_b.pk}:
        raise ValidationError(_("Both members must be volunteers of this round."))
    a, b = sorted([member_a.pk, member_b.pk])
    if kind is None:
        RoundPin.objects.filter(round=round_, member_a_id=a, member_b_id=b).delete()
        return None
    if kind not in PinKind.values:
        raise ValidationError(_("Choose whether to pair them or never pair them."))
    pin, _created = RoundPin.objects.update_or_create(
        round=round_, member_a_id=a, member_b_id=b, defaults={"kind": kind}
    )
    return pin


def load_matching_input(
    *,
    community: Community,
    member_ids: Sequence[int],
    forced: Sequence[tuple[int, int]] = (),
    forbidden: Sequence[tuple[int, int]] = (),
) -> matching.MatchingInput:
    """The cohort's declarations and preferences as arrays, in a handful of queries."""
    ids = sorted(set(member_ids))
    pos = {member_id: i for i, member_id in enumerate(ids)}
    people = {
        m_id: (langs, team)
        for m_id, langs, team in Member.objects.filter(pk__in=ids).values_list(
            "pk", "languages", "team"
        )
    }
    prefs = {
        p[0]: p[1:]
        for p in MentoringPreferences.objects.filter(member_id__in=ids).values_list(
            "member_id", "availability", "mentor_capacity", "learner_capacity", "avoid_own_team"
        )
    }
    teams: dict[str, int] = {}
    n = len(ids)
    lang = np.zeros(n, dtype=np.int64)
    team = np.full(n, -1, dtype=np.int64)
    avoid = np.zeros(n, dtype=bool)
    avail = np.zeros(n, dtype=np.int64)
    cap_m = np.ones(n, dtype=np.int64)
    cap_l = np.ones(n, dtype=np.int64)
    for i, member_id in enumerate(ids):
        langs, team_name = people.get(member_id, ([], ""))
        lang[i] = sum(LANGUAGE_BITS.get(code, 0) for code in set(langs or []))
        if team_name:
            team[i] = teams.setdefault(team_name.strip().casefold(), len(teams))
        if member_id in prefs:
            avail[i], cap_m[i], cap_l[i], avoid[i] = prefs[member_id]
    # Pairs already together (open mentorships) are not proposed again.
    together = Mentorship.objects.open().filter(member_a_id__in=ids, member_b_id__in=ids)
    excluded = set(together.values_list("member_a_id", "member_b_id"))
    excluded |= blocked_pairs(ids)
    excluded |= {(min(a, b), max(a, b)) for a, b in forbidden}
    # Open mentorships use capacity.
    for a, b in (
        Mentorship.objects.open()
        .filter(member_a_id__in=ids)
        .values_list("member_a_id", "member_b_id")
        .union(
            Mentorship.objects.open()
            .filter(member_b_id__in=ids)
            .values_list("member_a_id", "member_b_id")
        )
    ):
        for m_id in (a, b):
            if m_id in pos:
                cap_m[pos[m_id]] = max(cap_m[pos[m_id]] - 1, 0)
                cap_l[pos[m_id]] = max(cap_l[pos[m_id]] - 1, 0)
    rows = list(
        SkillDeclaration.objects.filter(member_id__in=ids, skill__merged_into__isnull=True)
        .order_by("member_id", "kind", "skill_id")
        .values_list("member_id", "kind", "skill_id", "level", "target_level", "priority")
    )
    teach = [r for r in rows if r[1] == DeclarationKind.TEACH]
    learn = [r for r in rows if r[1] == DeclarationKind.LEARN]
    weights = {
        skill_id: float(weight)
        for skill_id, weight in StrategicSkill.objects.filter(community=community).values_list(
            "skill_id", "weight"
        )
    }

    def col(data: list[tuple[Any, ...]], index: int, default: int = 0) -> np.ndarray:
        return np.array(
            [pos[r[0]] if index == 0 else (r[index] or default) for r in data], dtype=np.int64
        )

    return matching.MatchingInput(
        member_ids=np.array(ids, dtype=np.int64),
        lang=lang,
        team=team,
        avoid_team=avoid,
        avail=avail,
        cap_mentor=cap_m,
        cap_learner=cap_l,
        teach_member=col(teach, 0),
        teach_skill=col(teach, 2),
        teach_level=col(teach, 3),
        learn_member=col(learn, 0),
        learn_skill=col(learn, 2),
        learn_level=col(learn, 3),
        learn_target=col(learn, 4, 5),
        learn_priority=col(learn, 5, 2),
        skill_weight=weights,
        forbidden=[(pos[a], pos[b]) for a, b in excluded if a in pos and b in pos],
        forced=[(pos[a], pos[b]) for a, b in forced if a in pos and b in pos],
    )


def pair_directions(pair: matching.Pair, ids: np.ndarray) -> list[dict[str, int]]:
    return [
        {
            "mentor_id": int(ids[d.mentor]),
            "learner_id": int(ids[d.learner]),
            "skill_id": d.skill,
            "mentor_level": d.mentor_level,
            "learner_level": d.learner_level,
            "weight": d.weight,
        }
        for d in pair.directions
    ]


@transaction.atomic
def start_computation(
    *, round_: MatchingRound, by: Member | None, enqueue: bool = True
) -> MatchingRound:
    """Queue the computation (never inside the request): the page then shows progress.
    ``enqueue=False`` leaves the running to the caller (the demo seeding, a shell)."""
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.PREVIEW):
        raise ValidationError(_("This round has been published already."))
    if round_.volunteer_count < 2:
        raise ValidationError(_("A round needs at least two volunteers."))
    round_.status = RoundStatus.COMPUTING
    round_.progress = 0
    round_.progress_note = _("Waiting for a worker…")
    round_.save(update_fields=["status", "progress", "progress_note"])
    if enqueue:
        from mentoring.tasks import compute_round_task

        transaction.on_commit(lambda: compute_round_task.delay(round_.pk))
    return round_


def _progress(round_id: int, percent: int, note: str) -> None:
    MatchingRound.objects.filter(pk=round_id).update(progress=percent, progress_note=note)


def compute_round(*, round_id: int, report: Callable[[int, int, str], None] = _progress) -> int:
    """Compute a round's pairs (the Celery task's body). Idempotent: it works only on a
    round in "computing", and the same cohort gives the same pairs. Returns pairs."""
    round_ = MatchingRound.objects.select_related("community", "created_by").get(pk=round_id)
    if round_.status != RoundStatus.COMPUTING:
        return 0
    report(round_id, 10, _("Reading the volunteers' skills…"))
    member_ids = list(
        RoundParticipant.objects.filter(round=round_).values_list("member_id", flat=True)
    )
    pins = list(
        RoundPin.objects.filter(round=round_).values_list("member_a_id", "member_b_id", "kind")
    )
    data = load_matching_input(
        community=round_.community,
        member_ids=member_ids,
        forced=[(a, b) for a, b, kind in pins if kind == PinKind.FORCE],
        forbidden=[(a, b) for a, b, kind in pins if kind == PinKind.FORBID],
    )
    report(round_id, 30, _("Finding the best pairs for the whole cohort…"))
    result = matching.match(data, lam=float(round_.reciprocity_bonus))
    report(round_id, 90, _("Saving the proposals…"))
    ids = data.member_ids
    with transaction.atomic():
        locked = MatchingRound.objects.select_for_update().get(pk=round_id)
        if locked.status != RoundStatus.COMPUTING:
            return 0
        RoundPair.objects.filter(round=locked).delete()
        RoundPair.objects.bulk_create(
            [
                RoundPair(
                    round=locked,
                    member_a_id=int(ids[p.a]),
                    member_b_id=int(ids[p.b]),
                    weight=p.weight,
                    reciprocal=p.reciprocal,
                    forced=p.forced,
                    directions=pair_directions(p, ids),
                )
                for p in result.pairs
            ]
        )
        matched = {int(ids[x]) for p in result.pairs for x in (p.a, p.b)}
        locked.status = RoundStatus.PREVIEW
        locked.progress = 100
        locked.progress_note = ""
        locked.computed_at = timezone.now()
        locked.stats = {
            "volunteers": len(member_ids),
            "candidates": result.arcs,
            "pairs": len(result.pairs),
            "reciprocal": result.reciprocal_pairs,
            "matched": len(matched),
            "total_weight": result.objective,
            "seconds": round(result.seconds, 2),
            "unmet_pins": [[int(ids[a]), int(ids[b])] for a, b in result.unmet_pins],
        }
        locked.save(update_fields=["status", "progress", "progress_note", "computed_at", "stats"])
        if locked.created_by_id:
            notify(
                recipients=[locked.created_by_id],
                kind="mentoring.round_results",
                community=locked.community,
                target=locked,
                payload={
                    "url": round_url(locked),
                    "title": locked.title,
                    "pairs": len(result.pairs),
                },
            )
    return len(result.pairs)


@transaction.atomic
def publish_round(
    *, round_: MatchingRound, by: Member | None, enqueue: bool = True
) -> MatchingRound:
    """Publish the preview: the proposals are created and members told, in Celery."""
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.PREVIEW:
        raise ValidationError(_("Compute the round and review the preview before publishing."))
    round_.status = RoundStatus.PUBLISHED
    round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at"])
    if enqueue:
        from mentoring.tasks import create_round_proposals_task

        transaction.on_commit(lambda: create_round_proposals_task.delay(round_.pk))
    return round_


def create_round_proposals(*, round_id: int) -> int:
    """One proposed mentorship per pair of a published round, and a notification to each
    member. Safe to run twice (pairs already proposed are skipped)."""
    round_ = MatchingRound.objects.select_related("community").get(pk=round_id)
    if round_.status != RoundStatus.PUBLISHED:
        return 0
    created = 0
    names = dict(
        Member.objects.filter(
            pk__in=[x for p in round_.pairs.values_list("member_a_id", "member_b_id") for x in p]
        ).values_list("pk", "display_name")
    )
    for pair in round_.pairs.order_by("-weight", "id"):
        with transaction.atomic():
            if (
                Mentorship.objects.open()
                .filter(member_a_id=pair.member_a_id, member_b_id=pair.member_b_id)
                .exists()
            ):
                continue
            try:
                mentorship = create_mentorship(
                    community=round_.community,
                    directions=pair.directions,
                    status=MentorshipStatus.PROPOSED,
                    round_id=round_.pk,
                    weight=pair.weight,
                )
            except ValidationError:
                continue
            url = reverse(
                "mentoring:mentorship-detail",
                kwargs={"slug": round_.community.slug, "pk": mentorship.pk},
            )
            for me, other in (
                (pair.member_a_id, pair.member_b_id),
                (pair.member_b_id, pair.member_a_id),
            ):
                notify(
                    recipients=[me],
                    kind="mentoring.proposal",
                    community=round_.community,
                    target=mentorship,
                    payload={"url": url, "partner": names.get(other, "")},
                )
            created += 1
    return created
