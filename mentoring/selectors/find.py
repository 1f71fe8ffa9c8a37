"""Find a mentor / "find me someone": the best partners for one member, sorted by fit,
with a bounded number of queries (no scan of the community)."""

from __future__ import annotations

from dataclasses import dataclass

from community.models import Community, Member
from community.models.communities import MembershipStatus
from mentoring import matching
from mentoring.models import (
    DeclarationKind,
    MentoringBlock,
    MentoringPreferences,
    Mentorship,
    Skill,
    SkillDeclaration,
    StrategicSkill,
)
from mentoring.reasons import Reason, reasons_for

CANDIDATE_LIMIT = 300


@dataclass
class Suggestion:
    member: Member
    weight: int
    reciprocal: bool
    reasons: list[Reason]
    teaches: Skill  # what the member would learn from them


def suggest_partners(
    member: Member, community: Community, *, skill_id: int | None = None, limit: int = 20
) -> list[Suggestion]:
    mine = list(
        SkillDeclaration.objects.filter(member=member, skill__merged_into__isnull=True).values_list(
            "kind", "skill_id", "level", "target_level", "priority"
        )
    )
    learn = {s: (lv, tg, pr) for k, s, lv, tg, pr in mine if k == DeclarationKind.LEARN}
    teach = {s: lv for k, s, lv, _tg, _pr in mine if k == DeclarationKind.TEACH}
    wanted = [skill_id] if skill_id else list(learn)
    if not wanted:
        return []
    # Teachers of what I want, in the community, at or above my level (best first).
    rows = list(
        SkillDeclaration.objects.filter(
            kind=DeclarationKind.TEACH,
            skill_id__in=wanted,
            member__memberships__community=community,
            member__memberships__status=MembershipStatus.ACTIVE,
            member__is_anonymized=False,
        )
        .exclude(member=member)
        .order_by("-level", "member_id")
        .values_list("member_id", "skill_id", "level")[:CANDIDATE_LIMIT]
    )
    ids = sorted({r[0] for r in rows})
    if not ids:
        return []
    back = list(
        SkillDeclaration.objects.filter(
            kind=DeclarationKind.LEARN, member_id__in=ids, skill_id__in=list(teach)
        ).values_list("member_id", "skill_id", "level", "target_level", "priority")
    )
    people = {m.pk: m for m in Member.objects.filter(pk__in=[*ids, member.pk])}
    prefs = {
        p.member_id: p for p in MentoringPreferences.objects.filter(member_id__in=[*ids, member.pk])
    }
    excluded = set(
        MentoringBlock.objects.filter(member=member, blocked_id__in=ids).values_list(
            "blocked_id", flat=True
        )
    ) | set(
        MentoringBlock.objects.filter(blocked=member, member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    for a, b in (
        Mentorship.objects.open().involving(member.pk).values_list("member_a_id", "member_b_id")
    ):
        excluded.add(b if a == member.pk else a)
    strategic = dict(
        StrategicSkill.objects.filter(community=community).values_list("skill_id", "weight")
    )
    me_prefs = prefs.get(member.pk) or MentoringPreferences()
    me_langs = set(member.languages)
    best: dict[int, dict[str, int]] = {}
    for other_id, skill, level in rows:
        if other_id in excluded:
            continue
        other = people[other_id]
        other_prefs = prefs.get(other_id) or MentoringPreferences()
        if me_langs and set(other.languages) and not me_langs & set(other.languages):
            continue
        if (me_prefs.avoid_own_team or other_prefs.avoid_own_team) and (
            member.team and member.team.casefold() == other.team.casefold()
        ):
            continue
        a1, a2 = me_prefs.availability, other_prefs.availability
        if a1 and a2 and not a1 & a2:
            continue
        lv, tg, pr = learn.get(skill, (1, 5, 2))
        w = int(
            matching.arc_weight(
                teacher_level=level,
                learner_level=lv,
                target=tg or 5,
                priority=pr,
                strategic=float(strategic.get(skill, 1)),
            )
        )
        if w > best.get(other_id, {}).get("weight", 0):
            best[other_id] = {
                "skill_id": skill,
                "mentor_level": level,
                "learner_level": lv,
                "weight": w,
            }
    reverse: dict[int, dict[str, int]] = {}
    for other_id, skill, lv, tg, pr in back:
        w = int(
            matching.arc_weight(
                teacher_level=teach[skill],
                learner_level=lv,
                target=tg or 5,
                priority=pr,
                strategic=float(strategic.get(skill, 1)),
            )
        )
        if w > reverse.get(other_id, {}).get("weight", 0):
            reverse[other_id] = {
                "skill_id": skill,
                "mentor_level": teach[skill],
                "learner_level": lv,
                "weight": w,
            }
    skill_names = {
        s.pk: s
        for s in Skill.objects.filter(
            pk__in={d["skill_id"] for d in [*best.values(), *reverse.values()]}
        )
    }
    out = []
    for other_id, d in best.items():
        back_d = reverse.get(other_id)
        weight = matching.pair_value(d["weight"], back_d["weight"] if back_d else 0, 1.0)
        directions = [{"mentor_id": other_id, "learner_id": member.pk, **d}]
        if back_d:
            directions.append({"mentor_id": member.pk, "learner_id": other_id, **back_d})
        names = {member.pk: member.display_name, other_id: people[other_id].display_name}
        out.append(
            Suggestion(
                member=people[other_id],
                weight=weight,
                reciprocal=back_d is not None,
                reasons=reasons_for(
                    directions, member.pk, names, {k: v.name for k, v in skill_names.items()}
                ),
                teaches=skill_names[d["skill_id"]],
            )
        )
    out.sort(key=lambda s: (-s.weight, s.member.display_name, s.member.pk))
    return out[:limit]


__all__ = ["Suggestion", "suggest_partners"]
