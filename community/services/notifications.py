from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from community.models import Community, Member, Notification, NotificationPreference
from community.notifications import get_kind

logger = logging.getLogger(__name__)


def _refresh_unread(member_ids: list[int]) -> None:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    Member.objects.filter(pk__in=member_ids).update(
        unread_notifications=Coalesce(Subquery(unread), 0)
    )


def notify(
    *,
    recipients: Iterable[int],
    kind: str,
    actor: Member | None = None,
    community: Community | None = None,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    group_key: str = "",
) -> int:
    """Notify members (by id) in a bounded number of statements, however many they are.

    The actor is never notified of their own action. For grouped kinds, a member who still
    has an unread notification with the same ``group_key`` gets it counted up (and moved
    to the top) instead of a new row. Whether each one goes by email is decided now, from
    the member's preferences; emails leave in batches after commit
    (`send_pending_notification_emails`). Returns how many members were notified.
    """
    spec = get_kind(kind)
    ids = sorted({int(r) for r in recipients} - ({actor.pk} if actor else set()))
    if not ids:
        return 0
    prefs = dict(
        NotificationPreference.objects.filter(member_id__in=ids, kind=kind).values_list(
            "member_id", "email"
        )
    )
    emailed = [prefs.get(i, spec.email_default) for i in ids]
    now = timezone.now()
    target_type = ContentType.objects.get_for_model(target).pk if target is not None else None
    params = {
        "ids": ids,
        "emailed": emailed,
        "kind": kind,
        "actor": actor.pk if actor else None,
        "community": community.pk if community else None,
        "ttype": target_type,
        "tid": target.pk if target is not None else None,
        "group": group_key if spec.grouped else "",
        "payload": json.dumps(payload or {}),
        "now": now,
    }
    table = Notification._meta.db_table
    conflict = ""
    if spec.grouped and group_key:
        conflict = f"""
            ON CONFLICT (recipient_id, group_key)
            WHERE read_at IS NULL AND NOT (group_key = '')
            DO UPDATE SET count = {table}.count + 1, updated_at = EXCLUDED.updated_at,
                actor_id = EXCLUDED.actor_id, payload = EXCLUDED.payload,
                email_wanted = {table}.email_wanted OR EXCLUDED.email_wanted"""
    sql = f"""
        INSERT INTO {table} (recipient_id, kind, actor_id, community_id, target_type_id,
            target_id, group_key, count, payload, created_at, updated_at, email_wanted)
        SELECT r.id, %(kind)s, %(actor)s, %(community)s, %(ttype)s, %(tid)s, %(group)s, 1,
            %(payload)s::jsonb, %(now)s, %(now)s, r.emailed
        FROM unnest(%(ids)s::bigint[], %(emailed)s::boolean[]) AS r(id, emailed)
        {conflict}
    """  # noqa: S608 - table name from the model, values are parameters
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        _refresh_unread(ids)
    if any(emailed):
        from community.tasks import send_notification_emails_task

        delay = settings.NOTIFICATION_EMAIL_DELAY_SECONDS
        transaction.on_commit(lambda: send_notification_emails_task.apply_async(countdown=delay))
    return len(ids)


@transaction.atomic
def mark_notification_read(*, member: Member, notification_id: int) -> Notification | None:
    notification = Notification.objects.filter(pk=notification_id, recipient=member).first()
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _refresh_unread([member.pk])
    return notification


@transaction.atomic
def mark_all_notifications_read(*, member: Member) -> int:
    count = Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _refresh_unread([member.pk])
    member.unread_notifications = 0
    return count


@transaction.atomic
def set_notification_preferences(*, member: Member, email_kinds: dict[str, bool]) -> None:
    for key, email in email_kinds.items():
        get_kind(key)
        NotificationPreference.objects.update_or_create(
            member=member, kind=key, defaults={"email": email}
        )


def _member_language(member: Member) -> str:
    return member.preferred_language or settings.LANGUAGE_CODE


def send_pending_notification_emails(*, now: Any = None, batch: int = 200) -> int:
    """Send one email per member gathering their notifications that asked for email,
    once the batching delay has passed. Each member's rows are claimed under a row lock
    (SKIP LOCKED), so two workers never send the same notification; notifications the
    member already read in the app are not emailed. Returns the number of emails sent."""
    now = now or timezone.now()
    due = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_DELAY_SECONDS)
    member_ids = list(
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True, created_at__lte=due)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()[:batch]
    )
    sent = 0
    for member_id in member_ids:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(recipient_id=member_id, email_wanted=True, emailed_at__isnull=True)
                .select_related("actor", "recipient__user")
                .order_by("created_at")
            )
            if not rows:
                continue
            unread = [n for n in rows if n.read_at is None]
            member = rows[0].recipient
            if unread and member.user.is_active and not member.is_anonymized:
                _send_notification_email(member, unread)
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
    return sent


def _send_notification_email(member: Member, items: list[Notification]) -> None:
    with translation.override(_member_language(member)):
        lines = [
            {
                "text": get_kind(n.kind).describe(n),
                "url": settings.SITE_URL + str(n.payload.get("url", "/notifications/")),
            }
            for n in items
        ]
        context = {
            "member": member,
            "items": lines,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "preferences_url": settings.SITE_URL + "/me/notifications/settings/",
        }
        subject = render_to_string("community/email/notifications_subject.txt", context).strip()
        text = render_to_string("community/email/notifications.txt", context)
        html = render_to_string("community/email/notifications.html", context)
    message = EmailMultiAlternatives(subject, text, to=[member.user.email])
    message.attach_alternative(html, "text/html")
    message.send()
