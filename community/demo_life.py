"""Demo data of community life: past and coming events with attendance and feedback, a
library of about forty resources with collections, a closed satisfaction survey with its
results, an open one, and a few newcomers. Runs after community/demo.py; idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from community.demo import PEOPLE, _membership, _user, email_for
from community.models import (
    Collection,
    CollectionItem,
    Community,
    Event,
    Member,
    Membership,
    Registration,
    Resource,
    Survey,
    SurveyQuestion,
)
from community.models.events import RegistrationStatus
from community.services import events as event_services
from community.services import resources as resource_services
from community.services import surveys as survey_services
from community.services.welcome import set_rituals

PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")
MARKER = "Atelier : animer une classe virtuelle qui vit"

RITUALS = {
    "reseau-formateurs": """- **Le premier mardi du mois**, un atelier thématique d’une heure en visio : une pratique, un invité, des questions.
- **Chaque vendredi**, la « question de la semaine » dans le forum : on y répond en trois lignes, pas plus.
- **Une fois par trimestre**, une session de co-développement : une personne expose une situation, le groupe l’aide à avancer.
- Les supports de chaque atelier arrivent dans la **bibliothèque** le lendemain.""",
    "formateurs-lyon": """- **Le premier jeudi du mois à 19 h**, rencontre à la Part-Dieu (salle Rhône) autour d’un thème.
- Un **déjeuner pédagogique** le troisième mardi, pour les formateurs de passage.""",
    "formateurs-nantes": """- **Un déjeuner pédagogique** par mois, sur l’île de Nantes.
- Un **atelier de co-développement** le dernier jeudi : ce qui s’y dit reste dans l’atelier.""",
    "data-guild": """- **Office hours every Wednesday**, 12:30–13:30 UK time: bring a query, a chart or a doubt.
