"""Awarding badges: by their rules (after an action, or in the nightly backfill) and by
hand (animators in the admin), and revoking them.

One evaluation of one badge is one SQL statement (plus one for revocable rules): the rule's
query, the grants inserted with ``ON CONFLICT DO NOTHING`` on the unique constraint (a
grant its rule had revoked is revived instead), and the ``recognition.badge_granted``
activity rows, all in the same statement; then one `notify` for the recent grants.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import ActivityEvent, Community, Member
from community.services import notify, record_activity
from recognition.models import BadgeClass, BadgeGrant
from recognition.rules import Rule, Scope, get_rule, members_of_event, rules_for_verbs


def notify_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "RECOGNITION_NOTIFY_MAX_AGE_DAYS", 3))


BACKFILL_WORK_MEM = "256MB"
# Above this many members to re-check, the nightly run evaluates a revocable rule in full.
REVOCABLE_MEMBERS_MAX = 2000


@dataclass
class Outcome:
    granted: int = 0
    revoked: int = 0


def _params(badge: BadgeClass, rule: Rule, member_ids: list[int] | None) -> dict[str, Any]:
    params: dict[str, Any] = {**rule.defaults, **(badge.rule_params or {})}
    if rule.needs_skill:
        params["skill"] = badge.skill_id
    if rule.key == "tag_expert" and not params.get("tag") and badge.skill_id:
        params["tag"] = badge.skill.tag.slug if badge.skill else ""
    params["members"] = member_ids or []
    return params


def _candidates(badge: BadgeClass, rule: Rule, scope: Scope, params: dict[str, Any]) -> str:
    target = "r.target_key" if badge.multiple else "''"
    distinct = "r.member_id, r.target_key" if badge.multiple else "r.member_id"
    community = "TRUE" if badge.community_id is None else "r.community_id = %(community)s"
    return f"""
        SELECT DISTINCT ON ({distinct}) r.member_id, r.granted_at,
            {target} AS target_key, COALESCE(r.subject, '') AS subject, r.community_id
        FROM ({rule.query(scope, params)}) r
        JOIN community_member m ON m.id = r.member_id AND NOT m.is_anonymized
        WHERE {community} AND r.granted_at IS NOT NULL
        ORDER BY {distinct}, r.granted_at
    """  # noqa: S608 - fragments are constants


def evaluate_badge(
    badge: BadgeClass,
    *,
    member_ids: list[int] | None = None,
    target_keys: list[str] | None = None,
    backfill: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """Grant ``badge`` to whoever meets its rule (``member_ids``: only those members),
    revoke it (revocable rules) from those who no longer do. Safe to run twice."""
    if not badge.rule or not badge.enabled:
        return Outcome()
    rule = get_rule(badge.rule)
    if rule.needs_skill and badge.skill_id is None:
        return Outcome()
    now = now or timezone.now()
    scope = Scope(member_ids, target_keys)
    params = _params(badge, rule, member_ids)
    params["targets"] = target_keys or []
    grant_type = ContentType.objects.get_for_model(BadgeGrant).pk
    params.update(
        badge=badge.pk,
        slug=badge.slug,
        tier=badge.tier,
        community=badge.community_id,
        backfill=backfill,
        now=now,
        ctype=grant_type,
        reason=str(_("No longer meets the criteria")),
    )
    outcome = Outcome()
    members_filter = "" if member_ids is None else "AND g.member_id = ANY(%(members)s)"
    with transaction.atomic(), connection.cursor() as cursor:
        if member_ids is None:
            # The nightly backfill sorts and hashes whole verbs: keep it in memory.
            cursor.execute("SET LOCAL work_mem = %s", [BACKFILL_WORK_MEM])
        candidates = _candidates(badge, rule, scope, params)
        if rule.revocable:
            # Computed once for the revocation and the grants.
            cursor.execute("DROP TABLE IF EXISTS recognition_cand")
            cursor.execute(
                f"CREATE TEMP TABLE recognition_cand ON COMMIT DROP AS {candidates}", params
            )
            candidates = "SELECT * FROM recognition_cand"
            cursor.execute(
                f"""
                WITH cand AS MATERIALIZED ({candidates}),
                rev AS (
                    UPDATE recognition_badgegrant g SET revoked_at = %(now)s,
                        auto_revoked = true, revoked_reason = %(reason)s
                    WHERE g.badge_id = %(badge)s AND g.revoked_at IS NULL AND NOT g.manual
                        {members_filter}
                        AND NOT EXISTS (SELECT 1 FROM cand c WHERE c.member_id = g.member_id
                            AND c.target_key = g.target_key)
                    RETURNING g.id, g.member_id, g.community_id
                ),
                act AS (
                    INSERT INTO community_activityevent (actor_id, verb, community_id,
                        target_type_id, target_id, occurred_at, payload)
                    SELECT NULL, 'recognition.badge_revoked', rev.community_id, %(ctype)s,
                        rev.id, %(now)s, jsonb_build_object('badge_id', %(badge)s,
                        'badge_slug', %(slug)s, 'member_id', rev.member_id,
                        'reason', %(reason)s)
                    FROM rev
                )
                SELECT count(*) FROM rev
                """,  # noqa: S608
                params,
            )
            outcome.revoked = cursor.fetchone()[0]
        cursor.execute(
            f"""
            WITH cand AS MATERIALIZED ({candidates}),
            ins AS (
                INSERT INTO recognition_badgegrant AS g (uid, badge_id, member_id,
                    community_id, granted_at, target_key, subject, reason, manual, backfill,
                    public, salt, auto_revoked, revoked_reason, created_at)
                SELECT gen_random_uuid(), %(badge)s, c.member_id, c.community_id,
                    c.granted_at, c.target_key, c.subject, '', false, %(backfill)s, true,
                    replace(gen_random_uuid()::text, '-', ''), false, '', %(now)s
                FROM cand c
                ON CONFLICT (badge_id, member_id, target_key) DO UPDATE
                    SET revoked_at = NULL, revoked_reason = '', auto_revoked = false,
                        granted_at = EXCLUDED.granted_at, backfill = EXCLUDED.backfill
                    WHERE g.auto_revoked
                RETURNING g.id, g.member_id, g.granted_at, g.community_id
            ),
            act AS (
                INSERT INTO community_activityevent (actor_id, verb, community_id,
                    target_type_id, target_id, occurred_at, payload)
                SELECT ins.member_id, 'recognition.badge_granted', ins.community_id,
                    %(ctype)s, ins.id, %(now)s, jsonb_build_object('badge_id', %(badge)s,
                    'badge_slug', %(slug)s, 'tier', %(tier)s, 'manual', false,
                    'by_id', NULL, 'backfill', %(backfill)s)
                FROM ins
            )
            SELECT member_id, granted_at FROM ins
            """,  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
        outcome.granted = len(rows)
        recent = [m for m, at in rows if at >= now - notify_max_age()]
        if recent:
            _notify_grant(badge, recent)
    return outcome


def _notify_grant(badge: BadgeClass, member_ids: list[int], actor: Member | None = None) -> None:
    notify(
        recipients=member_ids,
        kind="recognition.badge",
        actor=actor,
        community=badge.community,
        payload={
            "url": reverse("recognition:mine"),
            "badge": badge.name_en,
            "badge_fr": badge.name_fr,
            "badge_id": badge.pk,
        },
    )


def enabled_badges(rule_keys: list[str] | None = None) -> QuerySet[BadgeClass]:
    qs = BadgeClass.objects.filter(enabled=True).exclude(rule="").select_related("skill__tag")
    if rule_keys is not None:
        qs = qs.filter(rule__in=rule_keys)
    return qs.order_by("pk")


def evaluate_events(event_ids: list[int]) -> Outcome:
    """After an action: only the rules listening to the verbs of these events, only for
    the members these events concern. A bounded number of queries: one to read the
    events, one for the badges, then one or two per badge whose rule listens."""
    events = list(
        ActivityEvent.objects.filter(pk__in=event_ids).values_list("verb", "actor_id", "payload")
    )
    if not events:
        return Outcome()
    verbs = {verb for verb, _a, _p in events}
    members: set[int] = set()
    for _verb, actor_id, payload in events:
        members |= members_of_event(actor_id, payload or {})
    rules = [r.key for r in rules_for_verbs(verbs)]
    total = Outcome()
    if not members or not rules:
        return total
    for badge in enabled_badges(rules):
        outcome = evaluate_badge(badge, member_ids=sorted(members))
        total.granted += outcome.granted
        total.revoked += outcome.revoked
    return total


def _members_with_activity_since(verbs: list[str], after_id: int) -> list[int]:
    """Every member concerned by events of ``verbs`` recorded after ``after_id`` (one
    query; reads only the new rows, by primary key)."""
    arrays = " UNION ALL ".join(
        f"SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.payload->'{key}') = "
        f"'array' THEN e.payload->'{key}' ELSE '[]'::jsonb END)::bigint"
        for key in ("member_ids", "mentor_ids", "learner_ids")
    )
    sql = f"""
        SELECT DISTINCT x.id FROM community_activityevent e
        CROSS JOIN LATERAL (
            SELECT e.actor_id
            UNION ALL SELECT (e.payload->>'for_member_id')::bigint
            UNION ALL SELECT (e.payload->>'member_id')::bigint
            UNION ALL {arrays}
            UNION ALL SELECT (d.value->>'learner_id')::bigint FROM jsonb_array_elements(
                CASE WHEN jsonb_typeof(e.payload->'directions') = 'array'
                THEN e.payload->'directions' ELSE '[]'::jsonb END) d
        ) x(id)
        WHERE e.id > %s AND e.verb = ANY(%s) AND x.id IS NOT NULL
    """  # noqa: S608 - constant keys
    with connection.cursor() as cursor:
        cursor.execute(sql, [after_id, verbs])
        return [row[0] for row in cursor.fetchall()]


def _targets_since(rule: Rule, after_id: int) -> list[str]:
    sql = f"""
        SELECT DISTINCT {rule.target_expr} FROM community_activityevent e
        WHERE e.id > %s AND e.verb = ANY(%s)
    """  # noqa: S608 - the rule's constant expression
    with connection.cursor() as cursor:
        cursor.execute(sql, [after_id, sorted(rule.verbs)])
        return [row[0] for row in cursor.fetchall() if row[0]]


def _last_event_id() -> int:
    last = ActivityEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


def run_backfill(*, badge_ids: list[int] | None = None, full: bool = True) -> dict[str, Outcome]:
    """Every rule for everyone (``full``, weekly and on demand), or — the nightly run —
    every rule for everyone who has new activity of its verbs since the badge's watermark.
    The two agree for rules that only grant (a count reached stays reached); revocable
    rules are always evaluated in full. Idempotent."""
    out: dict[str, Outcome] = {}
    badges = enabled_badges()
    if badge_ids is not None:
        badges = badges.filter(pk__in=badge_ids)
    for badge in badges:
        until = _last_event_id()
        rule = get_rule(badge.rule)
        since = badge.evaluated_until
        if full or since is None:
            out[badge.slug] = evaluate_badge(badge, backfill=True)
        elif rule.revocable:
            # Revocable (domain) rules: a score only grows with new events and only
            # shrinks when rows are deleted, so the members to re-check are the current
            # holders (revocations) and the members with new activity (grants, revivals).
            # Many of them: one full pass is cheaper than a long member list.
            recheck = set(_members_with_activity_since(sorted(rule.listens_to()), since))
            recheck |= set(
                BadgeGrant.objects.filter(
                    badge=badge, revoked_at__isnull=True, manual=False
                ).values_list("member_id", flat=True)
            )
            if len(recheck) > REVOCABLE_MEMBERS_MAX:
                out[badge.slug] = evaluate_badge(badge, backfill=True)
            else:
                out[badge.slug] = (
                    evaluate_badge(badge, member_ids=sorted(recheck), backfill=True)
                    if recheck
                    else Outcome()
                )
        elif rule.target_expr:
            # Counted per target: only the targets with new events can reach the count.
            targets = _targets_since(rule, since)
            out[badge.slug] = (
                evaluate_badge(badge, target_keys=targets, backfill=True) if targets else Outcome()
            )
        else:
            members = _members_with_activity_since(sorted(rule.listens_to()), since)
            if members and not badge.multiple:
                # A badge earned once: its holders cannot earn it again.
                holders = set(
                    BadgeGrant.objects.filter(
                        badge=badge, member_id__in=members, target_key=""
                    ).values_list("member_id", flat=True)
                )
                members = [m for m in members if m not in holders]
            out[badge.slug] = (
                evaluate_badge(badge, member_ids=members, backfill=True) if members else Outcome()
            )
        BadgeClass.objects.filter(pk=badge.pk).update(evaluated_until=until)
    return out


# --- By hand --------------------------------------------------------------------------


@transaction.atomic
def award_badge(
    *,
    badge: BadgeClass,
    member: Member,
    by: Member | None,
    message: str,
    community: Community | None = None,
) -> BadgeGrant:
    """An animator awards a badge by hand, with a message (in ``community``: where it
    shows on the wall; a community badge is always in its own)."""
    if member.is_anonymized:
        raise ValidationError(_("This account was deleted."))
    message = message.strip()
    if not message:
        raise ValidationError(_("Add a message: say why the badge is awarded."))
    community = badge.community or community
    target_key = f"manual:{uuid.uuid4().hex[:12]}" if badge.multiple else ""
    grant = BadgeGrant.objects.filter(badge=badge, member=member, target_key="").first()
    if not badge.multiple and grant is not None:
        if grant.revoked_at is None:
            raise ValidationError(_("This member already has this badge."))
        grant.revoked_at = None
        grant.revoked_reason = ""
        grant.auto_revoked = False
    else:
        grant = BadgeGrant(badge=badge, member=member, target_key=target_key)
        grant.salt = uuid.uuid4().hex
    grant.manual = True
    grant.awarded_by = by
    grant.reason = message
    grant.granted_at = timezone.now()
    grant.community = community
    grant.save()
    record_activity(
        actor=member,
        verb="recognition.badge_granted",
        community=community,
        target=grant,
        payload={
            "badge_id": badge.pk,
            "badge_slug": badge.slug,
            "tier": badge.tier,
            "manual": True,
            "by_id": by.pk if by else None,
            "backfill": False,
        },
    )
    _notify_grant(badge, [member.pk], actor=by)
    return grant


@transaction.atomic
def revoke_grant(*, grant: BadgeGrant, by: Member | None, reason: str) -> BadgeGrant:
    """An animator revokes a grant, with a reason. Its rule will not grant it again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the badge is revoked."))
    if grant.revoked_at is not None:
        raise ValidationError(_("This badge is already revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_reason = reason[:300]
    grant.auto_revoked = False
    grant.save(update_fields=["revoked_at", "revoked_reason", "auto_revoked"])
    record_activity(
        actor=by,
        verb="recognition.badge_revoked",
        community=grant.community,
        target=grant,
        payload={
            "badge_id": grant.badge_id,
            "badge_slug": grant.badge.slug,
            "member_id": grant.member_id,
            "reason": grant.revoked_reason,
        },
    )
    return grant


@transaction.atomic
def set_grant_public(*, member: Member, grant_id: int, public: bool) -> BadgeGrant | None:
    grant = BadgeGrant.objects.filter(pk=grant_id, member=member).first()
    if grant is not None and grant.public != public:
        grant.public = public
        grant.save(update_fields=["public"])
    return grant
