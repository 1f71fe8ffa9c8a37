"""factory_boy factories shared by every app's tests. Rows are built the way services
build them (a member has a user and a verified email; a membership is active and has
accepted the current charter unless told otherwise)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from community.models import CharterVersion, Community, Member, Membership, User
from community.models.communities import JoinPolicy, MembershipStatus, Role, Visibility

PASSWORD = "a-long-test-password-42"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One real (Argon2) hash, computed once: hashing per user would cost ~100 ms each."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Member {n}")
    handle = factory.Sequence(lambda n: f"member-{n}")
    team = ""
    site = ""
    languages = factory.LazyFunction(lambda: ["fr"])


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    language = "fr"
    visibility = Visibility.PUBLIC
    join_policy = JoinPolicy.OPEN


def with_charter(community: Community, text: str = "Be kind.") -> CharterVersion:
    """Publish a charter version the way the service does (bumping the version)."""
    from community.services import publish_charter

    charter = publish_charter(community=community, text=text, by=None, notify_members=False)
    community.refresh_from_db()
    return charter


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Role.MEMBER
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)
    accepted_charter_version = factory.LazyAttribute(lambda o: o.community.charter_version)

    @factory.post_generation
    def staff(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        # Animators have back-office access, as `change_role` gives them.
        if create and self.role == Role.ANIMATOR and self.status == MembershipStatus.ACTIVE:
            User.objects.filter(pk=self.member.user_id).update(is_staff=True)
            self.member.user.is_staff = True


def refresh_counts(*communities: Community) -> None:
    from community.services.communities import refresh_member_counts

    refresh_member_counts(community_ids=[c.pk for c in communities])
    for c in communities:
        c.refresh_from_db()
