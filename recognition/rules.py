"""The registry of badge rules.

A rule is a registered function that returns SQL selecting who meets it, from the activity
log (`community_activityevent`) and domain tables, as rows of
``(member_id, granted_at, target_key, subject, community_id)``:

- ``target_key`` tells grants of a badge earned several times apart (``"post:42"``,
  ``"tag:excel"``); it is ignored (``""``) for badges earned once;
- ``subject`` is what the grant is for (the Open Badges evidence), ``community_id`` where.

The SQL receives a `Scope`: ``scope.members("expr")`` is ``TRUE`` for the nightly
backfill and ``expr = ANY(%(members)s)`` for a triggered evaluation, so the same query
serves both, and is pushed down to the indexes. Parameters come from the badge
(``rule_params``) over the rule's defaults, as ``%(name)s``. Every rule is set-based: no
loop over members in Python.

Forum activity is read from the activity log only (verbs of the contract in
docs/activity.md), so recognition/ never imports forums models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.activity import contribution_verbs

ACTIVITY = "community_activityevent"
FOR_MEMBER = "(e.payload->>'for_member_id')::bigint"
POST_SUBJECT = "'post:' || (e.payload->>'post_id')"
MENTORSHIP_SUBJECT = "'mentorship:' || (e.payload->>'mentorship_id')"

# Contribution verbs of the forums contract (forums/ registers them on its own branch).
FORUM_CONTRIBUTIONS = {"forums.topic_created", "forums.post_created"}


@dataclass(frozen=True)
class Scope:
    """Where a rule's query looks: everyone (backfill) or some members (a trigger)."""

    member_ids: list[int] | None = None
    # Only these targets ("post:42"...), for rules counted per target (nightly increment).
    target_keys: list[str] | None = None

    def members(self, expr: str) -> str:
        if self.member_ids is None:
            return "TRUE"
        return f"({expr}) = ANY(%(members)s)"

    def targets(self, expr: str) -> str:
        if self.target_keys is None:
            return "TRUE"
        return f"({expr}) = ANY(%(targets)s)"


@dataclass(frozen=True)
class Rule:
    key: str
    label: StrOrPromise
    verbs: frozenset[str]
    query: Callable[[Scope, dict[str, Any]], str]
    defaults: dict[str, Any] = field(default_factory=dict)
    # Revocable rules are re-checked: grants no longer met are revoked (domain badges).
    revocable: bool = False
    needs_skill: bool = False
    # Also listens to every contribution verb (read when asked: apps register theirs).
    on_contributions: bool = False
    # For rules counted per target: the SQL expression of an event's target key.
    target_expr: str = ""

    def listens_to(self) -> frozenset[str]:
        if self.on_contributions:
            return self.verbs | frozenset(_contributions())
        return self.verbs


_RULES: dict[str, Rule] = {}


def register_rule(rule: Rule) -> Rule:
    if rule.key in _RULES and _RULES[rule.key] != rule:
        raise ValueError(f"Badge rule {rule.key!r} is already registered differently.")
    _RULES[rule.key] = rule
    return rule


def get_rule(key: str) -> Rule:
    try:
        return _RULES[key]
    except KeyError:
        raise ValueError(f"Unknown badge rule {key!r}.") from None


def all_rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.key)


def rule_choices() -> list[tuple[str, str]]:
    return [("", str(_("None: awarded by hand")))] + [(r.key, str(r.label)) for r in all_rules()]


def rules_for_verbs(verbs: set[str]) -> list[Rule]:
    return [r for r in all_rules() if r.listens_to() & verbs]


def _in(verbs: frozenset[str] | set[str]) -> str:
    # Verb keys are registered constants ([a-z._]), never user input.
    return ", ".join(f"'{v}'" for v in sorted(verbs))


# --- Builders --------------------------------------------------------------------------


