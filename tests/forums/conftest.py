"""Fixtures of forums/ tests: a public community with categories and people in roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from community.models import Community, Member
from forums.models import Category, Post, Topic
from forums.services import posting
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory


@dataclass
class Forum:
    community: Community
    general: Category
    staff_only: Category
    alice: Member
    bob: Member
    animator: Member
    outsider: Member  # logged in, not a member


@pytest.fixture
def forum(db: None) -> Forum:
    community = CommunityFactory(name="Formateurs", slug="formateurs", language="fr")
    alice = MembershipFactory(
        community=community, member__display_name="Alice Martin", member__handle="alice"
    ).member
    bob = MembershipFactory(
        community=community, member__display_name="Bob Leroy", member__handle="bob"
    ).member
    animator = MembershipFactory(community=community, role="animator", member__handle="anna").member
    general = Category.objects.create(community=community, name="Général", slug="general")
    staff = Category.objects.create(
        community=community,
        name="Équipe",
        slug="equipe",
        position=1,
        allowed_roles=["animator"],
    )
    return Forum(
        community=community,
        general=general,
        staff_only=staff,
        alice=alice,
        bob=bob,
        animator=animator,
        outsider=MemberFactory(handle="eve"),
    )


def _run_on_commit(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` and the on-commit callbacks it queued (the fan-out task, eager)."""
    return fn()


@pytest.fixture
def make_topic(forum: Forum, django_capture_on_commit_callbacks: Any) -> Callable[..., Topic]:
    def make(
        by: Member | None = None,
        *,
        title: str = "Comment animer un atelier ?",
        body: str = "Je cherche des idées pour des apprenants débutants.",
        kind: str = "discussion",
        category: Category | None = None,
        tags: tuple[str, ...] = (),
    ) -> Topic:
        with django_capture_on_commit_callbacks(execute=True):
            return posting.create_topic(
                community=forum.community,
                category=category or forum.general,
                by=by or forum.alice,
                kind=kind,
                title=title,
                body=body,
                tags=tags,
            )

    return make


@pytest.fixture
def make_reply(forum: Forum, django_capture_on_commit_callbacks: Any) -> Callable[..., Post]:
    def make(
        topic: Topic, by: Member | None = None, body: str = "Essaie le world café.", **kw: Any
    ) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return posting.reply(topic=topic, by=by or forum.bob, body=body, **kw)

    return make


@pytest.fixture
def client_as(client_for: Callable[[Member | None], Client]) -> Callable[[Member | None], Client]:
    return client_for


__all__ = ["Forum", "transaction"]
