from __future__ import annotations

from django.db.models import Q

from community.models import Member
from mentoring.models import DeclarationKind, Skill, SkillDeclaration


def list_skills() -> list[Skill]:
    """The active vocabulary with its domains (a few hundred rows: one query)."""
    return list(
        Skill.objects.active().select_related("domain").order_by("domain__position", "slug")
    )


def search_skills(text: str, *, limit: int = 10) -> list[Skill]:
    text = text.strip()[:60]
    if not text:
        return []
    return list(
        Skill.objects.active()
        .filter(Q(name_fr__icontains=text) | Q(name_en__icontains=text) | Q(slug__icontains=text))
        .select_related("domain")
        .order_by("slug")[:limit]
    )


def member_declarations(member: Member) -> dict[str, list[SkillDeclaration]]:
    rows = (
        SkillDeclaration.objects.filter(member=member, skill__merged_into__isnull=True)
        .select_related("skill", "skill__domain")
        .order_by("-level", "skill__slug")
    )
    out: dict[str, list[SkillDeclaration]] = {DeclarationKind.TEACH: [], DeclarationKind.LEARN: []}
    for row in rows:
        out[row.kind].append(row)
    return out