def counted(
    key: str,
    label: StrOrPromise,
    verbs: set[str],
    *,
    member: str = "e.actor_id",
    count: int = 1,
    subject: str = "NULL::text",
    where: str = "TRUE",
    lateral: str = "",
) -> Rule:
    """The ``count``-th event of ``verbs`` concerning a member: granted at that event."""

    # A member read from an indexed column ((verb, actor, time) or (for_member, verb,
    # time)): each member's first events are read in order from the index.
    indexed = not lateral and member in ("e.actor_id", FOR_MEMBER)

    def query(scope: Scope, params: dict[str, Any]) -> str:
        filters = f"e.verb IN ({_in(verbs)}) AND {where} AND {scope.members(member)}"
        if indexed:
            # Per member, the first ``count`` events of each verb (index order, LIMIT),
            # then the count-th of those: a few index entries per member instead of a
            # sort of every row of the verb.
            branches = " UNION ALL ".join(
                f"""(SELECT e.id, e.occurred_at, e.community_id, e.payload
                    FROM {ACTIVITY} e
                    WHERE e.verb = '{verb}' AND {where} AND {member} = m.id
                    ORDER BY e.occurred_at, e.id LIMIT %(count)s)"""  # noqa: S608
                for verb in sorted(verbs)
            )
            return f"""
                SELECT m.id AS member_id, s.occurred_at AS granted_at, '' AS target_key,
                    {subject.replace("e.", "s.")} AS subject, s.community_id
                FROM community_member m
                CROSS JOIN LATERAL (
                    SELECT * FROM ({branches}) u
                    ORDER BY u.occurred_at, u.id OFFSET %(count)s - 1 LIMIT 1
                ) s
                WHERE {scope.members("m.id")}
            """  # noqa: S608 - fragments are constants of this module
        if int(params.get("count", count)) <= 1:
            # The first event of each member: one sort of the verb's rows by (member,
            # time), keeping the first row; the subject is read only for those rows.
            return f"""
                SELECT x.member_id, x.occurred_at AS granted_at, '' AS target_key,
                    {subject.replace("e.", "s.")} AS subject, x.community_id
                FROM (
                    SELECT DISTINCT ON (1) {member} AS member_id, e.id, e.occurred_at,
                        e.community_id
                    FROM {ACTIVITY} e {lateral}
                    WHERE {filters}
                    ORDER BY 1, e.occurred_at, e.id
                ) x
                JOIN {ACTIVITY} s ON s.id = x.id
            """  # noqa: S608 - fragments are constants of this module
        # First the members who reach the count (a hash aggregate, no sort), then the
        # n-th event, sorting only those members' rows.
        return f"""
            WITH reached AS MATERIALIZED (
                SELECT {member} AS member_id FROM {ACTIVITY} e {lateral}
                WHERE {filters}
                GROUP BY 1 HAVING count(*) >= %(count)s
            )
            SELECT x.member_id, x.occurred_at AS granted_at, '' AS target_key,
                {subject.replace("e.", "s.")} AS subject, x.community_id
            FROM (
                SELECT {member} AS member_id, e.id, e.occurred_at, e.community_id,
                    row_number() OVER (PARTITION BY {member} ORDER BY e.occurred_at, e.id) AS n
                FROM {ACTIVITY} e {lateral}
                WHERE {filters} AND {member} IN (SELECT member_id FROM reached)
            ) x
            JOIN {ACTIVITY} s ON s.id = x.id
            WHERE x.n = %(count)s
        """  # noqa: S608 - fragments are constants of this module

    return register_rule(Rule(key, label, frozenset(verbs), query, defaults={"count": count}))


