from __future__ import annotations

import pytest
from django.utils import timezone

from community.models import Notification
from community.pagination import paginate_keyset
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices() -> list[int]:
    member = MemberFactory()
    now = timezone.now()
    # Ties on the time (three per minute) to prove the id breaks them.
    rows = [
        Notification(
            recipient=member,
            kind="community.role_changed",
            updated_at=now - timezone.timedelta(minutes=i // 3),
        )
        for i in range(25)
    ]
    Notification.objects.bulk_create(rows)
    return list(Notification.objects.order_by("-updated_at", "-id").values_list("id", flat=True))


def test_forward_then_back(notices: list[int]) -> None:
    qs = Notification.objects.all()
    order = ["-updated_at", "-id"]
    first = paginate_keyset(qs, order=order, cursor=None, size=10)
    second = paginate_keyset(qs, order=order, cursor=first.next_cursor, size=10)
    third = paginate_keyset(qs, order=order, cursor=second.next_cursor, size=10)
    assert [n.pk for n in first.items + second.items + third.items] == notices
    assert (first.has_prev, third.has_next) == (False, False)
    back = paginate_keyset(qs, order=order, cursor=third.prev_cursor, size=10)
    assert [n.pk for n in back.items] == notices[10:20]


def test_a_forged_cursor_is_ignored(notices: list[int]) -> None:
    page = paginate_keyset(
        Notification.objects.all(), order=["-updated_at", "-id"], cursor="not-a-cursor", size=5
    )
    assert [n.pk for n in page.items] == notices[:5]


def test_the_query_has_no_offset(notices: list[int], django_assert_num_queries: object) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = paginate_keyset(
        Notification.objects.all(), order=["-updated_at", "-id"], cursor=None, size=5
    )
    with CaptureQueriesContext(connection) as queries:
        paginate_keyset(
            Notification.objects.all(),
            order=["-updated_at", "-id"],
            cursor=first.next_cursor,
            size=5,
        )
    [query] = queries.captured_queries
    assert "OFFSET" not in query["sql"].upper()
    assert "LIMIT 6" in query["sql"].upper()
