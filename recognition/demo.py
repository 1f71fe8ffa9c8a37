"""Demo data of recognition/ (see community/demo.py for who is who).

The shipped badges (one per rule, 19) plus two of *Réseau des formateurs*: a certification
of the skill "Facilitating training" (aligned with its ROME code) and "Pillar of the
network", awarded by hand by Claire Martin. Kudos between members, skills endorsed by the
mentors of the live demo mentorships and by an animator; then the backfill evaluates every
rule on the activity of the other apps' demo (events, resources, mentoring, forums when
they exist). Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction

from community.demo import PEOPLE, email_for
from community.models import Community, Member
from community.permissions import can_contribute
from community.selectors import get_community_context
from mentoring.models import Mentorship, MentorshipStatus, Skill
from recognition.catalogue import install_default_badges
from recognition.models import BadgeClass, BadgeGrant, BadgeGroup, Endorsement, Kudos, Tier
from recognition.services import awarding, endorsements, kudos

KUDOS = [
    # (giver index, receiver index, about, message)
    (4, 8, "session", "Merci pour la séance sur les tableaux croisés, limpide !"),
    (8, 4, "session", "Ta façon d'animer m'a donné plein d'idées pour mes propres ateliers."),
    (2, 0, "general", "Merci Claire pour l'énergie que tu mets dans le réseau."),
    (5, 6, "general", "Toujours partante pour aider, merci !"),
    (11, 2, "resource", "La fiche sur l'évaluation formative est devenue ma référence."),
    (6, 5, "session", "Super binôme, j'ai enfin compris Moodle."),
]


def _members() -> list[Member]:
    by_email = {
        m.user.email: m
        for m in Member.objects.select_related("user").filter(
            user__email__in=[email_for(first, last) for first, last, *_ in PEOPLE]
        )
    }
    return [by_email[email_for(first, last)] for first, last, *_ in PEOPLE]


def seed(out: TextIO) -> None:
    install_default_badges()
    members = _members()
    national = Community.objects.get(slug="reseau-formateurs")
    claire = members[0]
    skill = Skill.objects.filter(slug="animation-formation").first()
    if skill is not None:
        BadgeClass.objects.get_or_create(
            slug="certif-animation",
            defaults={
                "name_fr": "Certifié·e : animer une formation",
                "name_en": "Certified: facilitating training",
                "description_fr": "Niveau 3 ou plus validé par un·e mentor ou un·e animateur·rice.",
                "description_en": "Level 3 or more endorsed by a mentor or an animator.",
                "rule": "skill_certified",
                "rule_params": {"min_level": 3},
                "skill": skill,
                "group": BadgeGroup.EXPERTISE,
                "tier": Tier.GOLD,
                "icon": "medal",
                "colour": "#b91c1c",
                "community": national,
                "titleable": True,
            },
        )
    pillar, _new = BadgeClass.objects.get_or_create(
        slug="pilier-reseau",
        defaults={
            "name_fr": "Pilier du réseau",
            "name_en": "Pillar of the network",
            "description_fr": "Décerné par l’équipe d’animation pour un engagement remarquable.",
            "description_en": "Awarded by the animators for a remarkable commitment.",
            "group": BadgeGroup.COMMUNITY_LIFE,
            "tier": Tier.GOLD,
            "icon": "medal",
            "colour": "#9d174d",
            "community": national,
            "titleable": True,
        },
    )
    if not BadgeGrant.objects.filter(badge=pillar).exists():
        awarding.award_badge(
            badge=pillar,
            member=members[2],
            by=claire,
            message="Merci pour l’accueil des nouveaux formateurs tout au long de l’année.",
        )

    ctx_as: dict[int, Any] = {}
    if not Kudos.objects.filter(community=national).exists():
        for giver, receiver, about, message in KUDOS:
            giver_m = members[giver]
            ctx = ctx_as.setdefault(giver, get_community_context(giver_m.user, national))
            if not can_contribute(ctx):
                continue
            with transaction.atomic():
                kudos.give_kudos(
                    ctx=ctx,
                    giver=giver_m,
                    receiver=members[receiver],
                    message=message,
                    about=about,
                )

    if not Endorsement.objects.exists():
        active = Mentorship.objects.filter(
            community=national, status=MentorshipStatus.ACTIVE
        ).prefetch_related("directions__skill", "directions__mentor__user")
        for m in active:
            for d in m.directions.all():
                ctx = get_community_context(d.mentor.user, national)
                endorsements.endorse_skill(
                    ctx=ctx,
                    endorser=d.mentor,
                    member=d.learner,
                    skill=d.skill,
                    level=3,
                    evidence="Séances régulières, progrès nets sur des cas réels.",
                    mentorship=m,
                )
        if skill is not None:
            endorsements.endorse_skill(
                ctx=get_community_context(claire.user, national),
                endorser=claire,
                member=members[11],
                skill=skill,
                level=4,
                evidence="Anime les ateliers de rentrée du réseau depuis deux ans.",
            )

    result = awarding.run_backfill()
    out.write(
        f"recognition: {BadgeClass.objects.count()} badges, "
        f"{BadgeGrant.objects.filter(revoked_at__isnull=True).count()} grants "
        f"({sum(o.granted for o in result.values())} by this backfill), "
        f"{Kudos.objects.count()} kudos, {Endorsement.objects.count()} endorsements\n"
    )