def per_target(
    key: str,
    label: StrOrPromise,
    verbs: set[str],
    *,
    member: str,
    target: str,
    count: int,
    where: str = "TRUE",
) -> Rule:
    """``count`` events about one target (e.g. reactions on one post): once per target."""

    def query(scope: Scope, params: dict[str, Any]) -> str:
        # First the (member, target) pairs that reach the count (a hash aggregate, no
        # sort), then the time of the count-th event, sorting only those pairs' rows.
        filters = (
            f"e.verb IN ({_in(verbs)}) AND {where} AND {scope.members(member)} "
            f"AND {scope.targets(target)}"
        )
        return f"""
            WITH reached AS MATERIALIZED (
                SELECT {member} AS member_id, {target} AS target_key
                FROM {ACTIVITY} e WHERE {filters}
                GROUP BY 1, 2 HAVING count(*) >= %(count)s
            )
            SELECT member_id, occurred_at AS granted_at, target_key, target_key AS subject,
                community_id
            FROM (
                SELECT r.member_id, r.target_key, e.occurred_at, e.community_id,
                    row_number() OVER (PARTITION BY r.member_id, r.target_key
                        ORDER BY e.occurred_at, e.id) AS n
                FROM {ACTIVITY} e
                JOIN reached r ON r.member_id = {member} AND r.target_key = {target}
                WHERE {filters}
            ) x
            WHERE n = %(count)s
        """  # noqa: S608

    return register_rule(
        Rule(key, label, frozenset(verbs), query, defaults={"count": count}, target_expr=target)
    )


# --- The rules shipped ---------------------------------------------------------------

TOPIC_CREATED = "forums.topic_created"
POST_CREATED = "forums.post_created"
REACTION_ADDED = "forums.reaction_added"
ANSWER_ACCEPTED = "forums.answer_accepted"
NOT_OWN_REACTION = f"e.actor_id IS DISTINCT FROM {FOR_MEMBER}"
HAS_FOR_MEMBER = "e.payload ? 'for_member_id'"

counted(
    "first_post",
    _("First post in a forum"),
    {TOPIC_CREATED, POST_CREATED},
    subject=POST_SUBJECT,
)
counted(
    "first_reaction_received",
    _("First reaction received on a post"),
    {REACTION_ADDED},
    member=FOR_MEMBER,
    subject=POST_SUBJECT,
    where=f"{HAS_FOR_MEMBER} AND {NOT_OWN_REACTION}",
)
counted(
    "first_accepted_answer",
    _("First accepted answer"),
    {ANSWER_ACCEPTED},
    member=FOR_MEMBER,
    subject=POST_SUBJECT,
    where=HAS_FOR_MEMBER,
)
counted(
    "accepted_answers",
    _("Accepted answers (10 by default)"),
    {ANSWER_ACCEPTED},
    member=FOR_MEMBER,
    count=10,
    subject=POST_SUBJECT,
    where=HAS_FOR_MEMBER,
)
per_target(
    "post_reactions",
    _("Reactions received on one post (25 by default)"),
    {REACTION_ADDED},
    member=FOR_MEMBER,
    target="'post:' || (e.payload->>'post_id')",
    count=25,
    where=f"{HAS_FOR_MEMBER} AND {NOT_OWN_REACTION}",
)
counted(
    "first_session_given",
    _("First mentoring session given"),
    {"mentoring.session_held"},
    member="m.id::bigint",
    lateral="CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'mentor_ids') AS m(id)",
    subject=MENTORSHIP_SUBJECT,
)
counted(
    "sessions_given",
    _("Mentoring sessions given (10 by default)"),
    {"mentoring.session_held"},
    member="m.id::bigint",
    count=10,
    lateral="CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'mentor_ids') AS m(id)",
    subject=MENTORSHIP_SUBJECT,
)
counted(
    "reciprocal_mentorship_completed",
    _("A two-way mentorship completed"),
    {"mentoring.mentorship_completed"},
    member="m.id::bigint",
    lateral="CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'member_ids') AS m(id)",
    where="(e.payload->>'reciprocal')::boolean",
    subject=MENTORSHIP_SUBJECT,
)
counted(
    "mentorship_completed_as_learner",
    _("A mentorship completed as a learner"),
    {"mentoring.mentorship_completed"},
    member="(d.value->>'learner_id')::bigint",
    lateral="CROSS JOIN LATERAL jsonb_array_elements(e.payload->'directions') AS d",
    subject=MENTORSHIP_SUBJECT,
)
counted(
    "events_attended",
    _("Events attended (5 by default)"),
    {"events.attended"},
    count=5,
    subject="'event:' || (e.payload->>'event_id')",
)
counted(
    "first_event_organised",
    _("First event organised"),
    {"events.created"},
    subject="'event:' || (e.payload->>'event_id')",
)
counted(
    "first_resource_shared",
    _("First resource shared"),
    {"resources.shared"},
    subject="'resource:' || (e.payload->>'resource_id')",
)
counted(
    "resources_found_useful",
    _("Resources found useful by others (10 votes by default)"),
    {"resources.found_useful"},
    member=FOR_MEMBER,
    count=10,
    where=f"{HAS_FOR_MEMBER} AND e.actor_id IS DISTINCT FROM {FOR_MEMBER}",
    subject="'resource:' || (e.payload->>'resource_id')",
)
counted(
    "surveys_answered",
    _("Surveys answered (3 by default)"),
    {"surveys.answered"},
    count=3,
    where="e.actor_id IS NOT NULL",
)
counted(
    "first_kudos_given",
    _("First kudos given"),
    {"recognition.kudos_given"},
    subject="'kudos:' || (e.payload->>'kudos_id')",
)
counted(
    "kudos_received",
    _("Kudos received (5 by default)"),
    {"recognition.kudos_given"},
    member=FOR_MEMBER,
    count=5,
    where=HAS_FOR_MEMBER,
    subject="'kudos:' || (e.payload->>'kudos_id')",
)


