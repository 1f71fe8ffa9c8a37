"""Fixtures of the moderation tests: a community with an animator, members, and a
resource (flaggable) shared by one of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from community.models import (
    ActivityEvent,
    Community,
    Flag,
    Member,
    Membership,
    ModerationLog,
    Notification,
    Resource,
    ReviewItem,
)
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.forums.conftest import forum, make_reply, make_topic  # noqa: F401  (forum fixtures)
from tests.life.factories import ResourceFactory


@pytest.fixture
def place(db: None) -> Community:
    return CommunityFactory(name="Formateurs de Lyon", slug="formateurs-lyon", auto_hide_flags=3)


def _member(place: Community, name: str, role: str = "member") -> Member:
    return MembershipFactory(
        community=place, role=role, member=MemberFactory(display_name=name)
    ).member


@pytest.fixture
def animator(place: Community) -> Member:
    return _member(place, "Claire Anim", "animator")


@pytest.fixture
def author(place: Community) -> Member:
    return _member(place, "Auteur")


@pytest.fixture
def alice(place: Community) -> Member:
    return _member(place, "Alice")


@pytest.fixture
def bob(place: Community) -> Member:
    return _member(place, "Bob")


@pytest.fixture
def carol(place: Community) -> Member:
    return _member(place, "Carol")


@pytest.fixture
def resource(place: Community, author: Member) -> Resource:
    return ResourceFactory(
        community=place, author=author, title="Achetez mes pilules", summary="Promo !!!"
    )


@pytest.fixture
def admin_client(animator: Member, settings: Any) -> Client:
    settings.ADMIN_REQUIRE_MFA = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(animator.user, backend="community.backends.AuthenticationBackend")
    return client


@pytest.fixture
def snapshot() -> Callable[[], dict[str, Any]]:
    """Every row moderation may touch, to compare before and after a refused request."""

    def take() -> dict[str, Any]:
        return {
            "flags": list(Flag.objects.order_by("pk").values()),
            "items": list(ReviewItem.objects.order_by("pk").values()),
            "log": list(ModerationLog.objects.order_by("pk").values()),
            "activity": list(ActivityEvent.objects.order_by("pk").values()),
            "notifications": list(Notification.objects.order_by("pk").values()),
            "resources": list(Resource.objects.order_by("pk").values("pk", "is_hidden", "summary")),
            "memberships": list(
                Membership.objects.order_by("pk").values("pk", "silenced_until", "status")
            ),
            "members": list(Member.objects.order_by("pk").values("pk", "suspended_until")),
        }

    return take


def ctype_of(model: Any) -> ContentType:
    return ContentType.objects.get_for_model(model)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English whatever the default language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _rate_limits_on(settings: Any) -> None:
    """Other apps' tests run without the posting rate limits; these test them."""
    settings.MODERATION_RATE_LIMITS = True
