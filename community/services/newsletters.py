"""Newsletters: issues, preferences, unsubscribe, and the delivery that never sends twice.

How one issue leaves (see docs/newsletters.md for the reasoning):

1. `start_newsletter` marks the issue *sending* and queues the recipients who have no
   final delivery row yet, in chunks of ids (`deliver_newsletter_chunk_task`).
2. `deliver_newsletter_chunk` claims the chunk's rows in one statement: it inserts
   (issue, member) rows as *claimed* by its Celery task id, or takes over rows whose claim
   is its own (a redelivered task) or older than ``NEWSLETTER_CLAIM_TIMEOUT`` (a killed
   worker's). Rows already sent or skipped are never touched again.
3. Each message is rendered, then gets its own short transaction: one UPDATE marks the
   row sent (and locks it) if the claim is still ours, the whole message goes to the
   SMTP server *except the final dot of DATA*, COMMIT, then the dot, then the server's
   reply. A worker killed before COMMIT leaves an uncommitted row (retried; the server
   discards a message whose dot never came); killed after the dot, both sides have it.
   Never twice; the only window (a member missed) is between COMMIT and the dot.
4. `dispatch_newsletters` (every 10 minutes) creates the issues of the period that just
   ended, starts the scheduled issues that are due, re-queues what an interrupted run left
   and marks finished issues sent.
"""

from __future__ import annotations

import email.policy
import logging
import re
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import unescape

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags

from community.markdown import render_markdown
from community.models import Community, Member, Membership
from community.models.communities import MembershipStatus
from community.models.newsletters import (
    DeliveryStatus,
    Frequency,
    IssueStatus,
    Newsletter,
    NewsletterDelivery,
    NewsletterPreference,
)
from community.newsletters import DigestPeriod, absolute_url, all_sections

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "community.newsletter-unsubscribe"
FINAL = [DeliveryStatus.SENT, DeliveryStatus.SKIPPED]
FAILABLE = [DeliveryStatus.CLAIMED, DeliveryStatus.SENT]


# --- Periods and issues ----------------------------------------------------------------
def period_that_ended(frequency: str, today: date) -> tuple[date, date]:
    """The last complete month (or ISO week) before ``today``: (first day, first day after)."""
    if frequency == Frequency.WEEKLY:
        end = today - timedelta(days=today.weekday())
        return end - timedelta(days=7), end
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def digest_period(newsletter: Newsletter) -> DigestPeriod:
    tz = timezone.get_default_timezone()
    return DigestPeriod(
        start=datetime.combine(newsletter.period_start, time.min, tzinfo=tz),
        end=datetime.combine(newsletter.period_end, time.min, tzinfo=tz),
        frequency=newsletter.frequency,
        newsletter=newsletter,
    )


