"""Fixtures of the newsletter tests: a community with members, something worth sending,
a local SMTP server (aiosmtpd) that counts what it receives."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from community.models import Community, Event, Member, Newsletter
from community.models.newsletters import IssueStatus
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import EventFactory


@dataclass
class Place:
    community: Community
    alice: Member
    bob: Member
    animator: Member


@pytest.fixture
def place(db: None) -> Place:
    community = CommunityFactory(name="Formateurs de Lyon", slug="formateurs-lyon")
    alice = MembershipFactory(
        community=community,
        member=MemberFactory(
            display_name="Alice Martin", handle="alice", user__email="alice@example.org"
        ),
    ).member
    bob = MembershipFactory(
        community=community,
        member=MemberFactory(display_name="Bob Leroy", handle="bob", user__email="bob@example.org"),
    ).member
    animator = MembershipFactory(
        community=community,
        role="animator",
        member=MemberFactory(display_name="Claire Anim", handle="claire"),
    ).member
    return Place(community, alice, bob, animator)


def coming_event(
    community: Community, title: str = "Atelier classe virtuelle", days: int = 5
) -> Event:
    start = timezone.now() + timedelta(days=days)
    return EventFactory(
        community=community, title=title, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def last_month() -> tuple[date, date]:
    end = timezone.localdate().replace(day=1)
    return (end - timedelta(days=1)).replace(day=1), end


def make_issue(community: Community | None, **kwargs: object) -> Newsletter:
    start, end = last_month()
    values: dict[str, object] = {
        "community": community,
        "period_start": start,
        "period_end": end,
        "status": IssueStatus.SENDING,
        "started_at": timezone.now(),
    }
    values.update(kwargs)
    return Newsletter.objects.create(**values)


@dataclass
class Received:
    rcpt: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class SMTPServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: set[str] = field(default_factory=set)
    reject_data: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data & set(envelope.rcpt_tos):
            return "554 Message rejected after its final dot"
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on localhost (aiosmtpd) that keeps every message it accepts."""
    server = SMTPServer("127.0.0.1", _free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings: object, smtp_server: SMTPServer) -> SMTPServer:
    """Django's SMTP backend pointed at the local server (what EMAIL_URL=smtp://… gives)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = smtp_server.host  # type: ignore[attr-defined]
    settings.EMAIL_PORT = smtp_server.port  # type: ignore[attr-defined]
    settings.EMAIL_HOST_USER = ""  # type: ignore[attr-defined]
    settings.EMAIL_HOST_PASSWORD = ""  # type: ignore[attr-defined]
    settings.EMAIL_USE_TLS = False  # type: ignore[attr-defined]
    settings.EMAIL_USE_SSL = False  # type: ignore[attr-defined]
    return smtp_server
