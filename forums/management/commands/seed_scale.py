"""``seed_scale``: one public community filled with a realistic forum at scale.

Everything is generated inside PostgreSQL (``INSERT … SELECT generate_series``), so a
million posts take minutes, not hours: members with their accounts and memberships,
categories, tags (taggit rows and ``Topic.tag_list``), ~1 topic for 5 posts (a fifth of
them questions, half of those solved), one topic of 5,000 posts, bilingual post text from
a word list (the generated ``search_vector`` column fills itself, so full-text search is
meaningful), reactions, follows, read states, and the ``forums.*`` activity rows of the
contract in docs/activity.md. Denormalised counters (topic, category, post reactions,
community member count) are computed from the same formulas as the rows, so they agree.

``--reset`` removes a previous run first (the community and its members), which makes the
command repeatable. Refused where ``ALLOW_DEMO_DATA`` is off.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

SLUG = "scale"
EMAIL_DOMAIN = "scale.example"
BIG_TOPIC_POSTS = 5000
PHRASES = 4000

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Hugo",
    "Nora",
    "Yanis",
    "Inès",
    "Lucas",
    "Chloé",
    "Adam",
    "Jade",
    "Louis",
    "Manon",
    "Malik",
    "Sarah",
    "Tom",
    "Lina",
    "Jules",
    "Zoé",
    "Noah",
    "Emma",
    "Samir",
    "Alice",
    "Enzo",
    "Maya",
    "Amir",
    "Julie",
    "Théo",
    "Anna",
    "Karim",
    "Clara",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
]
FR_WORDS = [
    "apprenant",
    "apprenants",
    "apprenante",
    "formation",
    "formateur",
    "formatrice",
    "atelier",
    "ateliers",
    "évaluation",
    "évaluations",
    "compétence",
    "compétences",
    "exercice",
    "exercices",
    "projet",
    "projets",
    "tutorat",
    "mentorat",
    "entraide",
    "cours",
    "séance",
    "séances",
    "classe",
    "virtuelle",
    "tableur",
    "posture",
    "pédagogie",
    "pédagogique",
    "ressource",
    "ressources",
    "question",
    "réponse",
    "réponses",
    "groupe",
    "groupes",
    "stage",
    "stages",
    "alternance",
    "entreprise",
    "métier",
    "métiers",
    "outil",
    "outils",
    "méthode",
    "méthodes",
    "retour",
    "retours",
    "motivation",
    "progression",
    "objectif",
    "objectifs",
    "certification",
    "jury",
    "dossier",
    "oral",
    "écrit",
    "module",
    "modules",
    "parcours",
    "plateforme",
    "vidéo",
    "lecture",
    "synthèse",
    "débat",
    "idée",
    "idées",
    "conseil",
    "conseils",
    "difficulté",
    "difficultés",
    "réussite",
    "échec",
    "révision",
    "révisions",
    "calendrier",
    "planning",
    "rythme",
    "autonomie",
    "collaboration",
    "communauté",
    "partage",
    "partager",
    "apprendre",
    "comprendre",
    "expliquer",
    "préparer",
    "réviser",
    "présenter",
    "corriger",
    "proposer",
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "et",
    "pour",
    "avec",
    "dans",
    "sur",
    "mais",
    "donc",
    "aussi",
    "très",
    "bien",
    "vraiment",
    "souvent",
    "toujours",
    "parfois",
    "notre",
    "votre",
    "leur",
    "chaque",
    "plusieurs",
]
EN_WORDS = [
    "learner",
    "learners",
    "learning",
    "training",
    "trainer",
    "workshop",
    "workshops",
    "assessment",
    "skill",
    "skills",
    "exercise",
    "exercises",
    "project",
    "projects",
    "tutoring",
    "mentoring",
    "mentor",
    "peer",
    "course",
    "session",
    "sessions",
    "classroom",
    "spreadsheet",
    "teaching",
    "resource",
    "resources",
    "question",
    "answer",
    "answers",
    "group",
    "groups",
    "internship",
    "company",
    "job",
    "tool",
    "tools",
    "method",
    "methods",
    "feedback",
    "motivation",
    "progress",
    "goal",
    "goals",
    "certificate",
    "exam",
    "portfolio",
    "presentation",
    "module",
    "modules",
    "pathway",
    "platform",
    "video",
    "reading",
    "summary",
    "debate",
    "idea",
    "ideas",
    "advice",
    "difficulty",
    "success",
    "failure",
    "revision",
    "calendar",
    "schedule",
    "pace",
    "autonomy",
    "collaboration",
    "community",
    "sharing",
    "share",
    "learn",
    "understand",
    "explain",
    "prepare",
    "review",
    "present",
    "correct",
    "suggest",
    "the",
    "a",
    "an",
    "of",
    "and",
    "for",
    "with",
    "in",
    "on",
    "but",
    "so",
    "also",
    "very",
    "well",
    "really",
    "often",
    "always",
    "sometimes",
    "our",
    "your",
    "their",
    "each",
    "several",
]
CATEGORIES = [
    ("Entraide", "entraide"),
    ("Outils numériques", "outils"),
    ("Évaluation", "evaluation"),
    ("Stages et alternance", "stages"),
    ("Projets", "projets"),
    ("Café", "cafe"),
    ("Methods in English", "methods"),
    ("Annonces", "annonces"),
]
TAGS = [
    "tableur",
    "python",
    "excel",
    "oral",
    "écrit",
    "jury",
    "stage",
    "alternance",
    "cv",
    "entretien",
    "motivation",
    "projet",
    "groupe",
    "évaluation",
    "rubrique",
    "portfolio",
    "vidéo",
    "podcast",
    "lecture",
    "synthèse",
    "mathématiques",
    "français",
    "anglais",
    "numérique",
    "sécurité",
    "accessibilité",
    "inclusion",
    "handicap",
    "mentorat",
    "tutorat",
    "planning",
    "révision",
    "examen",
    "certification",
    "réseau",
    "linkedin",
    "veille",
    "ia",
    "chatgpt",
    "moodle",
]


class Command(BaseCommand):
    help = (
        "Fill one public community ('scale') with a large realistic forum, fast "
        "(--posts 1000000 for the full size). Refused where ALLOW_DEMO_DATA is off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--posts", type=int, default=20000, help="number of posts")
        parser.add_argument(
            "--members", type=int, default=0, help="number of members (default: posts/200)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove a previous run's community first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("Generated data is disabled here (ALLOW_DEMO_DATA is off).")
        posts = max(int(options["posts"]), 50)
        members = int(options["members"]) or min(5000, max(20, posts // 200))
        started = time.perf_counter()
        if options["reset"]:
            reset()
        elif community_exists():
            raise CommandError(f"The community '{SLUG}' exists already: add --reset.")
        figures = seed(posts=posts, members=members, log=self.stdout.write)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {figures['posts']:,} posts, {figures['topics']:,} topics, "
                f"{figures['members']:,} members, {figures['reactions']:,} reactions, "
                f"{figures['events']:,} activity rows in {elapsed:.1f} s"
            )
        )


def community_exists() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM community_community WHERE slug = %s", [SLUG])
        return cur.fetchone() is not None


def reset() -> None:
    """Delete a previous run: its community's forum rows, then its members and accounts."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT id FROM community_community WHERE slug = %s", [SLUG])
        row = cur.fetchone()
        topic_ct = ContentType.objects.get_for_model(_model("forums", "Topic")).pk
        if row:
            cid = row[0]
            cur.execute("DELETE FROM community_activityevent WHERE community_id = %s", [cid])
            cur.execute(
                "DELETE FROM taggit_taggeditem WHERE content_type_id = %s AND object_id IN "
                "(SELECT id FROM forums_topic WHERE community_id = %s)",
                [topic_ct, cid],
            )
            for table, column in (
                (
                    "forums_reaction",
                    "post_id IN (SELECT id FROM forums_post WHERE community_id = %s)",
                ),
                (
                    "forums_postrevision",
                    "post_id IN (SELECT id FROM forums_post WHERE community_id = %s)",
                ),
                (
                    "forums_topicread",
                    "topic_id IN (SELECT id FROM forums_topic WHERE community_id = %s)",
                ),
                (
                    "forums_topicfollow",
                    "topic_id IN (SELECT id FROM forums_topic WHERE community_id = %s)",
                ),
                (
                    "forums_categoryfollow",
                    "category_id IN (SELECT id FROM forums_category WHERE community_id = %s)",
                ),
                ("forums_tagfollow", "community_id = %s"),
            ):
                cur.execute(f"DELETE FROM {table} WHERE {column}", [cid])  # noqa: S608
            cur.execute(
                "UPDATE forums_topic SET accepted_post_id = NULL, last_poster_id = NULL "
                "WHERE community_id = %s",
                [cid],
            )
            cur.execute(
                "UPDATE forums_post SET reply_to_id = NULL "
                "WHERE community_id = %s AND reply_to_id IS NOT NULL",
                [cid],
            )
            cur.execute("DELETE FROM forums_post WHERE community_id = %s", [cid])
            cur.execute("DELETE FROM forums_topic WHERE community_id = %s", [cid])
        from community.models import Community, User

        Community.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


