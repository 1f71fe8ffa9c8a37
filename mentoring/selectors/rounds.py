from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Community, Member
from community.pagination import paginate_keyset
from mentoring.models import MatchingRound, RoundPair, RoundParticipant, RoundStatus, Skill
from mentoring.reasons import reasons_for


def list_open_rounds(
    community: Community, member: Member | None
) -> list[tuple[MatchingRound, bool]]:
    rounds = list(
        MatchingRound.objects.filter(community=community)
        .exclude(status=RoundStatus.CLOSED)
        .order_by("-created_at")[:10]
    )
    joined: set[int] = set()
    if member is not None and rounds:
        joined = set(
            RoundParticipant.objects.filter(
                member=member, round_id__in=[r.pk for r in rounds]
            ).values_list("round_id", flat=True)
        )
    return [(r, r.pk in joined) for r in rounds]


def get_round(community: Community, pk: int) -> MatchingRound:
    round_ = (
        MatchingRound.objects.filter(community=community, pk=pk).select_related("community").first()
    )
    if round_ is None:
        raise Http404(_("No such round."))
    return round_


def round_preview(round_: MatchingRound, *, cursor: str | None, size: int = 50) -> dict[str, Any]:
    """A page of the round's pairs with their reasons (3 queries a page)."""
    page = paginate_keyset(
        RoundPair.objects.filter(round=round_), order=["-weight", "id"], cursor=cursor, size=size
    )
    member_ids = {x for p in page.items for x in (p.member_a_id, p.member_b_id)}
    skill_ids = {d["skill_id"] for p in page.items for d in p.directions}
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids)}
    names = {k: m.display_name for k, m in members.items()}
    skills = {s.pk: s.name for s in Skill.objects.filter(pk__in=skill_ids)}
    rows = [
        {
            "pair": p,
            "a": members.get(p.member_a_id),
            "b": members.get(p.member_b_id),
            "reasons": reasons_for(p.directions, None, names, skills),
        }
        for p in page.items
    ]
    return {"page": page, "rows": rows}
