from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from community.models import Community, Member
from community.services.activity import record_activity
from mentoring.models import (
    DeclarationKind,
    Domain,
    MentoringPreferences,
    MentoringSession,
    MentorshipDirection,
    Skill,
    SkillDeclaration,
    StrategicSkill,
)

MAX_DECLARATIONS = 12  # per kind: enough to describe oneself, few enough to stay honest


@dataclass(frozen=True)
class Teach:
    skill_id: int
    level: int


@dataclass(frozen=True)
class Learn:
    skill_id: int
    level: int
    target_level: int
    priority: int = 2


def skill_tag(slug: str) -> Tag:
    """The taggit Tag a skill is: forum and resource tags share its slug."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        name = slug
        if Tag.objects.filter(name=name).exists():
            name = f"{slug}-skill"
        tag = Tag.objects.create(name=name, slug=slug)
    return tag


@transaction.atomic
def create_skill(
    *,
    domain: Domain,
    slug: str,
    name_fr: str,
    name_en: str,
    esco_uri: str = "",
    rome_code: str = "",
    description: str = "",
) -> Skill:
    skill = Skill(
        domain=domain,
        slug=slug,
        name_fr=name_fr,
        name_en=name_en,
        esco_uri=esco_uri,
        rome_code=rome_code,
        description=description,
    )
    skill.tag = skill_tag(slug)
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def merge_skills(*, source: Skill, target: Skill) -> int:
    """Fold ``source`` into ``target`` without losing anything: declarations move (when a
    member declared both, the higher level and priority stay), mentorship directions,
    session skills, strategic weights and tagged items follow, and ``source`` is kept
    as an alias (merged_into) so that old links still resolve. Returns declarations moved."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose two different skills to merge."))
    if target.merged_into_id is not None:
        raise ValidationError(_("The skill to keep has itself been merged: choose the other."))
    moved = 0
    for decl in SkillDeclaration.objects.select_for_update().filter(skill=source):
        twin = SkillDeclaration.objects.filter(
            member_id=decl.member_id, skill=target, kind=decl.kind
        ).first()
        if twin is None:
            decl.skill = target
            decl.save(update_fields=["skill"])
        else:
            twin.level = max(twin.level, decl.level)
            twin.priority = max(twin.priority, decl.priority)
            if decl.target_level or twin.target_level:
                twin.target_level = max(twin.target_level or 0, decl.target_level or 0)
            twin.save(update_fields=["level", "priority", "target_level"])
            decl.delete()
        moved += 1
    MentorshipDirection.objects.filter(skill=source).update(skill=target)
    through = MentoringSession.skills.through
    session_ids = list(
        through.objects.filter(skill=source).values_list("mentoringsession_id", flat=True)
    )
    through.objects.bulk_create(
        [through(mentoringsession_id=s, skill=target) for s in session_ids], ignore_conflicts=True
    )
    through.objects.filter(skill=source).delete()
    for strategic in StrategicSkill.objects.filter(skill=source):
        if StrategicSkill.objects.filter(
            community_id=strategic.community_id, skill=target
        ).exists():
            strategic.delete()
        else:
            strategic.skill = target
            strategic.save(update_fields=["skill"])
    for item in TaggedItem.objects.filter(tag=source.tag):
        duplicate = TaggedItem.objects.filter(
            tag=target.tag, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if duplicate:
            item.delete()
        else:
            item.tag = target.tag
            item.save(update_fields=["tag"])
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    Skill.objects.filter(merged_into=source).update(merged_into=target)
    return moved


@transaction.atomic
def declare_skills(
    *,
    member: Member,
    community: Community | None,
    teach: Sequence[Teach],
    learn: Sequence[Learn],
) -> None:
    """Replace the member's declarations with these. A learner's raised level is recorded
    (`mentoring.skill_level_raised`)."""
    errors = []
    if len(teach) > MAX_DECLARATIONS or len(learn) > MAX_DECLARATIONS:
        errors.append(_("Declare at most %(n)d skills of each kind.") % {"n": MAX_DECLARATIONS})
    teach_ids = [t.skill_id for t in teach]
    learn_ids = [lrn.skill_id for lrn in learn]
    if len(set(teach_ids)) != len(teach_ids) or len(set(learn_ids)) != len(learn_ids):
        errors.append(_("Each skill appears once in each list."))
    if set(teach_ids) & set(learn_ids):
        errors.append(_("A skill cannot be both one you teach and one you want to learn."))
    for t in teach:
        if not 1 <= t.level <= 5:
            errors.append(_("Levels go from 1 (novice) to 5 (expert)."))
    for lrn in learn:
        if not (1 <= lrn.level <= 5 and 1 <= lrn.target_level <= 5 and 1 <= lrn.priority <= 3):
            errors.append(_("Levels go from 1 (novice) to 5 (expert)."))
        elif lrn.target_level <= lrn.level:
            errors.append(_("The level you aim for must be above your current level."))
    known = set(
        Skill.objects.active().filter(pk__in=teach_ids + learn_ids).values_list("pk", flat=True)
    )
    if known != set(teach_ids + learn_ids):
        errors.append(_("Choose skills from the list."))
    if errors:
        raise ValidationError(sorted(set(errors)))
    now = timezone.now()
    previous = {(d.skill_id, d.kind): d for d in SkillDeclaration.objects.filter(member=member)}
    keep: set[tuple[int, str]] = set()
    raised = []
    for t in teach:
        keep.add((t.skill_id, DeclarationKind.TEACH))
        SkillDeclaration.objects.update_or_create(
            member=member,
            skill_id=t.skill_id,
            kind=DeclarationKind.TEACH,
            defaults={"level": t.level, "target_level": None, "priority": 2, "updated_at": now},
        )
    for lrn in learn:
        keep.add((lrn.skill_id, DeclarationKind.LEARN))
        before = previous.get((lrn.skill_id, DeclarationKind.LEARN))
        if before is not None and lrn.level > before.level:
            raised.append((lrn.skill_id, before.level, lrn.level))
        SkillDeclaration.objects.update_or_create(
            member=member,
            skill_id=lrn.skill_id,
            kind=DeclarationKind.LEARN,
            defaults={
                "level": lrn.level,
                "target_level": lrn.target_level,
                "priority": lrn.priority,
                "updated_at": now,
            },
        )
    gone = [d.pk for key, d in previous.items() if key not in keep]
    SkillDeclaration.objects.filter(pk__in=gone).delete()
    record_activity(
        actor=member,
        verb="mentoring.skills_declared",
        community=community,
        payload={"teach": sorted(teach_ids), "learn": sorted(learn_ids)},
    )
    for skill_id, from_level, to_level in raised:
        record_activity(
            actor=member,
            verb="mentoring.skill_level_raised",
            community=community,
            payload={"skill_id": skill_id, "from_level": from_level, "to_level": to_level},
        )


def get_preferences(member: Member) -> MentoringPreferences:
    prefs = MentoringPreferences.objects.filter(member=member).first()
    return prefs or MentoringPreferences(member=member)


@transaction.atomic
def set_preferences(
    *,
    member: Member,
    availability: int,
    mentor_capacity: int,
    learner_capacity: int,
    avoid_own_team: bool,
) -> MentoringPreferences:
    prefs = get_preferences(member)
    prefs.availability = availability
    prefs.mentor_capacity = mentor_capacity
    prefs.learner_capacity = learner_capacity
    prefs.avoid_own_team = avoid_own_team
    prefs.full_clean()
    prefs.save()
    return prefs


def raise_learning_level(
    *, member: Member, community: Community, skill_id: int, level: int, mentorship_id: int | None
) -> bool:
    """The learner's self-assessed new level (end of a mentorship). Recorded if higher."""
    decl = SkillDeclaration.objects.filter(
        member=member, skill_id=skill_id, kind=DeclarationKind.LEARN
    ).first()
    before = decl.level if decl else 0
    if level <= before:
        return False
    if decl is not None:
        decl.level = level
        decl.updated_at = timezone.now()
        decl.save(update_fields=["level", "updated_at"])
    payload: dict[str, int] = {"skill_id": skill_id, "from_level": before, "to_level": level}
    if mentorship_id is not None:
        payload["mentorship_id"] = mentorship_id
    record_activity(
        actor=member, verb="mentoring.skill_level_raised", community=community, payload=payload
    )
    return True


def blocked_pairs(member_ids: Sequence[int]) -> set[tuple[int, int]]:
    from mentoring.models import MentoringBlock

    rows = MentoringBlock.objects.filter(
        Q(member_id__in=member_ids) | Q(blocked_id__in=member_ids)
    ).values_list("member_id", "blocked_id")
    return {(min(a, b), max(a, b)) for a, b in rows}
