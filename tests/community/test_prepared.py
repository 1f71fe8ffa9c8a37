"""PreparedQuery: compiled once, run with new values, same rows as the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.test.utils import CaptureQueriesContext

from community.models import Community, Member, Membership
from community.prepared import Const, PreparedQuery
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _people() -> tuple[Any, Any, list[Any]]:
    parent = CommunityFactory(name="Réseau", slug="reseau")
    child = CommunityFactory(name="Chapitre Lyon", slug="lyon", parent=parent)
    people = [MemberFactory(display_name=f"Personne {i}") for i in range(4)]
    for i, person in enumerate(people):
        MembershipFactory(member=person, community=child, role="animator" if i == 0 else "member")
        if i % 2 == 0:
            MembershipFactory(member=person, community=parent)
    return parent, child, people


def test_model_rows_match_the_orm_with_related_objects_and_annotations() -> None:
    _parent, child, people = _people()

    def build(slug: str, member: int) -> QuerySet[Membership]:
        return (
            Membership.objects.filter(community__slug=slug)
            .select_related("member", "community__parent")
            .annotate(
                others=Subquery(
                    Membership.objects.filter(member=OuterRef("member"))
                    .exclude(community__slug=slug)
                    .values("member")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                )
            )
            .exclude(member_id=member)
            .order_by("member__display_name")
        )

    prepared = PreparedQuery(build)
    for excluded in people[:2]:
        expected = list(build("lyon", excluded.pk))
        got = prepared.fetch(slug="lyon", member=excluded.pk)
        assert [m.pk for m in got] == [m.pk for m in expected]
        assert excluded.pk not in [m.member_id for m in got]
        assert [m.others for m in got] == [m.others for m in expected]
        assert [m.role for m in got] == [m.role for m in expected]
        with CaptureQueriesContext(connection) as ctx:
            names = [m.member.display_name for m in got]
            parents = {m.community.parent.slug for m in got}
        assert len(ctx.captured_queries) == 0  # select_related objects came with the rows
        assert names == sorted(names)
        assert parents == {"reseau"}
    assert child.pk in {m.community_id for m in got}
    assert len(prepared._compiled) == 1  # compiled once for both calls


def test_lists_of_ids_compile_once_per_length_and_keep_their_order_of_values() -> None:
    parent, child, people = _people()
    prepared = PreparedQuery(
        lambda member, ids: Membership.objects.filter(member_id=member, community_id__in=ids)
    )
    first = people[0]
    assert {m.community_id for m in prepared.fetch(member=first.pk, ids=[child.pk])} == {child.pk}
    both = prepared.fetch(member=first.pk, ids=[child.pk, parent.pk])
    assert {m.community_id for m in both} == {child.pk, parent.pk}
    assert {
        m.community_id for m in prepared.fetch(member=people[1].pk, ids=[parent.pk, child.pk])
    } == {child.pk}
    assert len(prepared._compiled) == 2


def test_values_list_gives_tuples_and_constants_stay_in_the_statement() -> None:
    _parent, child, people = _people()
    prepared = PreparedQuery(
        lambda community, roles, size: (
            Membership.objects.filter(community_id=community, role__in=roles)
            .order_by("member_id")
            .values_list("member_id", "role")[:size]
        )
    )
    rows = prepared.fetch(community=child.pk, roles=Const(("animator",)), size=Const(10))
    assert rows == [(people[0].pk, "animator")]
    rows = prepared.fetch(community=child.pk, roles=Const(("member",)), size=Const(2))
    assert rows == [(people[1].pk, "member"), (people[2].pk, "member")]
    assert len(prepared._compiled) == 2


def test_strings_are_passed_as_values_not_as_sql() -> None:
    _people()
    prepared = PreparedQuery(lambda slug: Community.objects.filter(slug=slug))
    assert [c.slug for c in prepared.fetch(slug="lyon")] == ["lyon"]
    assert prepared.fetch(slug="lyon' OR '1'='1") == []
    assert prepared.fetch(slug="") == []


def test_a_value_the_orm_transforms_is_refused_at_the_first_call() -> None:
    prepared = PreparedQuery(lambda text: Community.objects.filter(name__icontains=text))
    with pytest.raises(ValueError, match="transformed"):
        prepared.fetch(text="lyon")


def test_an_array_is_one_parameter_whatever_its_length() -> None:
    from community.prepared import Array

    _parent, _child, people = _people()
    prepared = PreparedQuery(
        lambda ids: Member.objects.filter(pk__any_of=ids).values_list("pk", flat=True)
    )
    one = prepared.fetch(ids=Array([people[0].pk]))
    three = prepared.fetch(ids=Array([p.pk for p in people[:3]]))
    assert set(one) == {people[0].pk}
    assert set(three) == {p.pk for p in people[:3]}
    assert prepared.fetch(ids=Array([])) == []
    assert len(prepared._compiled) == 1  # one statement for every length
