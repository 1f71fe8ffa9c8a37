# ruff: noqa: S608, E501  (SQL assembled from this module's constants only; definitions are long texts)
"""The figures of the monthly dashboards, one registered function per metric.

Each function runs one or two SQL aggregates over the activity log
(``community_activityevent``) and domain tables for one community-month (see
`analytics.registry.Scope`): no Python loop over rows. Forum and recognition figures read
only the verbs of the activity contract (docs/activity.md), so this module imports neither
app; they stay at zero until those apps record activity.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _

from analytics.registry import Figure, Kind, Scope, Value, metric, one, rows
from community.selectors.surveys import nps

# Diversity is not shown below this many tagged contributions in the month (too few to
# say anything about the spread of topics).
DIVERSITY_MIN_CONTRIBUTIONS = 20

# Verbs that count as contributions even when their app is not installed (the contract in
# docs/activity.md); the registry adds every verb registered with ``contribution=True``.
CONTRACT_CONTRIBUTIONS = ("forums.topic_created", "forums.post_created", "recognition.kudos_given")

MONTH = """community_id = ANY(%(communities)s)
    AND occurred_at >= %(start)s AND occurred_at < %(end)s"""
EVENTS = "community_activityevent"


def _round(value: object, digits: int = 2) -> float | None:
    if value is None:
        return None
    return round(float(value), digits)  # type: ignore[arg-type]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@metric(
    "members",
    Figure(
        "members_total",
        _("Members"),
        _("Members of the community (and its chapters, each person once) at the end of the month."),
        chart=True,
    ),
    Figure(
        "members_new",
        _("New members"),
        _("Members who joined the community or one of its chapters for the first time this month."),
        chart=True,
    ),
    Figure(
        "members_active",
        _("Active members"),
        _(
            "Members with at least one recorded action in the month (a post, a reaction, an RSVP…), each person once."
        ),
        chart=True,
    ),
    Figure(
        "members_returning",
        _("Returning members"),
        _("Active this month, not active last month, but active in an earlier month."),
    ),
    Figure(
        "members_churned",
        _("Members who stopped"),
        _("Active last month and not this month."),
        higher_is_better=False,
    ),
    group="members",
    order=10,
)
def members(scope: Scope) -> dict[str, Value]:
    total, new = one(
        """
        SELECT COUNT(*) FILTER (WHERE present), COUNT(*) FILTER (
                   WHERE first_join >= %(start)s AND first_join < %(end)s)
        FROM (
            SELECT member_id,
                   bool_or(joined_at < %(end)s AND (
                       status = 'active'
                       OR (status IN ('left', 'banned') AND left_at >= %(end)s))) AS present,
                   MIN(joined_at) AS first_join
            FROM community_membership
            WHERE community_id = ANY(%(communities)s) AND joined_at IS NOT NULL
            GROUP BY member_id
        ) m
        """,
        scope.params(),
    )
    active, returning, churned = one(
        f"""
        WITH cur AS (
            SELECT DISTINCT actor_id FROM {EVENTS} WHERE actor_id IS NOT NULL AND {MONTH}
        ), prev AS (
            SELECT DISTINCT actor_id FROM {EVENTS}
            WHERE actor_id IS NOT NULL AND community_id = ANY(%(communities)s)
              AND occurred_at >= %(previous_start)s AND occurred_at < %(start)s
        )
        SELECT (SELECT COUNT(*) FROM cur),
               (SELECT COUNT(*) FROM cur
                WHERE actor_id NOT IN (SELECT actor_id FROM prev)
                  AND EXISTS (
                      SELECT 1 FROM {EVENTS} e
                      WHERE e.actor_id = cur.actor_id
                        AND e.community_id = ANY(%(communities)s)
                        AND e.occurred_at < %(previous_start)s)),
               (SELECT COUNT(*) FROM prev WHERE actor_id NOT IN (SELECT actor_id FROM cur))
        """,
        scope.params(),
    )
    return {
        "members_total": total,
        "members_new": new,
        "members_active": active,
        "members_returning": returning,
        "members_churned": churned,
    }


@metric(
    "retention",
    Figure(
        "retention",
        _("Retention by cohort"),
        _(
            "Members grouped by the month of their first contribution: the share of each group active in each later month."
        ),
        kind=Kind.COHORTS,
    ),
    group="members",
    order=15,
)
def retention(scope: Scope) -> dict[str, Value]:
    """{cohort month: [members in the cohort, of whom active this month]} for the twelve
    cohorts up to this month; the dashboard puts the months side by side."""
    found = rows(
        f"""
        WITH firsts AS (
            SELECT actor_id,
                   date_trunc('month', MIN(occurred_at) AT TIME ZONE %(tz)s)::date AS cohort
            FROM {EVENTS}
            WHERE actor_id IS NOT NULL AND community_id = ANY(%(communities)s)
              AND verb = ANY(%(contribution_verbs)s) AND occurred_at < %(end)s
            GROUP BY actor_id
        ), cur AS (
            SELECT DISTINCT actor_id FROM {EVENTS} WHERE actor_id IS NOT NULL AND {MONTH}
        )
        SELECT f.cohort, COUNT(*), COUNT(cur.actor_id)
        FROM firsts f LEFT JOIN cur ON cur.actor_id = f.actor_id
        WHERE f.cohort > (%(start_day)s::date - interval '12 months')
        GROUP BY f.cohort ORDER BY f.cohort
        """,
        scope.params(),
    )
    return {"retention": {f"{cohort:%Y-%m}": [size, act] for cohort, size, act in found}}


@metric(
    "contributions",
    Figure(
        "contributions",
        _("Contributions"),
        _(
            "Actions that add something: topics, replies, resources shared, events organised or attended, mentoring sessions, kudos."
        ),
        chart=True,
    ),
    Figure("topics", _("Topics"), _("Forum topics opened in the month."), chart=True),
    Figure(
        "posts",
        _("Replies"),
        _("Replies posted in forum topics (opening posts not included)."),
        chart=True,
    ),
    Figure("resources", _("Resources shared"), _("Resources added to the library.")),
    Figure(
        "posts_by_members_share",
        _("Posts by members (not animators)"),
        _(
            "Share of forum posts (topics and replies) written by people who are neither animators nor managers, in %."
        ),
        kind=Kind.PERCENT,
    ),
    group="contributions",
    order=20,
)
def contributions(scope: Scope) -> dict[str, Value]:
    total, topics, posts, resources, forum, by_members = one(
        f"""
        WITH staff AS (
            SELECT DISTINCT member_id FROM community_membership
            WHERE community_id = ANY(%(role_communities)s) AND status = 'active'
              AND role IN ('animator', 'manager')
        )
        SELECT COUNT(*) FILTER (WHERE verb = ANY(%(contribution_verbs)s)),
               COUNT(*) FILTER (WHERE verb = 'forums.topic_created'),
               COUNT(*) FILTER (WHERE verb = 'forums.post_created'),
               COUNT(*) FILTER (WHERE verb = 'resources.shared'),
               COUNT(*) FILTER (WHERE verb IN ('forums.topic_created', 'forums.post_created')),
               COUNT(*) FILTER (
                   WHERE verb IN ('forums.topic_created', 'forums.post_created')
                     AND NOT EXISTS (SELECT 1 FROM staff WHERE staff.member_id = e.actor_id))
        FROM {EVENTS} e WHERE {MONTH}
        """,
        scope.params(),
    )
    return {
        "contributions": total,
        "topics": topics,
        "posts": posts,
        "resources": resources,
        "posts_by_members_share": _share(by_members, forum),
    }


QUESTIONS = f"""
    q AS (
        SELECT (payload->>'topic_id')::bigint AS topic_id, occurred_at AS asked_at
        FROM {EVENTS}
        WHERE verb = 'forums.topic_created' AND payload->>'kind' = 'question' AND {MONTH}
    )"""
# An answer accepted by the question's author counts only when someone else wrote it.
ACCEPTED = """verb = 'forums.answer_accepted'
    AND (payload->>'for_member_id') IS DISTINCT FROM (payload->>'question_author_id')"""


@metric(
    "quality",
    Figure(
        "reactions_per_contribution",
        _("Reactions per post"),
        _(
            "Reactions added in the month divided by the forum posts (topics and replies) of the month."
        ),
        kind=Kind.DECIMAL,
        chart=True,
    ),
    Figure(
        "questions_answered_share",
        _("Questions with an accepted answer"),
        _(
            "Share of the month's questions whose author accepted, before the month ended, an answer written by someone else, in %."
        ),
        kind=Kind.PERCENT,
        chart=True,
    ),
    group="quality",
    order=30,
)
def quality(scope: Scope) -> dict[str, Value]:
    reactions, forum = one(
        f"""
        SELECT COUNT(*) FILTER (WHERE verb = 'forums.reaction_added'),
               COUNT(*) FILTER (WHERE verb IN ('forums.topic_created', 'forums.post_created'))
        FROM {EVENTS} WHERE {MONTH}
        """,
        scope.params(),
    )
    asked, answered = one(
        f"""
        WITH {QUESTIONS}, accepted AS (
            SELECT DISTINCT (payload->>'topic_id')::bigint AS topic_id
            FROM {EVENTS} WHERE {ACCEPTED} AND {MONTH}
        )
        SELECT COUNT(*), COUNT(accepted.topic_id)
        FROM q LEFT JOIN accepted ON accepted.topic_id = q.topic_id
        """,
        scope.params(),
    )
    return {
        "reactions_per_contribution": round(reactions / forum, 2) if forum else None,
        "questions_answered_share": _share(answered, asked),
    }


@metric(
    "solving",
    Figure(
        "questions_solved",
        _("Questions solved"),
        _(
            "Questions whose accepted answer (written by someone other than the person who asked) was accepted this month, whenever they were asked."
        ),
        chart=True,
    ),
    Figure(
        "solution_hours_median",
        _("Median time to a solution"),
        _(
            "Median time, in hours, from a question to the acceptance of its answer, over the questions solved this month."
        ),
        kind=Kind.HOURS,
        higher_is_better=False,
    ),
    Figure(
        "questions_asked", _("Questions asked"), _("Forum topics opened as questions this month.")
    ),
    Figure(
        "first_response_hours_median",
        _("Median time to a first reply"),
        _(
            "Over the month's questions that got a reply from someone other than their author before the month ended: median time to that first reply, in hours."
        ),
        kind=Kind.HOURS,
        chart=True,
        higher_is_better=False,
    ),
    Figure(
        "questions_unanswered",
        _("Questions without a reply"),
        _(
            "The month's questions with no reply from anyone but their author by the end of the month (counted here, not dropped from the median)."
        ),
        higher_is_better=False,
    ),
    group="solving",
    order=40,
)
def solving(scope: Scope) -> dict[str, Value]:
    solved, median_solution = one(
        f"""
        WITH solved AS (
            SELECT DISTINCT ON ((payload->>'topic_id')::bigint)
                   EXTRACT(EPOCH FROM occurred_at
                           - (payload->>'question_created_at')::timestamptz) / 3600.0 AS hours
            FROM {EVENTS} WHERE {ACCEPTED} AND {MONTH}
            ORDER BY (payload->>'topic_id')::bigint, occurred_at
        )
        SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FROM solved
        """,
        scope.params(),
    )
    asked, unanswered, median_first = one(
        f"""
        WITH {QUESTIONS}, first AS (
            SELECT (payload->>'topic_id')::bigint AS topic_id, MIN(occurred_at) AS replied_at
            FROM {EVENTS}
            WHERE verb = 'forums.post_created' AND {MONTH}
              AND actor_id IS DISTINCT FROM (payload->>'topic_author_id')::bigint
            GROUP BY 1
        )
        SELECT COUNT(*), COUNT(*) FILTER (WHERE first.topic_id IS NULL),
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY EXTRACT(EPOCH FROM first.replied_at - q.asked_at) / 3600.0)
        FROM q LEFT JOIN first ON first.topic_id = q.topic_id
        """,
        scope.params(),
    )
    return {
        "questions_solved": solved,
        "solution_hours_median": _round(median_solution, 1),
        "questions_asked": asked,
        "first_response_hours_median": _round(median_first, 1),
        "questions_unanswered": unanswered,
    }


@metric(
    "diversity",
    Figure(
        "diversity_evenness",
        _("Evenness of topics"),
        _(
            "How evenly the month's contributions spread over the tags in use, from 0 (all on one tag) to 1 (perfectly even): Shannon entropy H divided by ln S, S the number of tags used. A post with several tags counts for each in equal parts. Not shown below 20 tagged contributions."
        ),
        kind=Kind.DECIMAL,
        chart=True,
        higher_is_better=None,
    ),
    Figure(
        "diversity_effective",
        _("Effective number of topics"),
        _("e to the power H: the number of equally used tags that would give the same spread."),
        kind=Kind.DECIMAL,
        higher_is_better=None,
    ),
    Figure(
        "tags_used",
        _("Tags used"),
        _("Distinct tags on the month's topics, replies and resources."),
        higher_is_better=None,
    ),
    Figure(
        "tagged_contributions",
        _("Tagged contributions"),
        _("Topics, replies and resources of the month that carry at least one tag."),
    ),
    group="diversity",
    order=50,
)
def diversity(scope: Scope) -> dict[str, Value]:
    tagged, tags, entropy = one(
        f"""
        WITH c AS (
            SELECT payload->'tags' AS tags FROM {EVENTS}
            WHERE verb IN ('forums.topic_created', 'forums.post_created', 'resources.shared')
              AND {MONTH}
              AND jsonb_typeof(payload->'tags') = 'array' AND jsonb_array_length(payload->'tags') > 0
        ), w AS (
            SELECT t.tag, SUM(1.0 / jsonb_array_length(c.tags)) AS weight
            FROM c CROSS JOIN LATERAL jsonb_array_elements_text(c.tags) AS t(tag)
            GROUP BY t.tag
        ), p AS (SELECT weight / SUM(weight) OVER () AS share FROM w)
        SELECT (SELECT COUNT(*) FROM c), (SELECT COUNT(*) FROM w),
               (SELECT -SUM(share * ln(share)) FROM p)
        """,
        scope.params(),
    )
    shown = tagged >= DIVERSITY_MIN_CONTRIBUTIONS and tags > 0
    h = float(entropy or 0.0)
    return {
        "diversity_evenness": round(h / math.log(tags), 3) if shown and tags > 1 else None,
        "diversity_effective": round(math.exp(h), 2) if shown else None,
        "tags_used": tags,
        "tagged_contributions": tagged,
    }


@metric(
    "concentration",
    Figure(
        "concentration_half",
        _("Members making half the contributions"),
        _(
            "The smallest number of members who together made at least half of the month's contributions: the higher, the more widely the work is shared."
        ),
        chart=True,
    ),
    Figure(
        "contributors", _("Contributors"), _("Members with at least one contribution in the month.")
    ),
    group="contributions",
    order=25,
)
def concentration(scope: Scope) -> dict[str, Value]:
    half, contributors = one(
        f"""
        WITH per AS (
            SELECT actor_id, COUNT(*) AS n FROM {EVENTS}
            WHERE actor_id IS NOT NULL AND verb = ANY(%(contribution_verbs)s) AND {MONTH}
            GROUP BY actor_id
        ), ranked AS (
            SELECT n, SUM(n) OVER (ORDER BY n DESC, actor_id ROWS UNBOUNDED PRECEDING) AS cum,
                   SUM(n) OVER () AS total
            FROM per
        )
        SELECT COUNT(*) FILTER (WHERE cum - n < total / 2.0), COUNT(*) FROM ranked
        """,
        scope.params(),
    )
    return {"concentration_half": half, "contributors": contributors}


@metric(
    "mentoring",
    Figure(
        "mentoring_pairs",
        _("Mentoring pairs under way"),
        _("Mentorships started before the end of the month and not ended before it began."),
        chart=True,
    ),
    Figure(
        "mentoring_sessions",
        _("Mentoring sessions"),
        _("Sessions logged by the pairs in the month."),
    ),
    Figure(
        "mentoring_hours",
        _("Mentoring hours"),
        _("Total length of the month's sessions, in hours."),
        kind=Kind.HOURS,
    ),
    group="mentoring",
    order=60,
)
def mentoring(scope: Scope) -> dict[str, Value]:
    (pairs,) = one(
        """
        SELECT COUNT(*) FROM mentoring_mentorship
        WHERE community_id = ANY(%(communities)s) AND started_at IS NOT NULL
          AND started_at < %(end)s AND (ended_at IS NULL OR ended_at >= %(start)s)
        """,
        scope.params(),
    )
    sessions, minutes = one(
        f"""
        SELECT COUNT(*), COALESCE(SUM((payload->>'duration_minutes')::numeric), 0)
        FROM {EVENTS} WHERE verb = 'mentoring.session_held' AND {MONTH}
        """,
        scope.params(),
    )
    return {
        "mentoring_pairs": pairs,
        "mentoring_sessions": sessions,
        "mentoring_hours": round(float(minutes) / 60, 1),
    }


@metric(
    "recognition",
    Figure(
        "badges",
        _("Badges earned"),
        _(
            "Badges granted in the month (not counting those granted for past activity when a badge was created)."
        ),
    ),
    Figure("kudos", _("Kudos"), _("Thanks given by members to one another.")),
    Figure("endorsements", _("Skills endorsed"), _("Skills confirmed by another member.")),
    group="recognition",
    order=70,
)
def recognition(scope: Scope) -> dict[str, Value]:
    badges, kudos, endorsements = one(
        f"""
        SELECT COUNT(*) FILTER (
                   WHERE verb = 'recognition.badge_granted'
                     AND COALESCE(payload->>'backfill', 'false') <> 'true'),
               COUNT(*) FILTER (WHERE verb = 'recognition.kudos_given'),
               COUNT(*) FILTER (WHERE verb = 'recognition.skill_endorsed')
        FROM {EVENTS} WHERE {MONTH}
        """,
        scope.params(),
    )
    return {"badges": badges, "kudos": kudos, "endorsements": endorsements}


@metric(
    "events",
    Figure(
        "attendance",
        _("Attendance"),
        _("Members marked present at an event of the month (one per member and event)."),
        chart=True,
    ),
    Figure(
        "events_held",
        _("Events with attendees"),
        _("Events of the month where at least one member was marked present."),
    ),
    group="events",
    order=80,
)
def events(scope: Scope) -> dict[str, Value]:
    attendance, held = one(
        f"""
        SELECT COUNT(*), COUNT(DISTINCT payload->>'event_id')
        FROM {EVENTS} WHERE verb = 'events.attended' AND {MONTH}
        """,
        scope.params(),
    )
    return {"attendance": attendance, "events_held": held}


@metric(
    "satisfaction",
    Figure(
        "satisfaction_mean",
        _("Satisfaction (out of 5)"),
        _("Mean of the ratings (1 to 5) given in the community's surveys answered this month."),
        kind=Kind.DECIMAL,
        chart=True,
    ),
    Figure(
        "nps",
        _("Net promoter score"),
        _(
            "From the “would you recommend” questions (0 to 10) answered this month: the share of 9 and 10 minus the share of 0 to 6, in points from −100 to 100."
        ),
        kind=Kind.SCORE,
    ),
    Figure(
        "survey_answers",
        _("Survey answers"),
        _("Rating and recommendation answers given this month."),
    ),
    group="satisfaction",
    order=90,
)
def satisfaction(scope: Scope) -> dict[str, Value]:
    """Answers counted per question kind and score (at most 16 rows) across the community
    and its chapters; the NPS is `community.selectors.surveys.nps`, the survey pages' own."""
    counts = rows(
        """
        SELECT q.kind, a.number, COUNT(*)
        FROM community_surveyanswer a
        JOIN community_surveyquestion q ON q.id = a.question_id
        JOIN community_survey s ON s.id = q.survey_id
        JOIN community_surveyresponse r ON r.id = a.response_id
        WHERE s.community_id = ANY(%(communities)s) AND a.number IS NOT NULL
          AND q.kind IN ('rating', 'nps')
          AND r.submitted_on >= %(start_day)s AND r.submitted_on < %(end_day)s
        GROUP BY q.kind, a.number
        """,
        scope.params(),
    )
    ratings = {int(n): c for kind, n, c in counts if kind == "rating"}
    scores = {int(n): c for kind, n, c in counts if kind == "nps"}
    rated = sum(ratings.values())
    return {
        "satisfaction_mean": round(sum(n * c for n, c in ratings.items()) / rated, 2)
        if rated
        else None,
        "nps": nps(scores),
        "survey_answers": rated + sum(scores.values()),
    }
