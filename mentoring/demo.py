"""Demo data of mentoring/ (see community/demo.py for who is who).

A bilingual skills tree; skills declared by about thirty members of *Réseau des
formateurs* and *Data & AI Guild*, built so that several pairs can teach each other; an
autumn round already published (two pairs active with sessions and goals, proposals
still waiting, Léa Petit's among them); a spring round open to volunteers that the
animator (Claire Martin) can compute; two active pairs in the guild; ambassadors per
domain. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from community.demo import PEOPLE, email_for
from community.models import Community, Member
from mentoring.models import (
    Domain,
    DomainAmbassador,
    MatchingRound,
    Mentorship,
    MentorshipStatus,
    Skill,
    SkillDeclaration,
    StrategicSkill,
)
from mentoring.services import mentorships, rounds, skills
from mentoring.services.skills import Learn, Teach

DOMAINS = [
    # slug, French, English
    ("pedagogie", "Pédagogie", "Teaching"),
    ("numerique", "Outils numériques", "Digital tools"),
    ("communication", "Communication", "Communication"),
    ("data", "Données et IA", "Data and AI"),
    ("management", "Management et projets", "Management and projects"),
]

SKILLS = [
    # slug, domain, French, English, ROME code
    ("animation-formation", "pedagogie", "Animer une formation", "Facilitating training", "K2111"),
    ("ingenierie-formation", "pedagogie", "Ingénierie de formation", "Training design", "K2111"),
    ("classe-inversee", "pedagogie", "Classe inversée", "Flipped classroom", ""),
    ("evaluation-formative", "pedagogie", "Évaluation formative", "Formative assessment", ""),
    ("co-developpement", "pedagogie", "Co-développement", "Peer coaching circles", ""),
    ("excel", "numerique", "Excel", "Excel", ""),
    ("moodle", "numerique", "Moodle", "Moodle", ""),
    ("video-pedagogique", "numerique", "Vidéo pédagogique", "Instructional video", ""),
    (
        "accessibilite-numerique",
        "numerique",
        "Accessibilité numérique",
        "Digital accessibility",
        "",
    ),
    ("ia-generative", "numerique", "IA générative", "Generative AI", ""),
    ("prise-de-parole", "communication", "Prise de parole en public", "Public speaking", ""),
    ("reseaux-sociaux", "communication", "Réseaux sociaux", "Social media", ""),
    ("storytelling", "communication", "Storytelling", "Storytelling", ""),
    ("redaction-web", "communication", "Rédaction web", "Web writing", ""),
    ("sql", "data", "SQL", "SQL", ""),
    ("python", "data", "Python", "Python", ""),
    ("dataviz", "data", "Visualisation de données", "Data visualisation", ""),
    ("power-bi", "data", "Power BI", "Power BI", ""),
    ("machine-learning", "data", "Apprentissage automatique", "Machine learning", ""),
    ("ethique-donnees", "data", "Éthique des données", "Data ethics", ""),
    ("gestion-projet", "management", "Gestion de projet", "Project management", ""),
    ("feedback", "management", "Donner du feedback", "Giving feedback", ""),
    ("negociation", "management", "Négociation", "Negotiation", ""),
]

# member index (community/demo.py PEOPLE): teach [(skill, level)], learn [(skill, level, target, priority)]
DECLARATIONS: dict[int, tuple[list[tuple[str, int]], list[tuple[str, int, int, int]]]] = {
    2: ([("reseaux-sociaux", 4)], [("animation-formation", 1, 3, 3)]),
    7: ([("animation-formation", 5), ("co-developpement", 4)], [("reseaux-sociaux", 1, 3, 3)]),
    4: ([("negociation", 5)], [("excel", 2, 4, 3)]),
    8: ([("excel", 5)], [("negociation", 1, 3, 2)]),
    5: ([("feedback", 4)], [("ia-generative", 1, 3, 3)]),
    6: ([("ia-generative", 4), ("moodle", 3)], [("feedback", 2, 4, 2)]),
    9: ([("storytelling", 4)], [("moodle", 1, 3, 2)]),
    12: ([("moodle", 4), ("python", 3)], [("storytelling", 1, 3, 2)]),
    11: ([("evaluation-formative", 5), ("classe-inversee", 4)], [("video-pedagogique", 2, 4, 3)]),
    15: ([("video-pedagogique", 4)], [("classe-inversee", 1, 3, 3)]),
    17: ([("prise-de-parole", 5)], [("accessibilite-numerique", 1, 3, 3)]),
    21: ([("accessibilite-numerique", 4)], [("prise-de-parole", 2, 4, 3)]),
    19: ([("redaction-web", 4)], [("gestion-projet", 2, 4, 2)]),
    24: ([("ingenierie-formation", 5), ("gestion-projet", 4)], [("redaction-web", 1, 3, 2)]),
    13: ([("prise-de-parole", 4)], [("excel", 1, 3, 2)]),
    16: ([("gestion-projet", 5)], [("ia-generative", 1, 2, 2)]),
    18: ([("excel", 4)], [("prise-de-parole", 1, 3, 2)]),
    20: ([("co-developpement", 3)], [("prise-de-parole", 1, 3, 3)]),
    25: ([("feedback", 5)], [("video-pedagogique", 1, 3, 2)]),
    27: ([("reseaux-sociaux", 5), ("storytelling", 3)], [("evaluation-formative", 1, 3, 2)]),
    29: ([("classe-inversee", 4)], [("ia-generative", 2, 4, 2)]),
    # Data & AI Guild
    40: ([("sql", 5)], [("machine-learning", 2, 4, 3)]),
    48: ([("machine-learning", 5)], [("sql", 2, 4, 2)]),
    43: ([("python", 4)], [("dataviz", 1, 3, 3)]),
    46: ([("dataviz", 5)], [("python", 1, 3, 3)]),
    41: ([("power-bi", 4)], [("ethique-donnees", 1, 3, 2)]),
    49: ([("ethique-donnees", 4)], [("power-bi", 1, 3, 2)]),
    42: ([("python", 5)], [("ethique-donnees", 2, 3, 1)]),
    45: ([("storytelling", 5)], [("dataviz", 1, 3, 2)]),
    47: ([("sql", 4)], [("python", 2, 4, 2)]),
    14: ([("machine-learning", 4), ("python", 4)], [("power-bi", 2, 3, 1)]),
}

AUTUMN = [2, 7, 4, 8, 5, 6, 9, 12]
SPRING = [11, 15, 17, 21, 19, 24, 13, 16, 18, 20, 25, 27, 29]
AMBASSADORS = [
    ("reseau-formateurs", "pedagogie", 11),
    ("reseau-formateurs", "communication", 17),
    ("data-guild", "data", 14),
]

GOALS = {
    "negociation": "Préparer et mener une négociation commerciale sans céder sur les prix",
    "excel": "Construire un tableau croisé dynamique pour le suivi des ventes",
    "feedback": "Faire un retour constructif à un stagiaire en moins de cinq minutes",
    "ia-generative": "Rédiger des consignes efficaces pour préparer un quiz",
    "sql": "Write joins and window functions on our survey tables",
    "machine-learning": "Train and evaluate a first classifier on real data",
    "python": "Clean a CSV export with pandas without copying code",
    "dataviz": "Choose the right chart and make it readable for managers",
}

SESSIONS = {
    # (mentor index, learner index): [(days ago, minutes, topic, notes)]
    (8, 4): [
        (20, 60, "Tableaux croisés dynamiques", "Partir de l'export CRM réel la prochaine fois."),
        (6, 45, "Formules RECHERCHEX", ""),
    ],
    (4, 8): [
        (13, 50, "Préparer une négociation", "Lucas veut s'entraîner sur un cas fournisseur.")
    ],
    (6, 5): [(40, 30, "Premiers pas avec un assistant IA", "")],
    (40, 48): [
        (18, 60, "Joins and GROUP BY", "Lukas knows more than he thinks."),
        (4, 45, "Window functions", ""),
    ],
    (48, 40): [(11, 60, "Train/test split and metrics", "")],
    (46, 43): [(9, 40, "Chart choice", "")],
}


def _members() -> list[Member]:
    by_email = {
        m.user.email: m
        for m in Member.objects.select_related("user").filter(
            user__email__in=[email_for(first, last) for first, last, *_ in PEOPLE]
        )
    }
    return [by_email[email_for(first, last)] for first, last, *_ in PEOPLE]


def _skills() -> dict[str, Skill]:
    domains: dict[str, Domain] = {}
    for slug, fr, en in DOMAINS:
        domains[slug] = Domain.objects.get_or_create(
            slug=slug, defaults={"name_fr": fr, "name_en": en, "position": len(domains)}
        )[0]
    out = {}
    for slug, domain, fr, en, rome in SKILLS:
        skill = Skill.objects.filter(slug=slug).first()
        if skill is None:
            skill = skills.create_skill(
                domain=domains[domain], slug=slug, name_fr=fr, name_en=en, rome_code=rome
            )
        out[slug] = skill
    return out


def _pair_up(
    community: Community,
    members: list[Member],
    mentor: int,
    learner: int,
    by_slug: dict[str, Skill],
) -> Mentorship | None:
    """An active mentorship between two demo members (both directions they can offer)."""
    a, b = members[mentor], members[learner]
    if (
        Mentorship.objects.involving(a.pk)
        .filter(member_a_id=min(a.pk, b.pk), member_b_id=max(a.pk, b.pk))
        .exists()
    ):
        return None
    directions = mentorships._directions_between(b.pk, a.pk)
    m = mentorships.create_mentorship(
        community=community, directions=directions, status=MentorshipStatus.PROPOSED
    )
    mentorships.accept_mentorship(mentorship=m, member=a)
    return mentorships.accept_mentorship(mentorship=m, member=b)


def _live(m: Mentorship, members: list[Member]) -> None:
    """Goals and sessions of an active demo mentorship."""
    today = timezone.localdate()
    index = {member.pk: i for i, member in enumerate(members)}
    for direction in m.directions.select_related("skill"):
        text = GOALS.get(direction.skill.slug)
        if text and not direction.goals.exists():
            goal = mentorships.add_goal(
                direction=direction, by=members[index[direction.learner_id]], text=text
            )
            if m.session_count:
                mentorships.set_goal_done(
                    goal=goal, by=members[index[direction.learner_id]], done=False
                )
        key = (index[direction.mentor_id], index[direction.learner_id])
        for days, minutes, topic, notes in SESSIONS.get(key, []):
            mentorships.log_session(
                mentorship=m,
                by=members[key[1]],
                held_on=today - dt.timedelta(days=days),
                duration_minutes=minutes,
                topic=topic,
                notes=notes,
                skill_ids=[direction.skill_id],
            )


@transaction.atomic
def seed(out: TextIO) -> None:
    members = _members()
    by_slug = _skills()
    communities = {
        c.slug: c for c in Community.objects.filter(slug__in=["reseau-formateurs", "data-guild"])
    }
    national, guild = communities["reseau-formateurs"], communities["data-guild"]
    claire, sarah = members[0], members[3]

    for index, (teach, learn) in DECLARATIONS.items():
        member = members[index]
        if SkillDeclaration.objects.filter(member=member).exists():
            continue
        community = guild if index >= 40 or index == 14 else national
        skills.declare_skills(
            member=member,
            community=community,
            teach=[Teach(by_slug[s].pk, lv) for s, lv in teach],
            learn=[Learn(by_slug[s].pk, lv, tg, pr) for s, lv, tg, pr in learn],
        )
    skills.set_preferences(
        member=members[7],
        availability=0,
        mentor_capacity=2,
        learner_capacity=1,
        avoid_own_team=True,
    )
    StrategicSkill.objects.get_or_create(
        community=national, skill=by_slug["accessibilite-numerique"], defaults={"weight": 2}
    )
    for slug, domain, index in AMBASSADORS:
        DomainAmbassador.objects.get_or_create(
            community=communities[slug],
            domain=Domain.objects.get(slug=domain),
            member=members[index],
        )

    # The autumn round: computed, published, partly accepted and lived.
    autumn = MatchingRound.objects.filter(community=national, title="Binômes d'automne").first()
    if autumn is None:
        autumn = rounds.create_round(
            community=national,
            title="Binômes d'automne",
            description="Huit volontaires, des binômes qui s'apprennent mutuellement quelque chose.",
            by=claire,
        )
        for index in AUTUMN:
            rounds.set_volunteer(round_=autumn, member=members[index], on=True)
        rounds.start_computation(round_=autumn, by=claire, enqueue=False)
        rounds.compute_round(round_id=autumn.pk)
        autumn.refresh_from_db()
        rounds.publish_round(round_=autumn, by=claire, enqueue=False)
        rounds.create_round_proposals(round_id=autumn.pk)
        proposals = {
            frozenset((m.member_a_id, m.member_b_id)): m
            for m in Mentorship.objects.filter(round=autumn)
        }

        def proposal(i: int, j: int) -> Mentorship | None:
            return proposals.get(frozenset((members[i].pk, members[j].pk)))

        for i, j, both in [(4, 8, True), (5, 6, True), (7, 2, False), (12, 9, False)]:
            m = proposal(i, j)
            if m is None:
                continue
            mentorships.accept_mentorship(mentorship=m, member=members[i])
            if both:
                m = mentorships.accept_mentorship(mentorship=m, member=members[j])
                _live(m, members)

    # The spring round: open to volunteers; Claire computes it from its page.
    spring = MatchingRound.objects.filter(community=national, title="Binômes du printemps").first()
    if spring is None:
        spring = rounds.create_round(
            community=national,
            title="Binômes du printemps",
            description="Inscrivez-vous avant la fin du mois : chacun apprend et chacun transmet.",
            closes_on=timezone.localdate() + dt.timedelta(days=90),
            by=claire,
        )
        for index in SPRING:
            rounds.set_volunteer(round_=spring, member=members[index], on=True)

    # The guild: two pairs under way, found with "find a mentor".
    for mentor, learner in [(40, 48), (46, 43)]:
        m = _pair_up(guild, members, mentor, learner, by_slug)
        if m is not None:
            _live(m, members)
    if not MatchingRound.objects.filter(community=guild).exists():
        rounds.create_round(
            community=guild,
            title="Data buddies — Q2",
            description="Pair up with someone who knows what you want to learn, and teach them back.",
            by=sarah,
        )
    out.write(
        f"mentoring: {Skill.objects.count()} skills, "
        f"{SkillDeclaration.objects.count()} declarations, "
        f"{Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).count()} active mentorships\n"
    )
