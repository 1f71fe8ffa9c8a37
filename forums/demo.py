"""Demo data of forums/ (see community/demo.py for who is who).

Categories in *Réseau des formateurs*, *Formateurs de Nantes* and *Data & AI Guild*
(one restricted to animators); believable discussions and questions in French and
English, some solved, with replies that quote and mention, reactions, tags and follows.
Idempotent: a community that already has forum categories is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from community.demo import PEOPLE, email_for
from community.models import ActivityEvent, Community, Member
from forums.models import Category, Post, Reaction, Topic
from forums.services import engagement, posting
from forums.services.notifications import fan_out_post

CATEGORIES: dict[str, list[tuple[str, str, str, str, list[str]]]] = {
    "reseau-formateurs": [
        (
            "pratiques",
            "Pratiques pédagogiques",
            "#1d5c87",
            "Vos méthodes, vos retours d'atelier, vos essais.",
            [],
        ),
        (
            "entraide",
            "Questions et entraide",
            "#a2470f",
            "Une question du quotidien ? Posez-la ici.",
            [],
        ),
        (
            "outils",
            "Outils numériques",
            "#2e6b30",
            "Moodle, vidéo, IA, quiz : ce qui marche en formation.",
            [],
        ),
        (
            "animateurs",
            "Salle des animateurs",
            "#7a3e9d",
            "Préparer les rencontres du réseau.",
            ["animator"],
        ),
    ],
    "formateurs-nantes": [
        ("dejeuners", "Déjeuners pédagogiques", "#2e6b30", "Organisation et comptes rendus.", []),
    ],
    "data-guild": [
        (
            "sql",
            "SQL and dashboards",
            "#7a3e9d",
            "Queries, models and the dashboards built on them.",
            [],
        ),
        (
            "ml",
            "Machine learning",
            "#1d5c87",
            "From notebooks to production, and the ethics on the way.",
            [],
        ),
    ],
}

# (community, category, author index, kind, title, body, tags, days ago,
#  replies [(author index, body, reply to number or None)], accepted reply number or None,
#  reactions [(post number, member index, emoji)])
TOPICS: list[tuple[Any, ...]] = [
    (
        "reseau-formateurs",
        "entraide",
        4,
        "question",
        "Comment garder l'attention des apprenants après le déjeuner ?",
        "Mes sessions de 14 h sont difficiles : les apprenants décrochent au bout de vingt "
        "minutes. Vous avez des techniques qui marchent vraiment ?",
        ["animation", "engagement"],
        12,
        [
            (
                7,
                "Je commence toujours l'après-midi par une activité debout : un **sondage "
                "à main levée** qui se transforme en débat mouvant. Dix minutes, et tout le "
                "monde est réveillé.",
                None,
            ),
            (
                11,
                "Pareil, et je découpe en séquences de 15 minutes maximum. Le *world café* "
                "marche très bien aussi.",
                None,
            ),
            (
                4,
                "> un sondage à main levée qui se transforme en débat mouvant\n\nTesté "
                "hier avec mes apprenants : ça change tout. Merci @chloe-simon !",
                2,
            ),
        ],
        2,
        [(2, 4, "👍"), (2, 11, "💡"), (2, 17, "👍"), (3, 4, "👍"), (4, 0, "🎉")],
    ),
    (
        "reseau-formateurs",
        "pratiques",
        17,
        "discussion",
        "Retour d'expérience : la classe inversée avec des adultes",
        "Après six mois de classe inversée sur nos parcours managers, voici ce que j'ai "
        "appris :\n\n1. Les vidéos de plus de 8 minutes ne sont pas regardées.\n2. Un "
        "quiz d'entrée change la discussion en salle.\n3. Il faut prévoir un plan B pour "
        "ceux qui n'ont rien préparé.\n\nEt vous, quelles sont vos pratiques ?",
        ["classe-inversee", "retour-experience"],
        9,
        [
            (
                29,
                "Le point 3 est essentiel. Je donne cinq minutes de lecture en début de "
                "séance pour que personne ne soit perdu.",
                None,
            ),
            (
                0,
                "Merci pour ce partage ! On pourrait en faire un atelier à la prochaine "
                "rencontre du réseau.",
                None,
            ),
        ],
        None,
        [(1, 0, "❤️"), (1, 7, "👍"), (1, 29, "💡"), (2, 17, "👍")],
    ),
    (
        "reseau-formateurs",
        "outils",
        12,
        "question",
        "Moodle : comment exporter les résultats d'un quiz par groupe ?",
        "Je dois envoyer aux managers les résultats de leurs équipes. L'export Moodle "
        "me donne tout le monde en vrac. Une astuce ?",
        ["moodle"],
        5,
        [
            (
                21,
                "Dans *Résultats > Notes*, choisis le groupe dans le menu en haut **avant** "
                "de cliquer sur Télécharger : l'export ne contient alors que ce groupe.",
                None,
            ),
        ],
        2,
        [(2, 12, "👍"), (2, 4, "💡")],
    ),
    (
        "reseau-formateurs",
        "outils",
        24,
        "question",
        "Quel outil pour sous-titrer nos vidéos pédagogiques ?",
        "Nous voulons rendre nos vidéos accessibles. Quel outil utilisez-vous pour les "
        "sous-titres ? Gratuit si possible.",
        ["accessibilite", "video"],
        2,
        [],
        None,
        [],
    ),
    (
        "reseau-formateurs",
        "animateurs",
        0,
        "discussion",
        "Préparation de la rencontre nationale de printemps",
        "Je propose trois ateliers : classe inversée, IA générative, co-développement. "
        "@chloe-simon, tu veux bien animer le co-développement ?",
        ["rencontre"],
        3,
        [(7, "Avec plaisir ! Je prépare le déroulé pour la semaine prochaine.", None)],
        None,
        [(2, 0, "🎉")],
    ),
    (
        "formateurs-nantes",
        "dejeuners",
        6,
        "discussion",
        "Déjeuner pédagogique de mars : qui vient ?",
        "Le prochain déjeuner aura lieu le 14 mars au site de l'île de Nantes. Thème : "
        "les apprenants qui ne posent jamais de questions. Inscrivez-vous en répondant !",
        ["dejeuner"],
        4,
        [(10, "Présent !", None), (15, "Je viens avec une collègue.", None)],
        None,
        [(1, 10, "👍"), (1, 15, "👍")],
    ),
    (
        "data-guild",
        "sql",
        3,
        "question",
        "Window functions or a self-join for running totals?",
        "I need running totals of training hours per learner. My self-join takes ages on "
        "2M rows. Is a window function the way to go?",
        ["sql", "postgresql"],
        8,
        [
            (
                40,
                "Yes: `SUM(hours) OVER (PARTITION BY learner_id ORDER BY day)` reads the "
                "table once. Add an index on `(learner_id, day)`.",
                None,
            ),
            (3, "Down from 40 s to 0.8 s. Thank you @oliver-smith!", 2),
        ],
        2,
        [(2, 3, "👍"), (2, 41, "💡"), (3, 40, "🎉")],
    ),
    (
        "data-guild",
        "ml",
        41,
        "discussion",
        "Reading group: fairness metrics for learner recommendations",
        "Shall we read one paper a month on fairness in recommender systems? First "
        "suggestion: demographic parity vs equal opportunity, and what they mean for "
        "suggesting courses.",
        ["ethics", "reading-group"],
        6,
        [(43, "Count me in. I'll bring our course-recommendation numbers.", None)],
        None,
        [(1, 43, "❤️"), (1, 3, "👍")],
    ),
]


def _member(index: int) -> Member:
    first, last, *_rest = PEOPLE[index]
    return Member.objects.get(user__email=email_for(first, last))


# The topics' ages (in days) are spread over the last five months, so that the analytics
# dashboards (computed by analytics/demo.py over six months) show a history, not one month.
SPREAD_FACTOR = 10
SPREAD_MAX_DAYS = 150


def _spread(days: int) -> int:
    """Topics of the last few days stay recent (this month has forum life too)."""
    return days if days <= 3 else min(days * SPREAD_FACTOR, SPREAD_MAX_DAYS)


def _backdate(topic: Topic, days: int) -> None:
    """Move the topic, its posts, reactions and accepted answer, and their activity rows
    (``occurred_at``), back in time together: the rows and their events agree."""
    start = timezone.now() - timedelta(days=_spread(days), hours=3)
    posts = list(Post.objects.filter(topic=topic).order_by("number"))
    post_type = ContentType.objects.get_for_model(Post)
    for post in posts:
        when = start + timedelta(hours=5 * (post.number - 1))
        Post.objects.filter(pk=post.pk).update(created_at=when)
        Reaction.objects.filter(post=post).update(created_at=when + timedelta(minutes=30))
        ActivityEvent.objects.filter(target_type=post_type, target_id=post.pk).update(
            occurred_at=when + timedelta(minutes=30)
        )
    last = start + timedelta(hours=5 * (len(posts) - 1))
    Topic.objects.filter(pk=topic.pk).update(created_at=start, last_post_at=last)
    Topic.objects.filter(pk=topic.pk, solved_at__isnull=False).update(
        solved_at=last + timedelta(minutes=30)
    )
    for event in ActivityEvent.objects.filter(
        verb="forums.answer_accepted", payload__topic_id=topic.pk
    ):
        event.payload["question_created_at"] = start.isoformat()
        event.save(update_fields=["payload"])
    ActivityEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Topic), target_id=topic.pk
    ).update(occurred_at=start)


@transaction.atomic
def seed(out: TextIO) -> None:
    made = 0
    for slug, rows in CATEGORIES.items():
        community = Community.objects.filter(slug=slug).first()
        if community is None or Category.objects.filter(community=community).exists():
            continue
        for position, (cat_slug, name, colour, description, roles) in enumerate(rows):
            Category.objects.create(
                community=community,
                slug=cat_slug,
                name=name,
                colour=colour,
                description=description,
                allowed_roles=roles,
                position=position,
            )
        for (
            c_slug,
            cat_slug,
            author,
            kind,
            title,
            body,
            tags,
            days,
            replies,
            accepted,
            reactions,
        ) in TOPICS:
            if c_slug != slug:
                continue
            category = Category.objects.get(community=community, slug=cat_slug)
            topic = posting.create_topic(
                community=community,
                category=category,
                by=_member(author),
                kind=kind,
                title=title,
                body=body,
                tags=tags,
            )
            posts = {1: Post.objects.get(topic=topic, number=1)}
            for who, text, to in replies:
                post = posting.reply(
                    topic=topic, by=_member(who), body=text, reply_to=posts.get(to or 0)
                )
                posts[post.number] = post
            for number, who, emoji in reactions:
                engagement.set_reaction(post=posts[number], by=_member(who), emoji=emoji, on=True)
            if accepted:
                engagement.accept_answer(post=posts[accepted], by=topic.author)  # type: ignore[arg-type]
            for post in posts.values():
                fan_out_post(post_id=post.pk)
            _backdate(topic, days)
            made += 1
    out.write(f"forums: {made} topics\n")