- **A monthly talk** by a member on something they learned the hard way.
- **Pair up**: declare what you can teach and what you want to learn, and we match you.""",
}

# (community, title, kind, days from now, hour, duration h, place, online, capacity,
#  organiser index, tags, description)
EVENTS: list[tuple[Any, ...]] = [
    (
        "reseau-formateurs",
        MARKER,
        "workshop",
        -40,
        18,
        1,
        "",
        True,
        40,
        0,
        ["classe virtuelle", "animation"],
        "Caméras éteintes, silences gênants, chat vide : comment redonner vie à une classe virtuelle ? "
        "Trois techniques testées en séance, et vos propres cas.",
    ),
    (
        "reseau-formateurs",
        "Co-développement : le stagiaire qui décroche",
        "codev",
        -21,
        14,
        2,
        "Paris, salle Montmartre",
        False,
        8,
        7,
        ["co-développement", "posture"],
        "Une personne expose une situation réelle, le groupe questionne puis propose. Confidentialité de rigueur.",
    ),
    (
        "reseau-formateurs",
        "Webinaire : l’évaluation à froid, enfin utile",
        "webinar",
        -7,
        12,
        1,
        "",
        True,
        None,
        11,
        ["évaluation"],
        "Comment mesurer ce qui reste d’une formation trois mois après, sans questionnaire interminable.",
    ),
    (
        "reseau-formateurs",
        "Atelier : concevoir un parcours multimodal",
        "workshop",
        5,
        18,
        1,
        "",
        True,
        30,
        0,
        ["ingénierie pédagogique", "multimodal"],
        "Du présentiel, du distanciel, de l’asynchrone : on assemble un parcours complet à partir d’un cas réel.",
    ),
    (
        "reseau-formateurs",
        "Session thématique : l’IA générative en formation",
        "thematic",
        12,
        18,
        2,
        "",
        True,
        3,
        17,
        ["IA", "ingénierie pédagogique"],
        "Ce qui marche, ce qui inquiète, ce que nos apprenants en font déjà. Places limitées pour garder l’échange.",
    ),
    (
        "reseau-formateurs",
        "Hackathon pédagogique d’automne",
        "hackathon",
        26,
        9,
        8,
        "Lyon, campus Part-Dieu",
        True,
        24,
        7,
        ["innovation", "jeu sérieux"],
        "Une journée pour prototyper en équipe un module de formation ludique. Repas offert.",
    ),
    (
        "formateurs-nantes",
        "Déjeuner pédagogique : les brise-glace",
        "meetup",
        -12,
        12,
        1,
        "Nantes, café Le Lieu Unique",
        False,
        12,
        24,
        ["animation"],
        "Chacun apporte un brise-glace qu’il aime, on les teste entre deux bouchées.",
    ),
    (
        "formateurs-nantes",
        "Co-développement du mois",
        "codev",
        9,
        17,
        2,
        "Nantes, île de Nantes",
        False,
        8,
        24,
        ["co-développement"],
        "Atelier en petit groupe : apportez une situation qui vous questionne.",
    ),
    (
        "data-guild",
        "Talk: window functions without tears",
        "webinar",
        -15,
        13,
        1,
        "",
        True,
        None,
        3,
        ["sql"],
        "Ranking, running totals and gaps-and-islands, explained with our own training data.",
    ),
    (
        "data-guild",
        "Hack night: a dashboard for training surveys",
        "hackathon",
        -4,
        18,
        3,
        "London office, 4th floor",
        True,
        20,
        3,
        ["dashboards", "python"],
        "Teams of three build a dashboard from anonymised survey exports. Pizza provided.",
    ),
    (
        "data-guild",
        "Office hours: bring your query",
        "meetup",
        2,
        12,
        1,
        "",
        True,
        None,
        14,
        ["sql", "python"],
        "Drop in with a query that misbehaves or a chart that lies; we look at it together.",
    ),
    (
        "data-guild",
        "Workshop: data ethics in HR analytics",
        "workshop",
        16,
        16,
        2,
        "",
        True,
        25,
        40,
        ["data ethics"],
        "What we may, should and should never do with people data. Case studies and an open discussion.",
    ),
]

# (community, kind, title, summary, url, tags, author index)
RESOURCES: list[tuple[str, str, str, str, str, list[str], int]] = [
    (
        "reseau-formateurs",
        "link",
        "Guide de la classe virtuelle engageante",
        "Une check-list avant, pendant et après une session à distance : son, rythme, interactions toutes les 7 minutes.",
        "https://www.example.org/guides/classe-virtuelle",
        ["classe virtuelle", "animation"],
        0,
    ),
    (
        "reseau-formateurs",
        "video",
        "Vidéo : 5 brise-glace en moins de 5 minutes",
        "Des exemples filmés en situation réelle, avec les consignes exactes.",
        "https://video.example.org/brise-glace",
        ["animation"],
        11,
    ),
    (
        "reseau-formateurs",
        "podcast",
        "Podcast : apprendre des pairs",
        "Trois formatrices racontent comment leurs communautés ont changé leur métier.",
        "https://podcast.example.org/pairs-ep12",
        ["communauté"],
        17,
    ),
    (
        "reseau-formateurs",
        "link",
        "Modèle de Kirkpatrick, expliqué simplement",
        "Les quatre niveaux d’évaluation, avec un exemple concret pour chacun.",
        "https://www.example.org/kirkpatrick",
        ["évaluation"],
        7,
    ),
    (
        "reseau-formateurs",
        "link",
        "Banque d’activités pour l’asynchrone",
        "Plus de cinquante activités classées par objectif : découvrir, s’entraîner, ancrer.",
        "https://www.example.org/activites-asynchrones",
        ["multimodal", "ingénierie pédagogique"],
        29,
    ),
    (
        "reseau-formateurs",
        "video",
        "Conférence : la mémoire et la répétition espacée",
        "Pourquoi on oublie et comment organiser les rappels dans un parcours.",
        "https://video.example.org/repetition-espacee",
        ["neurosciences"],
        21,
    ),
    (
        "reseau-formateurs",
        "link",
        "Charte graphique des supports du réseau",
        "Les gabarits PowerPoint et les règles d’accessibilité (contrastes, tailles).",
        "https://www.example.org/gabarits",
        ["supports", "accessibilité"],
        0,
    ),
    (
        "reseau-formateurs",
        "link",
        "Feuille de route du formateur débutant",
        "Les trente premiers jours : qui rencontrer, quoi observer, par où commencer.",
        "https://www.example.org/premiers-jours",
        ["débuter"],
        7,
    ),
    (
        "reseau-formateurs",
        "podcast",
        "Podcast : la posture de facilitateur",
        "Quand se taire, quand relancer, quand recadrer : un échange sans langue de bois.",
        "https://podcast.example.org/facilitation",
        ["posture", "animation"],
        15,
    ),
    (
        "reseau-formateurs",
        "link",
        "Accessibilité des formations : le mémo",
        "Sous-titres, documents lisibles, pauses : ce qu’il faut prévoir dès la conception.",
        "https://www.example.org/accessibilite",
        ["accessibilité"],
        25,
    ),
    (
        "reseau-formateurs",
        "video",
        "Tutoriel : créer un quiz qui fait réfléchir",
        "Des questions qui font travailler le raisonnement plutôt que la mémoire.",
        "https://video.example.org/quiz",
        ["évaluation", "outils"],
        3,
    ),
    (
        "reseau-formateurs",
        "link",
        "Le co-développement en 6 étapes",
        "Le déroulé d’une séance, les rôles, les phrases pour lancer chaque étape.",
        "https://www.example.org/codev",
        ["co-développement"],
        11,
    ),
    (
        "reseau-formateurs",
        "link",
        "Jeux sérieux : une sélection testée",
        "Douze jeux utilisés par des membres, avec leur avis et la durée réelle.",
        "https://www.example.org/jeux-serieux",
        ["jeu sérieux"],
        19,
    ),
    (
        "reseau-formateurs",
        "video",
        "IA générative : démonstration en atelier",
        "Rédiger des cas pratiques avec un assistant, puis les critiquer ensemble.",
        "https://video.example.org/ia-atelier",
        ["IA"],
        17,
    ),
    (
        "formateurs-lyon",
        "link",
        "Plan d’accès à la salle Rhône",
        "Entrée côté rue de Bonnel, badge à l’accueil, ascenseur jusqu’au 3e.",
        "https://www.example.org/lyon/acces",
        ["pratique"],
        9,
    ),
    (
        "formateurs-lyon",
        "link",
        "Carnet d’adresses des lieux de formation lyonnais",
        "Salles testées par les membres, avec capacité et équipement.",
        "https://www.example.org/lyon/salles",
        ["pratique"],
        29,
    ),
    (
        "formateurs-lyon",
        "podcast",
        "Entretien : former dans l’industrie",
        "Un formateur de la vallée de la chimie raconte son quotidien.",
        "https://podcast.example.org/industrie",
        ["témoignage"],
        4,
    ),
    (
        "formateurs-nantes",
        "link",
        "Recettes de déjeuners pédagogiques",
        "Format, durée, animation : comment monter le vôtre.",
        "https://www.example.org/nantes/dejeuners",
        ["animation"],
        24,
    ),
    (
        "formateurs-nantes",
        "video",
        "Retour en images : atelier brise-glace",
        "Les moments forts du dernier déjeuner pédagogique.",
        "https://video.example.org/nantes-brise-glace",
        ["animation"],
        19,
    ),
    (
        "formateurs-nantes",
        "link",
        "Ressources régionales pour la formation",
        "Financements, réseaux et partenaires en Pays de la Loire.",
        "https://www.example.org/nantes/regional",
        ["pratique"],
        10,
    ),
    (
        "data-guild",
        "link",
        "SQL style guide we agreed on",
        "Naming, indentation, CTEs over nested subqueries: our shared conventions.",
        "https://www.example.org/guild/sql-style",
        ["sql"],
        3,
    ),
    (
        "data-guild",
        "video",
        "Window functions, visually",
        "A 20-minute walkthrough with diagrams of partitions and frames.",
        "https://video.example.org/window-functions",
        ["sql"],
        14,
    ),
    (
        "data-guild",
        "podcast",
        "Podcast: data teams that teach",
        "How analytics teams run internal academies and mentoring.",
        "https://podcast.example.org/data-teams",
        ["learning"],
        40,
    ),
    (
        "data-guild",
        "link",
        "Choosing the right chart",
        "A decision tree from question to chart type, with pitfalls for each.",
        "https://www.example.org/guild/charts",
        ["dashboards", "data viz"],
        41,
    ),
    (
        "data-guild",
        "link",
        "pandas cheat sheet for analysts",
        "The twenty operations we use every week, with SQL equivalents.",
        "https://www.example.org/guild/pandas",
        ["python"],
        43,
    ),
    (
        "data-guild",
        "video",
        "Intro to dbt in 30 minutes",
        "Models, tests and documentation on a small training-data project.",
        "https://video.example.org/dbt-intro",
        ["sql", "data engineering"],
        46,
    ),
    (
        "data-guild",
        "link",
        "Anonymising survey data properly",
        "Why removing names is not enough, and what k-anonymity means in practice.",
        "https://www.example.org/guild/anonymisation",
        ["data ethics"],
        40,
    ),
    (
        "data-guild",
        "link",
        "Reading list: statistics for people who skipped it",
        "Five short books and two courses, ranked by how gentle they are.",
        "https://www.example.org/guild/stats-reading",
        ["statistics", "learning"],
        23,
    ),
    (
        "data-guild",
        "video",
        "Talk recording: dashboards people actually open",
        "Lessons from three failed dashboards and one that stuck.",
        "https://video.example.org/dashboards-talk",
        ["dashboards"],
        14,
    ),
    (
        "data-guild",
        "link",
        "Git for analysts",
        "Branches, pull requests and reviews for people who write SQL, not software.",
        "https://www.example.org/guild/git",
        ["tools"],
        47,
    ),
]

ARTICLES: list[tuple[str, str, str, str, list[str], int]] = [
    (
        "reseau-formateurs",
        "Retour d’expérience : ma première formation hybride",
        "Ce qui a marché, ce que je referais autrement.",
        "## Le contexte\n\nDouze participants, dont cinq à distance, pour une formation de deux jours.\n\n"
        "## Ce qui a marché\n\n- Un **binôme** présentiel/distanciel pour chaque activité.\n- Un micro de salle plutôt que celui de l’ordinateur.\n\n"
        "## Ce que je changerais\n\nPrévoir une personne dédiée au chat : impossible d’animer et de lire en même temps.",
        ["multimodal", "retour d’expérience"],
        15,
    ),
    (
        "reseau-formateurs",
        "Cinq questions pour lancer un atelier de co-développement",
        "Les relances qui aident le groupe à questionner plutôt qu’à conseiller trop vite.",
        "1. *Qu’attends-tu précisément du groupe aujourd’hui ?*\n2. *Qu’as-tu déjà essayé ?*\n3. *Qui d’autre est concerné ?*\n"
        "4. *Que se passerait-il si tu ne faisais rien ?*\n5. *Qu’est-ce qui serait un premier petit pas ?*",
        ["co-développement", "posture"],
        7,
    ),
    (
        "data-guild",
        "What I learned mentoring a junior analyst",
        "Cross-mentoring goes both ways: notes from six months of pairing.",
        "## Teaching SQL made me better at it\n\nExplaining *why* a join duplicates rows forced me to stop guessing.\n\n"
        "## What my mentee taught me\n\nShe showed me how to present a chart to managers in two sentences. I still use her template.",
        ["mentoring", "sql"],
        14,
    ),
    (
        "data-guild",
        "Our checklist before publishing a dashboard",
        "Ten questions we ask before a dashboard reaches anyone outside the team.",
        "- Is every figure defined next to it?\n- Is the table behind each chart available?\n- Can someone colour-blind read it?\n"
        "- Would the conclusion survive a different time range?",
        ["dashboards", "data viz"],
        41,
    ),
]

DOCUMENTS = [
    (
        "reseau-formateurs",
        "Trame de séance de co-développement (PDF)",
        "La trame imprimable : rôles, durées, questions de relance.",
        "trame-codev.pdf",
        ["co-développement"],
        11,
    ),
    (
        "reseau-formateurs",
        "Grille d’observation d’une séance",
        "Pour observer un collègue et lui faire un retour utile.",
        "grille-observation.pdf",
        ["posture", "évaluation"],
        7,
    ),
    (
        "data-guild",
        "Survey analysis template (PDF)",
        "The report structure we use for training-survey analyses.",
        "survey-template.pdf",
        ["dashboards", "statistics"],
        3,
    ),
]


def _pdf(title: str) -> bytes:
    """A small but real one-page PDF."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _people() -> list[Member]:
    emails = [email_for(first, last) for first, last, *_rest in PEOPLE]
    by_email = {
        m.user.email: m
        for m in Member.objects.filter(user__email__in=emails).select_related("user")
    }
    return [by_email[e] for e in emails]


