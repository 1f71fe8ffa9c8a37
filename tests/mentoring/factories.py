"""Factories of mentoring/ tests: skills are made by the service (with their tag)."""

from __future__ import annotations

import itertools

from community.models import Member
from mentoring.models import DeclarationKind, Domain, MentoringPreferences, Skill, SkillDeclaration
from mentoring.services.skills import create_skill

_counter = itertools.count()


def make_domain(slug: str | None = None, name: str | None = None) -> Domain:
    n = next(_counter)
    slug = slug or f"domain-{n}"
    return Domain.objects.get_or_create(
        slug=slug, defaults={"name_fr": name or f"Domaine {n}", "name_en": name or f"Domain {n}"}
    )[0]


def make_skill(
    name_en: str | None = None,
    *,
    name_fr: str | None = None,
    domain: Domain | None = None,
    slug: str | None = None,
) -> Skill:
    n = next(_counter)
    name_en = name_en or f"Skill {n}"
    return create_skill(
        domain=domain or make_domain(),
        slug=slug or f"{name_en.lower().replace(' ', '-')}-{n}",
        name_fr=name_fr or f"{name_en} (fr)",
        name_en=name_en,
    )


def teaches(member: Member, skill: Skill, level: int = 4) -> SkillDeclaration:
    return SkillDeclaration.objects.create(
        member=member, skill=skill, kind=DeclarationKind.TEACH, level=level
    )


def learns(
    member: Member, skill: Skill, level: int = 2, target: int = 4, priority: int = 3
) -> SkillDeclaration:
    return SkillDeclaration.objects.create(
        member=member,
        skill=skill,
        kind=DeclarationKind.LEARN,
        level=level,
        target_level=target,
        priority=priority,
    )


def prefs(member: Member, **values: object) -> MentoringPreferences:
    return MentoringPreferences.objects.update_or_create(member=member, defaults=values)[0]
