"""Keyset ("seek") pagination: page 500 costs what page 1 costs.

A page is fetched with ``WHERE (k1, k2) < (last_k1, last_k2) ORDER BY k1, k2 LIMIT n+1``
instead of ``OFFSET``; the cursor is the sort key of the row at the page's edge, signed
so that it cannot be forged into an arbitrary filter. Works with any mix of ascending and
descending keys; the last key must be unique (usually ``id``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)
_SALT = "community.pagination"


@dataclass
class KeysetPage[T: Model]:
    items: list[T]
    next_cursor: str | None  # older / further in the sort order
    prev_cursor: str | None  # newer / back towards the start

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None


def _encode(values: list[Any], direction: str) -> str:
    raw = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    payload = json.dumps({"v": raw, "d": direction}, separators=(",", ":"))
    return signing.Signer(salt=_SALT).sign(base64.urlsafe_b64encode(payload.encode()).decode())


def _decode(cursor: str) -> tuple[list[Any], str] | None:
    try:
        raw = signing.Signer(salt=_SALT).unsign(cursor)
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
        return list(data["v"]), str(data["d"])
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return None


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in ``order`` (e.g. ["-created_at", "-id"])."""
    condition = Q()
    equal = Q()
    for key, value in zip(order, values, strict=True):
        name = key.lstrip("-")
        lookup = "lt" if key.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    first = order[0]
    # The redundant bound on the first key lets PostgreSQL start the index scan there.
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & condition


def _reverse(order: Sequence[str]) -> list[str]:
    return [k[1:] if k.startswith("-") else f"-{k}" for k in order]


def _key(item: Model, order: Sequence[str]) -> list[Any]:
    values = []
    for key in order:
        value: Any = item
        for part in key.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value)
    return values


def first_keyset_page[T: Model](
    rows: list[T], *, order: Sequence[str], size: int = 20
) -> KeysetPage[T]:
    """The first page from ``size + 1`` rows fetched in ``order`` (by a caller that
    runs its own query, e.g. a prepared one)."""
    items = rows[:size]
    nxt = _encode(_key(items[-1], order), "n") if len(rows) > size else None
    return KeysetPage(items=items, next_cursor=nxt, prev_cursor=None)


def paginate_keyset[T: Model](
    queryset: QuerySet[T], *, order: Sequence[str], cursor: str | None, size: int = 20
) -> KeysetPage[T]:
    """One page of ``queryset`` in ``order``, after (or before) ``cursor``."""
    decoded = _decode(cursor) if cursor else None
    if decoded is None:
        rows = list(queryset.order_by(*order)[: size + 1])
        return first_keyset_page(rows, order=order, size=size)

    values, direction = decoded
    if len(values) != len(order):
        return paginate_keyset(queryset, order=order, cursor=None, size=size)
    if direction == "n":
        rows = list(queryset.filter(_after(order, values)).order_by(*order)[: size + 1])
        items = rows[:size]
        nxt = _encode(_key(items[-1], order), "n") if len(rows) > size and items else None
        prev = _encode(_key(items[0], order), "p") if items else None
        return KeysetPage(items=items, next_cursor=nxt, prev_cursor=prev)
    backwards = _reverse(order)
    rows = list(queryset.filter(_after(backwards, values)).order_by(*backwards)[: size + 1])
    items = list(reversed(rows[:size]))
    prev = _encode(_key(items[0], order), "p") if len(rows) > size and items else None
    nxt = _encode(_key(items[-1], order), "n") if items else None
    return KeysetPage(items=items, next_cursor=nxt, prev_cursor=prev)