def _contributions() -> list[str]:
    return sorted(set(contribution_verbs()) | FORUM_CONTRIBUTIONS)


def _active_months(scope: Scope, params: dict[str, Any]) -> str:
    return f"""
        SELECT member_id, first_at AS granted_at, '' AS target_key, NULL::text AS subject,
            community_id
        FROM (
            SELECT member_id, first_at, community_id,
                row_number() OVER (PARTITION BY member_id ORDER BY month) AS n
            FROM (
                SELECT e.actor_id AS member_id, date_trunc('month', e.occurred_at) AS month,
                    min(e.occurred_at) AS first_at,
                    min(e.community_id) AS community_id
                FROM {ACTIVITY} e
                WHERE e.verb IN ({_in(set(_contributions()))}) AND e.actor_id IS NOT NULL
                    AND {scope.members("e.actor_id")}
                GROUP BY 1, 2
            ) months
        ) ranked
        WHERE n = %(months)s
    """  # noqa: S608


register_rule(
    Rule(
        "active_months",
        _("Contributed in 12 different months (by default)"),
        frozenset(),
        _active_months,
        defaults={"months": 12},
        on_contributions=True,
    )
)


def _tag_expert(scope: Scope, params: dict[str, Any]) -> str:
    tag_filter = "TRUE" if not params.get("tag") else "t.tag = %(tag)s"
    member = f"CASE WHEN e.verb = '{POST_CREATED}' THEN e.actor_id ELSE {FOR_MEMBER} END"
    members = (
        "TRUE"
        if scope.member_ids is None
        else f"(e.actor_id = ANY(%(members)s) OR ({HAS_FOR_MEMBER} AND "
        f"{FOR_MEMBER} = ANY(%(members)s)))"
    )
    tag_pre = "TRUE" if not params.get("tag") else "e.payload->'tags' ? %(tag)s"
    # Aggregated twice: first per (member, tag list) over the rows (a hash aggregate, no
    # JSON unnesting: a member's posts share few tag lists), then the lists are unnested
    # once per group and summed per (member, tag).
    return f"""
        SELECT member_id, max(last_at) AS granted_at, 'tag:' || tag AS target_key,
            'tag:' || tag AS subject, min(community_id) AS community_id
        FROM (
            SELECT {member} AS member_id, e.payload->'tags' AS tags,
                count(*) FILTER (WHERE e.verb = '{ANSWER_ACCEPTED}') AS answers,
                count(*) FILTER (WHERE e.verb = '{REACTION_ADDED}') AS reactions,
                count(*) FILTER (WHERE e.verb = '{POST_CREATED}') AS posts,
                max(e.occurred_at) AS last_at, min(e.community_id) AS community_id
            FROM {ACTIVITY} e
            WHERE e.verb IN ('{POST_CREATED}', '{ANSWER_ACCEPTED}', '{REACTION_ADDED}')
                AND {members} AND {tag_pre}
                AND NOT (e.verb = '{REACTION_ADDED}' AND e.actor_id = {FOR_MEMBER})
                AND jsonb_typeof(e.payload->'tags') = 'array'
            GROUP BY 1, 2
        ) ev
        CROSS JOIN LATERAL jsonb_array_elements_text(ev.tags) AS t(tag)
        WHERE {scope.members("member_id")} AND {tag_filter}
        GROUP BY member_id, tag
        HAVING %(answer_points)s * sum(answers) + sum(reactions) >= %(min_score)s
            AND sum(posts) >= %(min_posts)s
    """  # noqa: S608


