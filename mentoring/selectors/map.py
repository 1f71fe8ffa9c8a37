"""The expertise map of a community: who can teach and who wants to learn what, at which
levels, where the shortages are, and the ambassadors per domain (4 queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from community.models import Community, Member
from community.models.communities import MembershipStatus
from mentoring.models import DeclarationKind, Domain, DomainAmbassador, Skill, SkillDeclaration


@dataclass
class SkillRow:
    skill: Skill
    teach_levels: list[int] = field(default_factory=lambda: [0] * 5)
    learners: int = 0

    @property
    def teachers(self) -> int:
        return sum(self.teach_levels)

    @property
    def balance(self) -> int:
        return self.teachers - self.learners

    @property
    def shortage(self) -> bool:
        return self.learners > self.teachers

    def heat(self, peak: int) -> list[tuple[int, int]]:
        """(count, intensity 0–5) for teachers at levels 1–5, then learners."""
        peak = max(peak, 1)
        counts = [*self.teach_levels, self.learners]
        return [(c, 0 if c == 0 else 1 + min(4, (4 * c) // peak)) for c in counts]


@dataclass
class DomainBlock:
    domain: Domain
    skills: list[SkillRow]
    ambassadors: list[Member]


def _members(community: Community, site: str, team: str) -> QuerySet[Member]:
    qs = Member.objects.filter(
        memberships__community=community, memberships__status=MembershipStatus.ACTIVE
    )
    if site:
        qs = qs.filter(site=site)
    if team:
        qs = qs.filter(team=team)
    return qs


def _endorsed_level(community: Community) -> Any:
    """The highest level recognition endorsed for the declaration's member and skill in
    this community (a subquery, so the map keeps its query count), or 0."""
    if not apps.is_installed("recognition"):
        return Value(0, output_field=IntegerField())
    endorsement = apps.get_model("recognition", "Endorsement")
    best = (
        endorsement.objects.filter(
            community=community, member=OuterRef("member_id"), skill=OuterRef("skill_id")
        )
        .values("member")
        .annotate(top=Max("level"))
        .values("top")
    )
    return Coalesce(Subquery(best, output_field=IntegerField()), 0)


def expertise_map(community: Community, *, site: str = "", team: str = "") -> dict[str, Any]:
    """Counts per skill and level; a level a mentor or an animator endorsed counts as the
    member's level when higher than the declared one."""
    counts = (
        SkillDeclaration.objects.filter(
            member__in=_members(community, site, team), skill__merged_into__isnull=True
        )
        .annotate(effective=Greatest("level", _endorsed_level(community)))
        .values("skill_id", "kind", "effective")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows: dict[int, SkillRow] = {}
    skills = {s.pk: s for s in Skill.objects.active().select_related("domain")}
    for c in counts:
        skill = skills.get(c["skill_id"])
        if skill is None:
            continue
        row = rows.setdefault(skill.pk, SkillRow(skill))
        if c["kind"] == DeclarationKind.TEACH:
            row.teach_levels[c["effective"] - 1] += c["n"]
        else:
            row.learners += c["n"]
    ambassadors: dict[int, list[Member]] = {}
    for amb in (
        DomainAmbassador.objects.filter(community=community)
        .select_related("member")
        .order_by("member__display_name")
    ):
        ambassadors.setdefault(amb.domain_id, []).append(amb.member)
    blocks: dict[int, DomainBlock] = {}
    for row in sorted(rows.values(), key=lambda r: (-(r.teachers + r.learners), r.skill.slug)):
        domain = row.skill.domain
        block = blocks.setdefault(
            domain.pk, DomainBlock(domain, [], ambassadors.get(domain.pk, []))
        )
        block.skills.append(row)
    for domain_id, people in ambassadors.items():
        if domain_id not in blocks:
            found = next((s.domain for s in skills.values() if s.domain_id == domain_id), None)
            if found is not None:
                blocks[domain_id] = DomainBlock(found, [], people)
    ordered = sorted(blocks.values(), key=lambda b: (b.domain.position, b.domain.slug))
    peak = max([max([*r.teach_levels, r.learners]) for r in rows.values()] or [1])
    for block in ordered:
        for row in block.skills:
            row.cells = row.heat(peak)  # type: ignore[attr-defined]
    return {"domains": ordered, "peak": peak, "skill_count": len(rows)}


def skill_people(
    community: Community, skill: Skill, *, site: str = "", team: str = ""
) -> dict[str, list[SkillDeclaration]]:
    """The people behind a cell of the map (bounded lists); ``endorsed`` is the level a
    mentor or an animator endorsed (0 when none), ``effective`` the higher of the two."""
    base = (
        SkillDeclaration.objects.filter(skill=skill, member__in=_members(community, site, team))
        .select_related("member")
        .annotate(endorsed=_endorsed_level(community))
        .annotate(effective=Greatest("level", "endorsed"))
        .order_by("-effective", "member__display_name")
    )
    return {
        "teach": list(base.filter(kind=DeclarationKind.TEACH)[:200]),
        "learn": list(base.filter(kind=DeclarationKind.LEARN)[:200]),
    }