def ensure_period_issues(*, now: datetime | None = None) -> int:
    """Create the issues of the month (and week) that ended, one per community that
    existed then, scheduled ``NEWSLETTER_EDITORIAL_DAYS`` later at 9:00 so that animators
    can write their introduction first. Weekly issues only for communities where someone
    wants them. A period that ended more than a week before its sending day gets no issue
    any more (a platform installed, or a dispatcher down, for a while: no stale digests).
    Idempotent (the unique constraint); returns how many were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_default_timezone()
    created = 0
    for frequency in (Frequency.MONTHLY, Frequency.WEEKLY):
        start, end = period_that_ended(frequency, today)
        existed = Community.objects.filter(
            created_at__lt=datetime.combine(end, time.min, tzinfo=tz)
        )
        if frequency == Frequency.WEEKLY:
            existed = existed.filter(
                pk__in=NewsletterPreference.objects.filter(frequency=Frequency.WEEKLY).values(
                    "community_id"
                )
            )
            send_on = end
        else:
            send_on = end + timedelta(days=settings.NEWSLETTER_EDITORIAL_DAYS)
        if today > send_on + timedelta(days=7):
            continue
        ids = set(existed.values_list("pk", flat=True))
        existing = set(
            Newsletter.objects.filter(
                frequency=frequency, period_start=start, community_id__in=ids
            ).values_list("community_id", flat=True)
        )
        rows = [
            Newsletter(
                community_id=cid,
                frequency=frequency,
                period_start=start,
                period_end=end,
                status=IssueStatus.SCHEDULED,
                scheduled_for=datetime.combine(send_on, time(9), tzinfo=tz),
            )
            for cid in sorted(ids - existing)
        ]
        created += len(Newsletter.objects.bulk_create(rows, ignore_conflicts=True))
    return created


@transaction.atomic
def save_newsletter(*, newsletter: Newsletter, by: Member | None = None) -> Newsletter:
    """Save an issue written in the admin: the introduction is rendered once here."""
    newsletter.introduction_html = render_markdown(newsletter.introduction).html
    if newsletter.pk is None and by is not None:
        newsletter.created_by = by
    if newsletter.status == IssueStatus.DRAFT and newsletter.scheduled_for is not None:
        newsletter.status = IssueStatus.SCHEDULED
    elif newsletter.status == IssueStatus.SCHEDULED and newsletter.scheduled_for is None:
        newsletter.status = IssueStatus.DRAFT
    newsletter.save()
    return newsletter


# --- Recipients -------------------------------------------------------------------------
def recipients(newsletter: Newsletter, *, now: datetime | None = None) -> QuerySet[Member]:
    """Members who get this issue: active members of its community (of any community for
    the platform issue) whose choice for it is the issue's frequency (monthly without a
    choice), whose account is open, and who were seen within NEWSLETTER_INACTIVE_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NEWSLETTER_INACTIVE_DAYS)
    choice = NewsletterPreference.objects.filter(member=OuterRef("pk"))
    if newsletter.community_id:
        choice = choice.filter(community_id=newsletter.community_id)
        belongs = Membership.objects.filter(
            member=OuterRef("pk"),
            community_id=newsletter.community_id,
            status=MembershipStatus.ACTIVE,
        )
    else:
        choice = choice.filter(community__isnull=True)
        belongs = Membership.objects.filter(member=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    return (
        Member.objects.filter(Exists(belongs), is_anonymized=False, user__is_active=True)
        .filter(Q(suspended_until__isnull=True) | Q(suspended_until__lte=now))
        .alias(
            last_seen=Greatest("user__last_login", "user__date_joined"),
            digest=Coalesce(
                Subquery(choice.values("frequency")[:1]), Value(Frequency.MONTHLY.value)
            ),
        )
        .filter(last_seen__gte=cutoff, digest=newsletter.frequency)
    )


def _remaining(newsletter: Newsletter, now: datetime) -> QuerySet[Member]:
    done = NewsletterDelivery.objects.filter(newsletter=newsletter, member=OuterRef("pk")).filter(
        Q(status__in=FINAL)
        | Q(status=DeliveryStatus.FAILED, attempts__gte=settings.NEWSLETTER_MAX_ATTEMPTS)
    )
    return recipients(newsletter, now=now).filter(~Exists(done))


def _remaining_ids(newsletter: Newsletter, now: datetime) -> list[int]:
    return list(_remaining(newsletter, now).order_by("pk").values_list("pk", flat=True))


# --- Sending an issue -------------------------------------------------------------------
def start_newsletter(*, newsletter_id: int, now: datetime | None = None) -> int:
    """Send an issue now (or resume it): queue every recipient not served yet, in chunks.
    Safe to run twice: chunks claim their rows, so a member queued twice is sent once.
    Returns how many recipients were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        newsletter = (
            Newsletter.objects.select_for_update().filter(pk=newsletter_id).order_by().first()
        )
        if newsletter is None or newsletter.status == IssueStatus.SENT:
            return 0
        newsletter.status = IssueStatus.SENDING
        newsletter.started_at = now
        newsletter.save(update_fields=["status", "started_at", "updated_at"])
        ids = _remaining_ids(newsletter, now)
        if not ids:
            _mark_sent(newsletter, now)
            return 0
        size = settings.NEWSLETTER_CHUNK_SIZE
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)]

        def queue() -> None:
            from community.tasks import deliver_newsletter_chunk_task

            for chunk in chunks:
                deliver_newsletter_chunk_task.delay(newsletter_id, chunk)

        transaction.on_commit(queue)
    return len(ids)


def _mark_sent(newsletter: Newsletter, now: datetime) -> None:
    counts = dict(
        NewsletterDelivery.objects.filter(newsletter=newsletter)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=IssueStatus.SENT,
        sent_at=now,
        sent_count=counts.get(DeliveryStatus.SENT, 0),
        skipped_count=counts.get(DeliveryStatus.SKIPPED, 0),
    )


def finish_newsletter_if_done(*, newsletter_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    newsletter = Newsletter.objects.filter(pk=newsletter_id, status=IssueStatus.SENDING).first()
    if newsletter is None:
        return False
    if _remaining(newsletter, now).exists():
        return False
    _mark_sent(newsletter, now)
    return True


def dispatch_newsletters(*, now: datetime | None = None) -> int:
    """The periodic task: create the period's issues, start those due, resume interrupted
    ones (started more than NEWSLETTER_CLAIM_TIMEOUT ago and not finished). Returns how
    many recipients were queued."""
    now = now or timezone.now()
    ensure_period_issues(now=now)
    queued = 0
    due = Newsletter.objects.filter(status=IssueStatus.SCHEDULED, scheduled_for__lte=now)
    for pk in due.order_by("scheduled_for").values_list("pk", flat=True):
        queued += start_newsletter(newsletter_id=pk, now=now)
    stale = now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)
    stuck = Newsletter.objects.filter(status=IssueStatus.SENDING, started_at__lte=stale)
    for pk in stuck.values_list("pk", flat=True):
        queued += start_newsletter(newsletter_id=pk, now=now)
    return queued


@dataclass
class ChunkResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    not_mine: int = 0


CLAIM_SQL = """
    INSERT INTO community_newsletterdelivery
        (newsletter_id, member_id, status, claim, claimed_at, attempts, error)
    SELECT %(newsletter)s, m, 'claimed', %(claim)s, %(now)s, 0, ''
    FROM unnest(%(ids)s::bigint[]) AS m
    ON CONFLICT (newsletter_id, member_id) DO UPDATE
        SET claim = EXCLUDED.claim, claimed_at = EXCLUDED.claimed_at, status = 'claimed'
        WHERE (community_newsletterdelivery.status = 'claimed'
               AND (community_newsletterdelivery.claim = EXCLUDED.claim
                    OR community_newsletterdelivery.claimed_at < %(stale)s))
           OR (community_newsletterdelivery.status = 'failed'
               AND community_newsletterdelivery.attempts < %(max_attempts)s)
    RETURNING member_id
"""


def deliver_newsletter_chunk(
    *, newsletter_id: int, member_ids: list[int], claim: str, now: datetime | None = None
) -> ChunkResult:
    """Send one issue to a chunk of members (ids). Safe to run twice, concurrently or after
    a crash: see the module's docstring."""
    now = now or timezone.now()
    result = ChunkResult()
    newsletter = Newsletter.objects.select_related("community").filter(pk=newsletter_id).first()
    if newsletter is None or newsletter.status != IssueStatus.SENDING:
        return result
    eligible = list(
        recipients(newsletter, now=now).filter(pk__in=member_ids).values_list("pk", flat=True)
    )
    if not eligible:
        return result
    stale = now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {
                "newsletter": newsletter_id,
                "claim": claim,
                "now": now,
                "ids": sorted(eligible),
                "stale": stale,
                "max_attempts": settings.NEWSLETTER_MAX_ATTEMPTS,
            },
        )
        owned = sorted(row[0] for row in cursor.fetchall())
    result.not_mine = len(eligible) - len(owned)
    if not owned:
        return result
    members = list(Member.objects.filter(pk__in=owned).select_related("user").order_by("pk"))
    period = digest_period(newsletter)
    communities = _communities_of(newsletter, members)
    _prepare(members, communities, period)
    sender = Sender()
    try:
        for member in members:
            outcome = _deliver_one(
                newsletter, member, communities[member.pk], period, claim, sender
            )
            setattr(result, outcome, getattr(result, outcome) + 1)
    finally:
        sender.close()
    if result.sent or result.skipped:
        Newsletter.objects.filter(pk=newsletter_id).update(
            sent_count=F("sent_count") + result.sent,
            skipped_count=F("skipped_count") + result.skipped,
        )
    finish_newsletter_if_done(newsletter_id=newsletter_id)
    return result