register_rule(
    Rule(
        "tag_expert",
        _("Expertise in a tag: score from accepted answers and reactions, minimum replies"),
        frozenset({POST_CREATED, ANSWER_ACCEPTED, REACTION_ADDED}),
        _tag_expert,
        defaults={"answer_points": 10, "min_score": 100, "min_posts": 20, "tag": ""},
        revocable=True,
    )
)


def _first_endorsement(scope: Scope, params: dict[str, Any]) -> str:
    return f"""
        SELECT member_id, min(created_at) AS granted_at, '' AS target_key,
            'endorsement:' || min(id) AS subject,
            (array_agg(community_id ORDER BY created_at))[1] AS community_id
        FROM recognition_endorsement
        WHERE {scope.members("member_id")}
        GROUP BY member_id
    """  # noqa: S608


register_rule(
    Rule(
        "first_endorsement",
        _("First skill endorsed by a mentor or an animator"),
        frozenset({"recognition.skill_endorsed"}),
        _first_endorsement,
    )
)


def _skill_certified(scope: Scope, params: dict[str, Any]) -> str:
    return f"""
        SELECT member_id, min(created_at) AS granted_at, '' AS target_key,
            'endorsement:' || min(id) AS subject,
            (array_agg(community_id ORDER BY created_at))[1] AS community_id
        FROM recognition_endorsement
        WHERE skill_id = %(skill)s AND level >= %(min_level)s
            AND {scope.members("member_id")}
        GROUP BY member_id
    """  # noqa: S608


register_rule(
    Rule(
        "skill_certified",
        _("Certification: a skill endorsed at a level (3 by default)"),
        frozenset({"recognition.skill_endorsed"}),
        _skill_certified,
        defaults={"min_level": 3},
        needs_skill=True,
    )
)


def members_of_event(actor_id: int | None, payload: dict[str, Any]) -> set[int]:
    """Every member an event concerns (its actor and the members its payload names)."""
    ids: set[int] = set()
    if actor_id:
        ids.add(int(actor_id))
    for key in ("for_member_id", "member_id"):
        value = payload.get(key)
        if isinstance(value, int):
            ids.add(value)
    for key in ("member_ids", "mentor_ids", "learner_ids"):
        for value in payload.get(key) or []:
            if isinstance(value, int):
                ids.add(value)
    for direction in payload.get("directions") or []:
        if isinstance(direction, dict):
            for key in ("mentor_id", "learner_id"):
                if isinstance(direction.get(key), int):
                    ids.add(direction[key])
    return ids