def _active_members(community: Community) -> list[Member]:
    return [
        m.member
        for m in Membership.objects.active()
        .filter(community=community, accepted_charter_version__gte=community.charter_version)
        .select_related("member", "member__user")
        .order_by("member__display_name")
    ]


def _events(communities: dict[str, Community], people: list[Member], now: datetime) -> list[Event]:
    created: list[Event] = []
    for (
        slug,
        title,
        kind,
        days,
        hour,
        hours,
        place,
        online,
        capacity,
        organiser,
        tags,
        text,
    ) in EVENTS:
        community = communities[slug]
        zone = LONDON if slug == "data-guild" else PARIS
        day = timezone.localtime(now, zone) + timedelta(days=days)
        start = day.replace(hour=hour, minute=0, second=0, microsecond=0)
        [event] = event_services.create_event(
            community=community,
            by=people[organiser],
            title=title,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            tz=str(zone),
            description=text,
            place=place,
            online_url="https://meet.example.org/" + community.slug + f"-{len(created) + 1}"
            if online
            else "",
            capacity=capacity,
            tags=tags,
        )
        created.append(event)
    return created


def _registrations(event: Event, members: list[Member], now: datetime, index: int) -> None:
    organisers = set(event.organisers.values_list("pk", flat=True))
    crowd = [m for m in members if m.pk not in organisers]
    wanted = min(
        len(crowd), (event.capacity or 14) + (2 if event.capacity and event.capacity < 10 else 0)
    )
    chosen = crowd[index % 5 :: 2][:wanted] or crowd[:wanted]
    if event.ends_at > now:
        for member in chosen:
            event_services.rsvp(event=event, member=member)
        return
    # The history of a past event: who registered, who came, what they thought of it.
    for offset, member in enumerate(chosen[: event.capacity or len(chosen)]):
        Registration.objects.get_or_create(
            event=event,
            member=member,
            defaults={
                "status": RegistrationStatus.GOING,
                "registered_at": event.starts_at - timedelta(days=10 - offset % 7),
            },
        )
    marks = {m.pk: ("no_show" if i % 6 == 5 else "attended") for i, m in enumerate(chosen)}
    organiser = event.organisers.first()
    assert organiser is not None
    event_services.mark_attendance(event=event, by=organiser, marks=marks)
    comments = [
        "Très concret, je repars avec deux idées à tester lundi.",
        "",
        "Un peu court : on aurait aimé plus de temps pour les questions.",
        "Great session, the examples were spot on.",
        "",
    ]
    attended = [m for m in chosen if marks[m.pk] == "attended"]
    for i, member in enumerate(attended[: max(len(attended) * 2 // 3, 1)]):
        event_services.leave_feedback(
            event=event,
            member=member,
            rating=5 - (i % 4 == 3) - (i % 7 == 6),
            comment=comments[i % 5],
        )


def _resources(
    communities: dict[str, Community], people: list[Member], events: list[Event]
) -> list[Resource]:
    shared = []
    for slug, kind, title, summary, url, tags, author in RESOURCES:
        shared.append(
            resource_services.share_resource(
                check_rate=False,
                community=communities[slug],
                by=people[author],
                kind=kind,
                title=title,
                summary=summary,
                url=url,
                tags=tags,
            )
        )
    for slug, title, summary, body, tags, author in ARTICLES:
        shared.append(
            resource_services.share_resource(
                check_rate=False,
                community=communities[slug],
                by=people[author],
                kind="article",
                title=title,
                summary=summary,
                body=body,
                tags=tags,
            )
        )
    for slug, title, summary, name, tags, author in DOCUMENTS:
        upload = SimpleUploadedFile(name, _pdf(title), content_type="application/pdf")
        shared.append(
            resource_services.share_resource(
                check_rate=False,
                community=communities[slug],
                by=people[author],
                kind="document",
                title=title,
                summary=summary,
                upload=upload,
                tags=tags,
            )
        )
    # Slides and recordings of past events, attached by their organisers.
    for event in events:
        if event.ends_at > timezone.now():
            continue
        organiser = event.organisers.first()
        assert organiser is not None
        english = event.community.language == "en"
        upload = SimpleUploadedFile("slides.pdf", _pdf(event.title), content_type="application/pdf")
        shared.append(
            resource_services.share_resource(
                check_rate=False,
                community=event.community,
                by=organiser,
                kind="document",
                event=event,
                title=("Slides: " if english else "Support : ") + event.title,
                summary="The slides shown during the session."
                if english
                else "Le support projeté pendant la séance.",
                upload=upload,
                tags=[t.name for t in event.tags.all()],
            )
        )
        if event.online_url:
            shared.append(
                resource_services.share_resource(
                    check_rate=False,
                    community=event.community,
                    by=organiser,
                    kind="video",
                    event=event,
                    title=("Recording: " if english else "Enregistrement : ") + event.title,
                    url=f"https://video.example.org/replay-{event.pk}",
                    tags=[t.name for t in event.tags.all()],
                )
            )
    return shared


def _backdate(resources: list[Resource], now: datetime) -> None:
    """Spread the library over the last months (slides: the day after their event), the
    activity log agreeing with the rows."""
    from django.contrib.contenttypes.models import ContentType

    from community.models import ActivityEvent

    kind = ContentType.objects.get_for_model(Resource)
    total = len(resources)
    for index, resource in enumerate(resources):
        if resource.event is not None:
            when = resource.event.ends_at + timedelta(hours=20 + index % 5)
        else:
            when = now - timedelta(days=(total - index) * 3 + 5, hours=(index * 7) % 11)
        Resource.objects.filter(pk=resource.pk).update(created_at=when)
        ActivityEvent.objects.filter(
            verb="resources.shared", target_type=kind, target_id=resource.pk
        ).update(occurred_at=when)


def _votes(resources: list[Resource]) -> None:
    for index, resource in enumerate(resources):
        members = _active_members(resource.community)
        for voter in members[index % 4 :: 3 + index % 5][: 2 + index % 9]:
            if voter.pk != resource.author_id:
                resource_services.set_useful(resource=resource, member=voter, on=True)


def _collections(communities: dict[str, Community]) -> None:
    shelves = [
        (
            "reseau-formateurs",
            "pour-bien-demarrer",
            "Pour bien démarrer",
            "Ce que nous conseillons de lire la première semaine.",
            ["débuter", "classe virtuelle", "co-développement"],
        ),
        (
            "reseau-formateurs",
            "meilleur-du-mois",
            "Le meilleur du mois",
            "Les ressources que vous avez trouvées les plus utiles ce mois-ci.",
            [],
        ),
        (
            "data-guild",
            "getting-started",
            "Getting started",
            "Where new members of the guild usually begin.",
            ["sql", "python"],
        ),
    ]
    for position, (slug, key, title, text, tags) in enumerate(shelves):
        community = communities[slug]
        shelf = Collection.objects.create(
            community=community, slug=key, title=title, description=text, position=position
        )
        qs = Resource.objects.filter(community=community, is_hidden=False)
        picks = (
            qs.filter(tags__name__in=tags).distinct().order_by("created_at")[:6]
            if tags
            else qs.order_by("-useful_count", "-created_at")[:5]
        )
        for rank, resource in enumerate(picks):
            CollectionItem.objects.create(collection=shelf, resource=resource, position=rank)


def _surveys(communities: dict[str, Community], now: datetime) -> None:
    national = communities["reseau-formateurs"]
    closed = Survey.objects.create(
        community=national,
        title_fr="Baromètre du réseau — automne",
        title_en="Network barometer — autumn",
        intro_fr="Trois minutes pour nous dire si le réseau vous est utile. Vos réponses sont anonymes.",
        intro_en="Three minutes to tell us whether the network helps you. Your answers are anonymous.",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
        anonymous=True,
    )
    questions = [
        SurveyQuestion.objects.create(
            survey=closed,
            position=1,
            kind="rating",
            text_fr="Dans l’ensemble, êtes-vous satisfait du réseau ?",
            text_en="Overall, how satisfied are you with the network?",
        ),
        SurveyQuestion.objects.create(
            survey=closed,
            position=2,
            kind="nps",
            text_fr="Recommanderiez-vous le réseau à un collègue formateur ?",
            text_en="Would you recommend the network to a fellow trainer?",
        ),
        SurveyQuestion.objects.create(
            survey=closed,
            position=3,
            kind="multiple",
            text_fr="Qu’est-ce qui vous sert le plus ?",
            text_en="What helps you most?",
            choices_fr="Les ateliers\nLe forum\nLa bibliothèque\nLe mentorat",
            choices_en="Workshops\nThe forum\nThe library\nMentoring",
        ),
        SurveyQuestion.objects.create(
            survey=closed,
            position=4,
            kind="text",
            required=False,
            text_fr="Une idée pour améliorer le réseau ?",
            text_en="One idea to make the network better?",
        ),
    ]
    ideas = [
        "Plus d’ateliers en fin de journée pour ceux qui animent le matin.",
        "",
        "Une rubrique « question bête » pour oser demander.",
        "Des enregistrements plus courts, découpés par thème.",
        "",
        "Rencontrer les autres chapitres une fois par an.",
        "Un annuaire des outils que chacun utilise, avec un contact.",
        "",
        "Des binômes de mentorat entre formateurs de métiers différents.",
        "Prévenir plus tôt des ateliers : deux semaines minimum.",
        "Les supports en PDF accessible, pas seulement en PowerPoint.",
        "",
        "Continuer les co-développements, c’est ce qui m’aide le plus.",
        "Un atelier sur l’évaluation des compétences en situation.",
        "",
        "Mettre en avant les contributions des nouveaux.",
        "Des rencontres en présentiel à Marseille aussi !",
        "",
        "Un fil des questions sans réponse dans la lettre mensuelle.",
        "Parfois trop de notifications : un résumé hebdomadaire suffirait.",
        "",
        "Merci aux animatrices, le réseau est vivant.",
        "Partager des exemples de déroulés complets de formation.",
        "",
    ]
    for i, member in enumerate(_active_members(national)[:24]):
        survey_services.answer_survey(
            survey=closed,
            member=member,
            answers={
                questions[0].pk: [5, 4, 4, 3, 5, 4, 2][i % 7],
                questions[1].pk: [10, 9, 8, 7, 9, 6, 10, 3, 9][i % 9],
                questions[2].pk: [[0], [0, 2], [1], [2, 3], [0, 3]][i % 5],
                questions[3].pk: ideas[i],
            },
        )
    Survey.objects.filter(pk=closed.pk).update(
        closes_at=now - timedelta(days=2), invited_at=now - timedelta(days=30)
    )
    guild = communities["data-guild"]
    open_survey = Survey.objects.create(
        community=guild,
        title_fr="Vos besoins de formation data",
        title_en="Your data learning needs",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        anonymous=False,
        invited_at=now - timedelta(days=2),
    )
    SurveyQuestion.objects.create(
        survey=open_survey,
        position=1,
        kind="single",
        text_fr="Quel sujet en priorité ?",
        text_en="Which topic first?",
        choices_fr="SQL avancé\nVisualisation\nMachine learning",
        choices_en="Advanced SQL\nData visualisation\nMachine learning",
    )
    SurveyQuestion.objects.create(
        survey=open_survey,
        position=2,
        kind="rating",
        text_fr="Les office hours vous aident-elles ?",
        text_en="Do the office hours help you?",
    )


NEWCOMERS = [
    ("Nora", "Benali", "Formation", "Lille", 3, True),
    ("Félix", "Carpentier", "Ventes", "Paris", 9, False),
    ("Sofia", "Rinaldi", "RH", "Lyon", 16, True),
    ("Malik", "Traoré", "IT", "Nantes", 24, False),
]


def _newcomers(communities: dict[str, Community], now: datetime) -> None:
    # The demo’s members have been here for months; only the newcomers below are new.
    Membership.objects.filter(
        community__in=list(communities.values()), joined_at__gte=now - timedelta(days=1)
    ).update(joined_at=now - timedelta(days=120))
    national = communities["reseau-formateurs"]
    for first, last, team, site, days, active in NEWCOMERS:
        member = _user(
            email_for(first, last),
            f"{first} {last}",
            team=team,
            site=site,
            languages=["fr"],
            preferred_language="fr",
        )
        membership = _membership(member, national)
        Membership.objects.filter(pk=membership.pk).update(joined_at=now - timedelta(days=days))
        from community.services import accept_charter

        accept_charter(member=member, community=national)
        if active:
            resource_services.share_resource(
                check_rate=False,
                community=national,
                by=member,
                kind="link",
                title=f"Ma ressource préférée, par {first}",
                summary="Le site que je consulte avant chaque nouvelle formation.",
                url="https://www.example.org/favori-" + first.lower(),
                tags=["débuter"],
            )


@transaction.atomic
def seed(out: TextIO) -> None:
    if Event.objects.filter(title=MARKER).exists():
        out.write("community life: already there\n")
        return
    now = timezone.now()
    communities = {c.slug: c for c in Community.objects.filter(slug__in=RITUALS)}
    people = _people()
    admin = Member.objects.get(user__email="admin@demo.example")
    for slug, text in RITUALS.items():
        set_rituals(community=communities[slug], by=admin, text=text)
    events = _events(communities, people, now)
    # A monthly series in Lyon, every first Thursday at 19:00.
    lyon = communities["formateurs-lyon"]
    today = timezone.localtime(now, PARIS)
    first_day = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    thursday = first_day + timedelta(days=(3 - first_day.weekday()) % 7)
    start = thursday.replace(hour=19, minute=0, second=0, microsecond=0)
    events += event_services.create_event(
        community=lyon,
        by=people[9],
        title="Rencontre du premier jeudi",
        kind="thematic",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        tz="Europe/Paris",
        description="Notre rendez-vous mensuel : un thème, un invité, un verre.",
        place="Lyon Part-Dieu, salle Rhône",
        capacity=20,
        tags=["rencontre"],
        recurrence="monthly_weekday",
        occurrences=6,
    )
    for index, event in enumerate(events):
        _registrations(event, _active_members(event.community), now, index)
    resources = _resources(communities, people, events)
    _backdate(resources, now)
    _votes(resources)
    _collections(communities)
    _surveys(communities, now)
    _newcomers(communities, now)
    out.write(
        f"community life: {Event.objects.count()} events, {Resource.objects.count()} resources, "
        f"{Survey.objects.count()} surveys, {len(NEWCOMERS)} newcomers\n"
    )
