"""The sections forums/, recognition/ and analytics/ contribute to the digest: what
qualifies, nothing qualifying, what the member may not read, the member's language, and
queries per chunk that do not grow with the chunk."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from analytics.models import MonthlySnapshot
from community.models import Community, Member, Newsletter
from community.newsletters import all_sections
from community.services import newsletters as services
from forums.models import Category, Post, TagFollow, Topic
from forums.services import engagement, posting
from recognition.models import BadgeGrant, Kudos
from tests.factories import CommunityFactory, MembershipFactory
from tests.mentoring.factories import make_skill, teaches
from tests.newsletters.conftest import Place, last_month, make_issue
from tests.recognition.factories import badge

pytestmark = pytest.mark.django_db


def inside() -> datetime:
    start, _end = last_month()
    tz = timezone.get_current_timezone()
    return datetime.combine(start, datetime.min.time(), tzinfo=tz) + timedelta(days=3)


def category(
    community: Community, slug: str = "general", roles: list[str] | None = None
) -> Category:
    return Category.objects.create(
        community=community, name=slug.title(), slug=slug, allowed_roles=roles or []
    )


def topic(
    community: Community,
    cat: Category,
    by: Member,
    title: str,
    *,
    kind: str = "discussion",
    tags: tuple[str, ...] = (),
    at: datetime | None = None,
) -> Topic:
    t = posting.create_topic(
        community=community, category=cat, by=by, kind=kind, title=title, body="Bonjour", tags=tags
    )
    Topic.objects.filter(pk=t.pk).update(created_at=at or inside())
    t.refresh_from_db()
    return t


def digest(member: Member, community: Community | None = None, **kw: Any) -> Any:
    frequency = kw.get("frequency", "monthly")
    issue = Newsletter.objects.filter(community=community, frequency=frequency).first()
    issue = issue or make_issue(community, **kw)
    return services.preview_newsletter(newsletter=issue, member=member)


def html(member: Member, community: Community | None) -> str:
    d = digest(member, community)
    return d.html if d is not None else ""


# --- registry ---------------------------------------------------------------------------


def test_the_app_sections_are_registered_in_order() -> None:
    keys = [s.key for s in all_sections()]
    ours = [
        k
        for k in keys
        if k in {"forums.top", "forums.questions", "recognition.month", "analytics.month"}
    ]
    assert ours == ["forums.top", "forums.questions", "recognition.month", "analytics.month"]


# --- forums: top discussions ------------------------------------------------------------


def test_top_discussions_ranked_by_replies_and_reactions(place: Place) -> None:
    c = place.community
    cat = category(c)
    quiet = topic(c, cat, place.bob, "Sujet calme")
    busy = topic(c, cat, place.bob, "Sujet animé")
    posting.reply(topic=busy, by=place.animator, body="Oui")
    posting.reply(topic=busy, by=place.alice, body="Moi aussi")
    opening = Post.objects.get(topic=quiet, number=1)
    engagement.set_reaction(post=opening, by=place.alice, emoji="👍", on=True)
    topic(c, cat, place.bob, "Personne n’a répondu")  # score 0: not a top discussion
    old = topic(c, cat, place.bob, "Trop ancien", at=inside() - timedelta(days=40))
    posting.reply(topic=old, by=place.alice, body="x")
    d = digest(place.alice, c)
    assert d is not None
    part = d.html.split("Discussions phares du mois")[1].split("</ul>")[0]
    assert part.index("Sujet animé") < part.index("Sujet calme")
    assert "2 réponses, 0 réaction" in part and "0 réponse, 1 réaction" in part
    assert "Personne n’a répondu" not in part and "Trop ancien" not in part
    assert f'href="http://testserver/c/{c.slug}/forums/t/{busy.pk}/"' in part


def test_top_discussions_nothing_qualifies(place: Place) -> None:
    assert digest(place.alice, place.community) is None


def test_top_discussions_respect_roles_hidden_and_deleted(place: Place) -> None:
    c = place.community
    staff = category(c, "equipe", roles=["animator"])
    cat = category(c)
    secret = topic(c, staff, place.animator, "Réservé à l’équipe")
    posting.reply(topic=secret, by=place.animator, body="x")
    hidden = topic(c, cat, place.bob, "Sujet masqué")
    posting.reply(topic=hidden, by=place.alice, body="x")
    Post.objects.filter(topic=hidden, number=1).update(hidden_at=timezone.now())
    gone = topic(c, cat, place.bob, "Sujet supprimé")
    posting.reply(topic=gone, by=place.alice, body="x")
    Topic.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    assert digest(place.alice, c) is None
    # an animator reads the restricted category
    assert "Réservé à l’équipe" in html(place.animator, c)
    # another community's topics (private or not) never show
    other = CommunityFactory(visibility="private")
    ocat = category(other)
    MembershipFactory(community=other, member=place.bob)
    t = topic(other, ocat, place.bob, "Ailleurs")
    posting.reply(topic=t, by=place.bob, body="x")
    assert "Ailleurs" not in html(place.alice, None)


def test_top_discussions_in_english(place: Place) -> None:
    c = place.community
    t = topic(c, category(c), place.bob, "Sujet animé")
    posting.reply(topic=t, by=place.alice, body="x")
    place.alice.preferred_language = "en"
    place.alice.save()
    d = digest(place.alice, c)
    assert d is not None
    assert "Top discussions of the month" in d.html and "1 reply, 0 reactions" in d.html


# --- forums: unanswered questions --------------------------------------------------------


def test_unanswered_questions_matching_followed_tags_or_taught_skills(place: Place) -> None:
    c = place.community
    cat = category(c)
    skill = make_skill("Excel", name_fr="Excel", slug="excel")
    teaches(place.alice, skill)
    q1 = topic(c, cat, place.bob, "Formule RECHERCHEV ?", kind="question", tags=("excel",))
    q2 = topic(c, cat, place.bob, "Quel micro ?", kind="question", tags=("audio",))
    topic(c, cat, place.bob, "Sans rapport ?", kind="question", tags=("cuisine",))
    answered = topic(c, cat, place.bob, "Déjà répondu ?", kind="question", tags=("excel",))
    posting.reply(topic=answered, by=place.animator, body="Voilà")
    topic(c, cat, place.alice, "Ma propre question ?", kind="question", tags=("excel",))
    topic(c, cat, place.bob, "Une discussion", tags=("excel",))
    tag = q2.tags.get(slug="audio")
    TagFollow.objects.create(member=place.alice, community=c, tag=tag, level="normal")
    d = digest(place.alice, c)
    assert d is not None
    part = d.html.split("Questions sans réponse")[1].split("</ul>")[0]
    assert "Formule RECHERCHEV ?" in part and "Quel micro ?" in part
    for absent in ("Sans rapport", "Déjà répondu", "Ma propre question", "Une discussion"):
        assert absent not in part
    assert f'href="http://testserver/c/{c.slug}/forums/t/{q1.pk}/"' in part
    # muted follows do not count; nothing matches Bob (he asked them all)
    TagFollow.objects.filter(member=place.alice).update(level="muted")
    d = digest(place.alice, c)
    assert d is not None and "Quel micro ?" not in d.html
    bob = digest(place.bob, c)  # Bob has the top discussions, no question to answer
    assert bob is not None and "Questions sans réponse" not in bob.html


def test_unanswered_questions_respect_category_roles(place: Place) -> None:
    c = place.community
    staff = category(c, "equipe", roles=["animator"])
    skill = make_skill("Excel", slug="excel")
    teaches(place.alice, skill)
    teaches(place.animator, skill)
    q = topic(c, staff, place.animator, "Question d’équipe ?", kind="question", tags=("excel",))
    Topic.objects.filter(pk=q.pk).update(author=place.bob)
    assert digest(place.alice, c) is None
    assert "Question d’équipe ?" in html(place.animator, c)


# --- recognition ------------------------------------------------------------------------


def test_recognition_badges_and_kudos_of_the_period(place: Place) -> None:
    c = place.community
    b = badge("manual_x", slug="pilier", name_fr="Pilier", name_en="Pillar")
    BadgeGrant.objects.create(badge=b, member=place.alice, community=c, granted_at=inside())
    revoked = badge("manual_y", slug="revoque", name_fr="Révoqué", name_en="Revoked")
    BadgeGrant.objects.create(
        badge=revoked, member=place.alice, community=c, granted_at=inside(), revoked_at=inside()
    )
    early = badge("manual_z", slug="ancien", name_fr="Ancien", name_en="Old")
    BadgeGrant.objects.create(
        badge=early, member=place.alice, community=c, granted_at=inside() - timedelta(days=40)
    )
    Kudos.objects.create(
        giver=place.bob, receiver=place.alice, community=c, message="Merci !", created_at=inside()
    )
    d = digest(place.alice, c)
    assert d is not None
    assert "Votre reconnaissance ce mois-ci" in d.html
    assert "Pilier" in d.html and 'href="http://testserver/badges/pilier/"' in d.html
    assert "Révoqué" not in d.html and "Ancien" not in d.html
    assert "De la part de Bob Leroy" in d.html and "« Merci ! »" in d.html
    assert f'href="http://testserver/c/{c.slug}/recognition/"' in d.html
    place.alice.preferred_language = "en"
    place.alice.save()
    d = digest(place.alice, c)
    assert d is not None
    assert "Your recognition this month" in d.html and "Pillar" in d.html
    assert "From Bob Leroy" in d.html


def test_recognition_nothing_qualifies_and_other_communities(place: Place) -> None:
    other = CommunityFactory()
    MembershipFactory(community=other, member=place.alice)
    MembershipFactory(community=other, member=place.bob)
    Kudos.objects.create(
        giver=place.bob,
        receiver=place.alice,
        community=other,
        message="Ailleurs",
        created_at=inside(),
    )
    assert digest(place.alice, place.community) is None
    assert "Ailleurs" in html(place.alice, None)


# --- analytics --------------------------------------------------------------------------


def snapshot(community: Community, month: Any, **figures: int) -> MonthlySnapshot:
    return MonthlySnapshot.objects.create(
        community=community, month=month, provisional=False, figures=figures
    )


def test_community_month_with_comparison(place: Place) -> None:
    start, _end = last_month()
    before = (start - timedelta(days=1)).replace(day=1)
    snapshot(
        place.community,
        start,
        members_active=12,
        contributions=40,
        questions_solved=3,
        members_new=2,
    )
    snapshot(
        place.community,
        before,
        members_active=10,
        contributions=45,
        questions_solved=3,
        members_new=2,
    )
    d = digest(place.alice, place.community)
    assert d is not None
    assert "Le mois de votre communauté" in d.html
    assert "Membres actifs : <strong>12</strong>" in d.html
    assert "+2 par rapport au mois précédent" in d.html
    assert "-5 par rapport au mois précédent" in d.html
    assert "comme le mois précédent" in d.html
    place.alice.preferred_language = "en"
    place.alice.save()
    d = digest(place.alice, place.community)
    assert d is not None and "Active members: <strong>12</strong>" in d.html
    assert "+2 on the previous month" in d.html


def test_community_month_only_with_a_snapshot(place: Place) -> None:
    start, _end = last_month()
    other = CommunityFactory()
    snapshot(other, start, members_active=5)
    assert digest(place.alice, place.community) is None
    snapshot(place.community, (start - timedelta(days=40)).replace(day=1), members_active=5)
    assert digest(place.alice, place.community) is None
    # weekly issues carry no monthly figures
    snapshot(place.community, start, members_active=5)
    assert digest(place.alice, place.community, frequency="weekly") is None


# --- queries ----------------------------------------------------------------------------


def test_app_sections_queries_per_chunk_do_not_grow(
    place: Place, django_assert_max_num_queries: Any
) -> None:
    c = place.community
    cat = category(c)
    skill = make_skill("Excel", slug="excel")
    start, _end = last_month()
    snapshot(c, start, members_active=5)
    busy = topic(c, cat, place.bob, "Sujet animé")
    posting.reply(topic=busy, by=place.alice, body="x")
    topic(c, cat, place.bob, "Question ?", kind="question", tags=("excel",))
    b = badge("manual_x", slug="pilier")

    def members(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            m = MembershipFactory(community=c).member
            teaches(m, skill)
            BadgeGrant.objects.create(badge=b, member=m, community=c, granted_at=inside())
            Kudos.objects.create(
                giver=place.bob, receiver=m, community=c, message="Merci", created_at=inside()
            )
            ids.append(m.pk)
        return ids

    few, many = members(5), members(40)
    issue = make_issue(c)
    # per chunk: ~12 fixed queries + 7 for these sections; BEGIN + UPDATE + COMMIT a message
    with django_assert_max_num_queries(21 + 3 * 5):
        services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=few, claim="a")
    with django_assert_max_num_queries(21 + 3 * 40):
        services.deliver_newsletter_chunk(newsletter_id=issue.pk, member_ids=many, claim="b")
    assert len(mail.outbox) == 45
    body = mail.outbox[-1].alternatives[0][0]
    for title in ("Sujet animé", "Question ?", "pilier", "Membres actifs"):
        assert title in body