def _drop_plain_indexes(cur: Any, tables: list[str]) -> list[str]:
    """Drop the indexes that back no constraint (rebuilt in one pass at the end, which is
    several times faster than maintaining them row by row); return their definitions."""
    cur.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i
           WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [tables],
    )
    rows = cur.fetchall()
    for name, _definition in rows:
        cur.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def _model(app: str, name: str) -> Any:
    from django.apps import apps

    return apps.get_model(app, name)


def _ct(app: str, name: str) -> int:
    return ContentType.objects.get_for_model(_model(app, name)).pk


def seed(*, posts: int, members: int, log: Any = print) -> dict[str, int]:
    """Create the community and its forum; return the row counts."""
    from django.utils.text import slugify
    from taggit.models import Tag

    from community.models import Community

    def step(label: str, sql: str, params: Any = None) -> int:
        t0 = time.perf_counter()
        cur.execute(sql, params)
        log(f"  {label:<34} {cur.rowcount:>10,} rows {time.perf_counter() - t0:6.1f} s")
        return cur.rowcount

    with transaction.atomic():
        community = Community.objects.create(
            name="Grande communauté",
            slug=SLUG,
            tagline="Une communauté publique générée pour mesurer la vitesse des forums.",
            language="fr",
            visibility="public",
            join_policy="open",
            accent_colour="#1f5f8b",
        )
        cid = community.pk
        tag_ids = []
        for name in TAGS:
            tag, _created = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
            tag_ids.append(tag.pk)
        password = make_password("scale-password-1234")
        topic_ct, post_ct = _ct("forums", "Topic"), _ct("forums", "Post")

        with connection.cursor() as cur:
            # ON COMMIT DROP does not fire inside an outer transaction (tests): clean first.
            cur.execute(
                "DROP TABLE IF EXISTS seed_plan, seed_tags, seed_posts, seed_phrases, "
                "seed_topic_tags"
            )
            # The rows are consistent by construction: skip the per-row foreign-key
            # triggers when allowed (superuser), which divides the time by two.
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cur.fetchone()[0]:
                cur.execute("SET LOCAL session_replication_role = replica")
            # --- people -----------------------------------------------------------
            cur.execute("SELECT coalesce(max(id), 0) FROM community_user")
            base_user = cur.fetchone()[0]
            step(
                "users",
                """INSERT INTO community_user (id, password, is_superuser, email, is_staff,
                       is_active, date_joined)
                   SELECT %(b)s + g, %(pw)s, false, 'm' || g || '@' || %(domain)s, false, true,
                          now() - make_interval(days => (g %% 700)::int)
                   FROM generate_series(1, %(m)s) g""",
                {"b": base_user, "pw": password, "domain": EMAIL_DOMAIN, "m": members},
            )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('community_user', 'id'), "
                "(SELECT max(id) FROM community_user))"
            )
            cur.execute("SELECT coalesce(max(id), 0) FROM community_member")
            base_member = cur.fetchone()[0]
            step(
                "members",
                """INSERT INTO community_member (id, handle, display_name, search_name, avatar,
                       bio, team, site, languages, preferred_language, timezone,
                       suspension_reason, unread_notifications, is_anonymized, created_at,
                       updated_at, user_id)
                   SELECT %(b)s + g, 'scale-' || g, n, lower(n), '', '', '', '',
                          CASE WHEN g %% 4 = 0 THEN ARRAY['fr','en'] ELSE ARRAY['fr'] END,
                          '', 'Europe/Paris', '', 0, false, now(), now(), %(bu)s + g
                   FROM (SELECT g, (%(first)s::text[])[1 + g %% %(nf)s] || ' '
                                 || (%(last)s::text[])[1 + (g / %(nf)s) %% %(nl)s] || ' ' || g AS n
                         FROM generate_series(1, %(m)s) g) s""",
                {
                    "b": base_member,
                    "bu": base_user,
                    "m": members,
                    "first": FIRST_NAMES,
                    "last": LAST_NAMES,
                    "nf": len(FIRST_NAMES),
                    "nl": len(LAST_NAMES),
                },
            )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('community_member', 'id'), "
                "(SELECT max(id) FROM community_member))"
            )
            step(
                "memberships",
                """INSERT INTO community_membership (role, status, request_message, joined_at,
                       accepted_charter_version, silence_reason, ban_reason, updated_at,
                       community_id, member_id)
                   SELECT CASE WHEN g = 1 THEN 'animator' ELSE 'member' END, 'active', '',
                          now() - make_interval(days => (g %% 700)::int), 1, '', '', now(), %(c)s,
                          %(b)s + g
                   FROM generate_series(1, %(m)s) g""",
                {"b": base_member, "c": cid, "m": members},
            )
            cur.execute(
                "UPDATE community_community SET member_count = %s, charter_version = 1 "
                "WHERE id = %s",
                [members, cid],
            )
            # --- categories -------------------------------------------------------
            cat_ids = []
            for position, (name, slug) in enumerate(CATEGORIES):
                cur.execute(
                    """INSERT INTO forums_category (name, slug, description, colour, position,
                           allowed_roles, topic_count, post_count, created_at, community_id)
                       VALUES (%s, %s, %s, '#1f5f8b', %s, '{}', 0, 0, now(), %s) RETURNING id""",
                    [name, slug, f"Les discussions « {name} ».", position, cid],
                )
                cat_ids.append(cur.fetchone()[0])

            # --- the plan: one row per topic (size, author, dates, tags, kind) -----
            # Topic 1 is the long one; the others hold 1..9 posts (5 on average).
            big = min(BIG_TOPIC_POSTS, posts // 4)
            cur.execute("SELECT coalesce(max(id), 0) FROM forums_topic")
            base_topic = cur.fetchone()[0]
            cur.execute("SELECT coalesce(max(id), 0) FROM forums_post")
            base_post = cur.fetchone()[0]
            cur.execute(
                """CREATE TEMP TABLE seed_plan ON COMMIT DROP AS
                   WITH sizes AS (
                     SELECT g AS k, CASE WHEN g = 1 THEN %(big)s ELSE 1 + (g * 7919) %% 9 END AS n
                     FROM generate_series(1::bigint, %(posts)s / 3) g
                   ), cum AS (
                     SELECT k, n, sum(n) OVER (ORDER BY k) - n AS before FROM sizes
                   )
                   SELECT k, %(bt)s + k AS id, least(n, %(posts)s - before)::int AS n,
                          %(bp)s + before + 1 AS first_post,
                          %(bm)s + 1 + (k * 104729) %% %(m)s AS author,
                          CASE WHEN k %% 5 = 0 THEN 'question' ELSE 'discussion' END AS kind,
                          CASE WHEN k %% 10 = 3 THEN 'en' ELSE 'fr' END AS language,
                          (%(cats)s::bigint[])[1 + (k * 31) %% %(ncat)s] AS category,
                          now() - make_interval(mins => ((%(posts)s / 3 - k) * 3 + 600)::int)
                            AS created_at
                   FROM cum WHERE before < %(posts)s""",
                {
                    "big": big,
                    "posts": posts,
                    "bt": base_topic,
                    "bp": base_post,
                    "bm": base_member,
                    "m": members,
                    "cats": cat_ids,
                    "ncat": len(cat_ids),
                },
            )
            cur.execute("ALTER TABLE seed_plan ADD PRIMARY KEY (k)")
            # The long topic is fresh: its posts run up to a few minutes ago.
            cur.execute(
                "UPDATE seed_plan SET created_at = now() - make_interval(mins => (n + 5)::int), "
                "category = %s WHERE k = 1",
                [cat_ids[0]],
            )
            cur.execute(
                """CREATE TEMP TABLE seed_tags ON COMMIT DROP AS
                   SELECT DISTINCT p.id AS topic_id, t.id AS tag_id, t.slug, t.name
                   FROM seed_plan p
                   CROSS JOIN LATERAL (VALUES (p.k %% %(nt)s), ((p.k * 7 + 3) %% %(nt)s),
                                              ((p.k * 13 + 5) %% %(nt)s)) AS v(i)
                   JOIN taggit_tag t ON t.id = (%(tags)s::int[])[1 + v.i]
                   WHERE p.k %% 4 <> 0
                     AND (v.i = p.k %% %(nt)s OR (v.i = (p.k * 7 + 3) %% %(nt)s AND p.k %% 3 = 0)
                          OR (v.i = (p.k * 13 + 5) %% %(nt)s AND p.k %% 7 = 0))""",
                {"nt": len(tag_ids), "tags": tag_ids},
            )
            cur.execute("CREATE INDEX ON seed_tags (topic_id)")
            cur.execute("ANALYZE seed_plan")
            cur.execute("ANALYZE seed_tags")
            # Post n of topic k: id first_post + n - 1, author below, posted 3 min apart.
            cur.execute(
                """CREATE TEMP TABLE seed_posts ON COMMIT DROP AS
                   SELECT p.k, p.id AS topic_id, p.first_post + g - 1 AS id, g AS number,
                          CASE WHEN g = 1 THEN p.author
                               ELSE %(bm)s + 1 + ((p.first_post + g) * 7907) %% %(m)s END
                            AS author,
                          p.created_at + make_interval(mins => ((g - 1) * 3)::int) AS created_at
                   FROM seed_plan p, generate_series(1, p.n) g""",
                {"bm": base_member, "m": members},
            )
            cur.execute("ALTER TABLE seed_posts ADD PRIMARY KEY (id)")
            cur.execute("CREATE INDEX ON seed_posts (topic_id, number)")
            cur.execute("ANALYZE seed_posts")

            # --- topics -----------------------------------------------------------
            step(
                "topics",
                """INSERT INTO forums_topic (id, kind, title, tag_list, created_at, post_count,
                       reply_count, last_number, last_post_at, solved_at, subject_url,
                       accepted_post_id, author_id, category_id, community_id, last_poster_id)
                   SELECT p.id, p.kind,
                          CASE WHEN p.k = 1 THEN 'Le grand fil de l’entraide (5 000 messages)'
                               WHEN p.language = 'en' THEN initcap(w.en[1 + p.k %% w.ne]) || ' '
                                 || w.en[1 + (p.k * 3) %% w.ne] || ': '
                                 || w.en[1 + (p.k * 11) %% w.ne] || ' '
                                 || w.en[1 + (p.k * 17) %% w.ne] || '?'
                               ELSE initcap(w.fr[1 + p.k %% w.nf]) || ' et '
                                 || w.fr[1 + (p.k * 3) %% w.nf] || ' : '
                                 || w.fr[1 + (p.k * 11) %% w.nf] || ' '
                                 || w.fr[1 + (p.k * 17) %% w.nf] || ' ?' END
                            || ' #' || p.k,
                          coalesce((SELECT jsonb_agg(jsonb_build_array(t.slug, t.name)
                                                     ORDER BY t.slug)
                                    FROM seed_tags t WHERE t.topic_id = p.id), '[]'::jsonb),
                          p.created_at, p.n, p.n - 1, p.n, l.created_at,
                          CASE WHEN p.kind = 'question' AND p.n > 1 AND p.k %% 2 = 0
                               THEN p.created_at + interval '1 hour' END,
                          '',
                          CASE WHEN p.kind = 'question' AND p.n > 1 AND p.k %% 2 = 0
                               THEN p.first_post + 1 END,
                          p.author, p.category, %(c)s, l.author
                   FROM seed_plan p
                   JOIN seed_posts l ON l.id = p.first_post + p.n - 1,
                   (SELECT %(fr)s::text[] AS fr, %(en)s::text[] AS en,
                           %(nf)s AS nf, %(ne)s AS ne) w""",
                {
                    "c": cid,
                    "fr": FR_WORDS,
                    "en": EN_WORDS,
                    "nf": len(FR_WORDS),
                    "ne": len(EN_WORDS),
                },
            )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('forums_topic', 'id'), "
                "(SELECT max(id) FROM forums_topic))"
            )
            step(
                "taggit rows",
                """INSERT INTO taggit_taggeditem (object_id, content_type_id, tag_id)
                   SELECT topic_id, %s, tag_id FROM seed_tags""",
                [topic_ct],
            )

            # --- posts (the GIN index is built once at the end: much faster) --------
            # Bodies join three of 4,000 generated phrases per language (64 billion
            # combinations): cheap to build, varied enough for search to mean something.
            cur.execute(
                """CREATE TEMP TABLE seed_phrases ON COMMIT DROP AS
                   SELECT l.language, g - 1 AS i, array_to_string(ARRAY(
                     SELECT CASE WHEN l.language = 'en'
                                 THEN (%(en)s::text[])[1 + ((g * 31 + i * 17 + i * i) %% %(ne)s)]
                                 ELSE (%(fr)s::text[])[1 + ((g * 31 + i * 17 + i * i) %% %(nf)s)]
                            END
                     FROM generate_series(1, 5 + (g %% 9)) i), ' ') AS text
                   FROM (VALUES ('fr'), ('en')) l(language), generate_series(1, %(np)s) g""",
                {
                    "fr": FR_WORDS,
                    "en": EN_WORDS,
                    "nf": len(FR_WORDS),
                    "ne": len(EN_WORDS),
                    "np": PHRASES,
                },
            )
            cur.execute("ALTER TABLE seed_phrases ADD PRIMARY KEY (language, i)")
            cur.execute("ANALYZE seed_phrases")
            dropped = _drop_plain_indexes(cur, ["forums_post", "community_activityevent"])
            step(
                "posts",
                """INSERT INTO forums_post (id, number, body, body_html, search_title, language,
                       reaction_counts, created_at, edit_count, hidden_reason, author_id,
                       community_id, reply_to_id, topic_id, notified_at)
                   SELECT s.id, s.number, b.body, '<p>' || b.body || '</p>',
                          CASE WHEN s.number = 1 THEN t.title ELSE '' END, p.language,
                          jsonb_strip_nulls(jsonb_build_object(
                            '👍', nullif(CASE WHEN s.id %% 4 = 0 THEN 1 + (s.id / 4) %% 4
                                              ELSE 0 END, 0),
                            '❤️', nullif(CASE WHEN s.id %% 11 = 0 THEN 1 + s.id %% 2
                                              ELSE 0 END, 0),
                            '💡', nullif(CASE WHEN s.id %% 7 = 0 THEN 1 ELSE 0 END, 0))),
                          s.created_at, 0, '', s.author, %(c)s,
                          CASE WHEN s.number > 2 AND s.id %% 5 = 0 THEN s.id - 1 END,
                          s.topic_id, s.created_at
                   FROM seed_posts s
                   JOIN seed_plan p ON p.k = s.k
                   JOIN forums_topic t ON t.id = s.topic_id
                   JOIN seed_phrases f1 ON f1.language = p.language
                     AND f1.i = (s.id * 31) %% %(np)s
                   JOIN seed_phrases f2 ON f2.language = p.language
                     AND f2.i = (s.id * 17 + 7) %% %(np)s
                   CROSS JOIN LATERAL (
                     SELECT f1.text || ' ' || f2.text
                            || CASE WHEN s.id %% 3 = 0 THEN ' ' || f3.text ELSE '' END
                            || '.' AS body
                     FROM seed_phrases f3 WHERE f3.language = p.language
                      AND f3.i = (s.id * 7 + 3) %% %(np)s
                   ) b""",
                {"c": cid, "np": PHRASES},
            )
            n_posts = cur.rowcount
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('forums_post', 'id'), "
                "(SELECT max(id) FROM forums_post))"
            )
            # Reactions: the same formulas as reaction_counts; the k-th reactor of a
            # post is never its author (offsets k * 97 modulo the member count).
            step(
                "reactions",
                """INSERT INTO forums_reaction (emoji, created_at, member_id, post_id)
                   SELECT r.emoji, s.created_at + make_interval(mins => r.j::int),
                          %(bm)s + 1 + ((s.author - %(bm)s - 1) + r.j * 97) %% %(m)s, s.id
                   FROM seed_posts s
                   CROSS JOIN LATERAL (
                     SELECT '👍' AS emoji, j FROM generate_series(1,
                       CASE WHEN s.id %% 4 = 0 THEN 1 + (s.id / 4) %% 4 ELSE 0 END) j
                     UNION ALL
                     SELECT '❤️', 4 + j FROM generate_series(1,
                       CASE WHEN s.id %% 11 = 0 THEN 1 + s.id %% 2 ELSE 0 END) j
                     UNION ALL
                     SELECT '💡', 6 + j FROM generate_series(1,
                       CASE WHEN s.id %% 7 = 0 THEN 1 ELSE 0 END) j
                   ) r""",
                {"bm": base_member, "m": members},
            )
            n_reactions = cur.rowcount
            step(
                "follows (authors watch)",
                """INSERT INTO forums_topicfollow (level, created_at, member_id, topic_id)
                   SELECT 'watching', created_at, author, id FROM seed_plan""",
            )
            step(
                "follows (others)",
                """INSERT INTO forums_topicfollow (level, created_at, member_id, topic_id)
                   SELECT DISTINCT ON (s.topic_id, s.author) 'watching', s.created_at,
                          s.author, s.topic_id
                   FROM seed_posts s JOIN seed_plan p ON p.k = s.k
                   WHERE s.number > 1 AND s.id % 3 = 0 AND s.author <> p.author
                   ORDER BY s.topic_id, s.author
                   ON CONFLICT DO NOTHING""",
            )
            # Read states: every member has read some topics, part of the way; member 1
            # (the animator) and member 2 have read the long topic up to post 100.
            step(
                "read states",
                """INSERT INTO forums_topicread (last_read_number, updated_at, member_id, topic_id)
                   SELECT DISTINCT ON (mm, p.id) greatest(1, p.n - (g %% 3)), now(), mm, p.id
                   FROM generate_series(1, least(%(m)s * 20, %(topics)s * 2)) g
                   JOIN seed_plan p ON p.k = 1 + (g * 7) %% %(topics)s
                   CROSS JOIN LATERAL (SELECT %(bm)s + 1 + (g %% %(m)s) AS mm) x
                   WHERE p.k <> 1
                   ORDER BY mm, p.id
                   ON CONFLICT DO NOTHING""",
                {"m": members, "bm": base_member, "topics": posts // 5},
            )
            cur.execute(
                """INSERT INTO forums_topicread (last_read_number, updated_at, member_id, topic_id)
                   SELECT 100, now(), %(bm)s + m, %(bt)s + 1 FROM generate_series(1, 2) m
                   ON CONFLICT DO NOTHING""",
                {"bm": base_member, "bt": base_topic},
            )

            # --- counters -----------------------------------------------------------
            cur.execute(
                """UPDATE forums_category c SET topic_count = a.topics, post_count = a.posts,
                          last_post_at = a.last
                   FROM (SELECT category_id, count(*) AS topics, sum(post_count) AS posts,
                                max(last_post_at) AS last
                         FROM forums_topic WHERE community_id = %s AND deleted_at IS NULL
                         GROUP BY category_id) a
                   WHERE c.id = a.category_id""",
                [cid],
            )

            # --- activity (the contract of docs/activity.md) -------------------------
            events = 0
            events += step(
                "activity: topics",
                """INSERT INTO community_activityevent (verb, target_id, occurred_at, payload,
                       target_type_id, community_id, actor_id)
                   SELECT 'forums.topic_created', t.id, t.created_at,
                          jsonb_build_object('topic_id', t.id, 'post_id', p.first_post,
                            'category_id', t.category_id, 'kind', t.kind,
                            'tags', (SELECT coalesce(jsonb_agg(e->0 ORDER BY e->>0), '[]')
                                     FROM jsonb_array_elements(t.tag_list) e)),
                          %(tct)s, %(c)s, t.author_id
                   FROM forums_topic t JOIN seed_plan p ON p.id = t.id""",
                {"tct": topic_ct, "c": cid},
            )
            cur.execute(
                """CREATE TEMP TABLE seed_topic_tags ON COMMIT DROP AS
                   SELECT t.id, t.kind, t.author_id, t.accepted_post_id, t.created_at,
                          (SELECT coalesce(jsonb_agg(e->0 ORDER BY e->>0), '[]')
                           FROM jsonb_array_elements(t.tag_list) e) AS tags
                   FROM forums_topic t JOIN seed_plan p ON p.id = t.id"""
            )
            cur.execute("ALTER TABLE seed_topic_tags ADD PRIMARY KEY (id)")
            cur.execute("ANALYZE seed_topic_tags")
            events += step(
                "activity: replies",
                """INSERT INTO community_activityevent (verb, target_id, occurred_at, payload,
                       target_type_id, community_id, actor_id)
                   SELECT 'forums.post_created', s.id, s.created_at,
                          jsonb_build_object('post_id', s.id, 'topic_id', s.topic_id,
                            'topic_kind', t.kind, 'topic_author_id', t.author_id,
                            'reply_to_member_id', r.author, 'tags', t.tags),
                          %(pct)s, %(c)s, s.author
                   FROM seed_posts s
                   JOIN seed_topic_tags t ON t.id = s.topic_id
                   LEFT JOIN seed_posts r
                     ON r.id = s.id - 1 AND s.number > 2 AND s.id %% 5 = 0
                   WHERE s.number > 1""",
                {"pct": post_ct, "c": cid},
            )
            events += step(
                "activity: reactions",
                """INSERT INTO community_activityevent (verb, target_id, occurred_at, payload,
                       target_type_id, community_id, actor_id)
                   SELECT 'forums.reaction_added', r.post_id, r.created_at,
                          jsonb_build_object('post_id', r.post_id, 'topic_id', s.topic_id,
                            'emoji', r.emoji, 'for_member_id', s.author, 'tags', t.tags),
                          %(pct)s, %(c)s, r.member_id
                   FROM forums_reaction r
                   JOIN seed_posts s ON s.id = r.post_id
                   JOIN seed_topic_tags t ON t.id = s.topic_id""",
                {"pct": post_ct, "c": cid},
            )
            events += step(
                "activity: accepted answers",
                """INSERT INTO community_activityevent (verb, target_id, occurred_at, payload,
                       target_type_id, community_id, actor_id)
                   SELECT 'forums.answer_accepted', t.accepted_post_id,
                          t.created_at + interval '1 hour',
                          jsonb_build_object('post_id', t.accepted_post_id, 'topic_id', t.id,
                            'for_member_id', a.author, 'question_author_id', t.author_id,
                            'question_created_at',
                            to_char(t.created_at AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
                            'tags', t.tags),
                          %(pct)s, %(c)s, t.author_id
                   FROM seed_topic_tags t JOIN seed_posts a ON a.id = t.accepted_post_id
                   WHERE t.accepted_post_id IS NOT NULL""",
                {"pct": post_ct, "c": cid},
            )
            cur.execute("SELECT count(*) FROM seed_plan")
            n_topics = cur.fetchone()[0]
            t0 = time.perf_counter()
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            log(f"  {'foreign keys checked':<34} {'':>10}      {time.perf_counter() - t0:6.1f} s")
            t0 = time.perf_counter()
            for definition in dropped:
                cur.execute(definition)
            log(
                f"  {'indexes rebuilt':<34} {len(dropped):>10,}      "
                f"{time.perf_counter() - t0:6.1f} s"
            )
    with connection.cursor() as cur:
        t0 = time.perf_counter()
        for table in (
            "forums_post",
            "forums_topic",
            "forums_reaction",
            "forums_topicread",
            "forums_topicfollow",
            "community_activityevent",
            "community_member",
            "community_membership",
            "taggit_taggeditem",
        ):
            cur.execute(f"ANALYZE {table}")
        log(f"  {'analyze':<34} {'':>10}      {time.perf_counter() - t0:6.1f} s")
    return {
        "posts": n_posts,
        "topics": n_topics,
        "members": members,
        "reactions": n_reactions,
        "events": events,
    }
