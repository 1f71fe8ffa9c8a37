"""Demo newsletters: last month's issue of the national network, sent (one delivery row
per member, as a real run leaves them), and this month's issue of the Data Guild,
written and scheduled. Runs after community/demo_life.py; idempotent. Nothing is
emailed: the sent issue is history."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from community.models import Community, Member, Newsletter, NewsletterDelivery
from community.models.newsletters import DeliveryStatus, IssueStatus
from community.services import newsletters as services

INTRO_FR = """Bonjour à toutes et à tous,

Le mois dernier, **trois ateliers** ont fait salle comble et la bibliothèque s’est enrichie
des supports de la classe virtuelle. Merci aux volontaires du co-développement !

Ce mois-ci, on vous attend nombreux au *premier jeudi* de Lyon. — Claire, pour l’équipe d’animation"""

INTRO_EN = """Hello everyone,

This month we try **office hours in pairs**: bring a query, leave with a partner who
knows the dataset. The monthly talk is about testing pipelines. — The Data Guild team"""


def seed(out: TextIO) -> None:
    network = Community.objects.filter(slug="reseau-formateurs").first()
    guild = Community.objects.filter(slug="data-guild").first()
    if network is None or guild is None:
        out.write("newsletters: demo communities missing, skipped\n")
        return
    if Newsletter.objects.filter(community=network).exists():
        out.write("newsletters: already there\n")
        return
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    start, end = services.period_that_ended("monthly", today)
    admin = Member.objects.filter(user__email="admin@demo.example").first()
    with transaction.atomic():
        sent_at = datetime.combine(
            end + timedelta(days=settings.NEWSLETTER_EDITORIAL_DAYS), time(9), tzinfo=tz
        )
        sent_at = min(sent_at, timezone.now() - timedelta(hours=1))
        issue = services.save_newsletter(
            newsletter=Newsletter(
                community=network,
                period_start=start,
                period_end=end,
                introduction=INTRO_FR,
                scheduled_for=sent_at,
            ),
            by=admin,
        )
        ids = list(services.recipients(issue).values_list("pk", flat=True))
        NewsletterDelivery.objects.bulk_create(
            NewsletterDelivery(
                newsletter=issue,
                member_id=pk,
                status=DeliveryStatus.SENT if i % 7 else DeliveryStatus.SKIPPED,
                claim="demo",
                claimed_at=sent_at,
                sent_at=sent_at,
                attempts=1,
            )
            for i, pk in enumerate(ids)
        )
        sent = sum(1 for i in range(len(ids)) if i % 7)
        Newsletter.objects.filter(pk=issue.pk).update(
            status=IssueStatus.SENT,
            started_at=sent_at,
            sent_at=sent_at,
            sent_count=sent,
            skipped_count=len(ids) - sent,
        )
        # This month's issue of the guild: written, leaving after the month ends.
        next_start = end
        next_end = (end + timedelta(days=32)).replace(day=1)
        services.save_newsletter(
            newsletter=Newsletter(
                community=guild,
                period_start=next_start,
                period_end=next_end,
                introduction=INTRO_EN,
                scheduled_for=datetime.combine(
                    next_end + timedelta(days=settings.NEWSLETTER_EDITORIAL_DAYS),
                    time(9),
                    tzinfo=tz,
                ),
            ),
            by=admin,
        )
    out.write(f"newsletters: 1 issue sent ({sent} emails), 1 scheduled\n")