def _communities_of(newsletter: Newsletter, members: list[Member]) -> dict[int, list[Community]]:
    if newsletter.community is not None:
        return {m.pk: [newsletter.community] for m in members}
    found: dict[int, list[Community]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            member_id__in=[m.pk for m in members], status=MembershipStatus.ACTIVE
        )
        .select_related("community")
        .order_by("community__name")
    )
    for row in rows:
        found[row.member_id].append(row.community)
    return {m.pk: found.get(m.pk, []) for m in members}


def _prepare(
    members: list[Member], communities: dict[int, list[Community]], period: DigestPeriod
) -> None:
    every = list({c.pk: c for cs in communities.values() for c in cs}.values())
    for section in all_sections():
        if section.prepare is not None:
            period.data[section.key] = section.prepare(members, every, period)


def _deliver_one(
    newsletter: Newsletter,
    member: Member,
    communities: list[Community],
    period: DigestPeriod,
    claim: str,
    sender: Sender,
) -> str:
    mine = NewsletterDelivery.objects.filter(
        newsletter=newsletter, member=member, status=DeliveryStatus.CLAIMED, claim=claim
    )
    error = ""
    committed = False
    try:
        # Rendering reads only: it happens before the row is locked.
        message = build_message(newsletter, member, communities, period)
        with transaction.atomic():
            # Marks the row and locks it until COMMIT, in one statement; zero rows when
            # another task took the claim over or it was served meanwhile.
            marked = mine.update(
                status=DeliveryStatus.SENT if message else DeliveryStatus.SKIPPED,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
            if not marked:
                return "not_mine"
            if message is None:
                return "skipped"
            sender.hand_over(message)
        # Committed: the row says sent. Only now the final dot makes the server take it.
        committed = True
        sender.confirm()
        return "sent"
    except smtplib.SMTPResponseException as exc:  # the server said no: not delivered
        logger.warning("Newsletter %s to member %s refused: %s", newsletter.pk, member.pk, exc)
        sender.reset()
        error = str(exc)[:300]
    except Exception as exc:
        sender.reset()
        if committed:
            # The connection broke after the final dot left, or while waiting for the
            # reply: the server may have the message. Never twice: it stays sent.
            logger.warning(
                "Newsletter %s to member %s uncertain: %s", newsletter.pk, member.pk, exc
            )
            NewsletterDelivery.objects.filter(
                newsletter=newsletter, member=member, claim=claim
            ).update(error=f"uncertain: {exc}"[:300])
            return "sent"
        logger.warning("Newsletter %s to member %s failed: %s", newsletter.pk, member.pk, exc)
        error = str(exc)[:300]
    NewsletterDelivery.objects.filter(
        newsletter=newsletter, member=member, claim=claim, status__in=FAILABLE
    ).update(
        status=DeliveryStatus.FAILED,
        error=error,
        attempts=F("attempts") + (0 if committed else 1),
    )
    return "failed"


class Sender:
    """Hands messages to the email backend on one open connection.

    With the SMTP backend, `hand_over` runs the SMTP transaction up to the whole message
    but *without* the final dot of DATA (a server never takes a message whose dot did not
    come); the caller commits its database transaction (the row says sent), then `confirm`
    sends the dot and reads the reply (SMTPDataError if the server refused). Any other
    backend (locmem in tests, console) sends in `hand_over`.
    """

    def __init__(self) -> None:
        self.backend = get_connection()
        self.smtp: smtplib.SMTP | None = None
        self.waiting = False

    def _open(self) -> smtplib.SMTP:
        if self.smtp is None:
            backend: SMTPBackend = self.backend  # type: ignore[assignment]
            backend.open()
            self.smtp = backend.connection
        if self.smtp is None:
            raise smtplib.SMTPServerDisconnected("No connection to the SMTP server.")
        return self.smtp

    def hand_over(self, message: EmailMultiAlternatives) -> None:
        if not isinstance(self.backend, SMTPBackend):
            self.backend.send_messages([message])
            return
        smtp = self._open()
        backend: SMTPBackend = self.backend
        sender = backend.prep_address(message.from_email)
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        for address in message.recipients():
            to = backend.prep_address(address)
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
        code, reply = smtp.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = message.message(policy=email.policy.SMTP).as_bytes()
        body = re.sub(rb"(?m)^\.", b"..", body)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        smtp.send(body)
        self.waiting = True

    def confirm(self) -> None:
        if not self.waiting or self.smtp is None:
            return
        self.waiting = False
        self.smtp.send(b".\r\n")
        code, reply = self.smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def reset(self) -> None:
        self.waiting = False
        if self.smtp is not None:
            try:
                self.smtp.rset()
            except Exception:  # the connection is gone: reopen for the next message
                self.close()

    def close(self) -> None:
        try:
            if self.smtp is not None:
                self.backend.close()
        except Exception:  # noqa: S110 - closing a broken connection
            pass
        self.smtp = None


# --- Rendering ------------------------------------------------------------------------
_LINK = re.compile(r"<a\s[^>]*href=\"([^\"]+)\"[^>]*>(.*?)</a>", re.S | re.I)
_BLANKS = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """A plain-text rendering of an HTML fragment, links written out."""
    text = _LINK.sub(lambda m: f"{strip_tags(m.group(2)).strip()} ({m.group(1)})", html)
    text = re.sub(r"<(br|/p|/li|/h\d|/tr)\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.I)
    text = unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _absolute_links(html: str) -> str:
    return re.sub(r'(href|src)="/(?!/)', rf'\1="{settings.SITE_URL}/', html)


def member_language(member: Member) -> str:
    return member.preferred_language or settings.LANGUAGE_CODE


@dataclass
class Digest:
    subject: str
    html: str
    text: str
    unsubscribe_url: str


def render_digest(
    newsletter: Newsletter, member: Member, communities: list[Community], period: DigestPeriod
) -> Digest | None:
    """The member's issue in their language, or None when no section has anything."""
    with translation.override(member_language(member)):
        parts = []
        for section in all_sections():
            try:
                context = section.build(member, communities, period)
            except Exception:  # one broken section must not stop the newsletter
                logger.exception("Newsletter section %s failed for %s", section.key, member.pk)
                continue
            if context is None:
                continue
            context = {"member": member, "period": period, "section": section, **context}
            html = _absolute_links(render_to_string(section.template, context))
            text = (
                render_to_string(section.text_template, context)
                if section.text_template
                else html_to_text(html)
            )
            parts.append({"key": section.key, "html": html, "text": text.strip()})
        if not parts:
            return None
        unsubscribe = unsubscribe_url(member.pk, newsletter.community_id)
        context = {
            "member": member,
            "newsletter": newsletter,
            "community": newsletter.community,
            "period": period,
            "month": period.start,
            "introduction_html": _absolute_links(newsletter.introduction_html),
            "introduction_text": html_to_text(newsletter.introduction_html),
            "parts": parts,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "preferences_url": absolute_url("/me/newsletters/"),
            "unsubscribe_url": unsubscribe,
        }
        subject = " ".join(
            render_to_string("community/email/newsletter_subject.txt", context).split()
        )
        html = render_to_string("community/email/newsletter.html", context)
        text = render_to_string("community/email/newsletter.txt", context)
    return Digest(subject, html, text, unsubscribe)


def build_message(
    newsletter: Newsletter, member: Member, communities: list[Community], period: DigestPeriod
) -> EmailMultiAlternatives | None:
    digest = render_digest(newsletter, member, communities, period)
    if digest is None:
        return None
    message = EmailMultiAlternatives(
        digest.subject,
        digest.text,
        to=[member.user.email],
        headers={
            # RFC 8058 one-click unsubscribe (and RFC 2369's header it builds on).
            "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(digest.html, "text/html")
    return message


def preview_newsletter(*, newsletter: Newsletter, member: Member) -> Digest | None:
    """The issue as ``member`` would get it (the admin's preview); sends nothing."""
    period = digest_period(newsletter)
    communities = _communities_of(newsletter, [member])
    _prepare([member], communities, period)
    return render_digest(newsletter, member, communities[member.pk], period)


# --- Preferences and unsubscribe -------------------------------------------------------
def make_unsubscribe_token(member_id: int, community_id: int | None) -> str:
    return signing.dumps([member_id, community_id or 0], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    """(member id, community id or None for the platform issue), or None if tampered."""
    try:
        member_id, community_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(member_id), (int(community_id) or None)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def unsubscribe_url(member_id: int, community_id: int | None) -> str:
    return absolute_url(f"/u/{make_unsubscribe_token(member_id, community_id)}/")


@transaction.atomic
def set_newsletter_frequency(*, member: Member, community_id: int | None, frequency: str) -> None:
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    NewsletterPreference.objects.update_or_create(
        member=member,
        community=Community.objects.filter(pk=community_id).first() if community_id else None,
        defaults={"frequency": frequency},
    )


def unsubscribe(*, member: Member, community_id: int | None) -> None:
    """One-click unsubscribe: no more issues of this community (or of the platform)."""
    set_newsletter_frequency(member=member, community_id=community_id, frequency=Frequency.NEVER)


@transaction.atomic
def set_newsletter_preferences(*, member: Member, choices: dict[int | None, str]) -> None:
    for community_id, frequency in choices.items():
        set_newsletter_frequency(member=member, community_id=community_id, frequency=frequency)
