"""Querysets compiled once per process and run again with new values.

Building a queryset and compiling it to SQL costs the ORM 1–3 ms of CPU for the queries
of a forum page (``select_related``, subqueries, ordering: expression hashing, joins),
several times what PostgreSQL takes to answer them. The pages read by every member on
every request (community, membership, topic, its posts, the topic list) therefore
compile their queryset once, with marker values in place of the request's values, keep
the SQL and the compiler, and then only substitute the values, execute, and build model
instances with Django's own machinery (``from_db``, related populators, converters).

    _topic = PreparedQuery(
        lambda pk, community: Topic.objects.select_related("author").filter(
            pk=pk, community_id=community
        )
    )
    topics = _topic.fetch(pk=7, community=3)  # a list of Topic, as list(queryset) gives

Values may be ints, strings, or lists of ints (one compiled statement per list length).
Any other value (``None``, a boolean, a date), or one wrapped in ``Const`` (a slice
size), changes the statement's shape: it is passed as is when compiling and is part of
the cache key. A value the ORM transforms
(``__icontains`` wraps it in ``%``) cannot be found again: that is an error at the first
call, so a test catches it. ``.values_list()`` querysets give tuples (values with ``flat=True``).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    get_related_populators,
)

# Marker values: ints within the range of every integer field (Django drops a lookup
# whose value is out of a field's range, e.g. a negative one on a positive field).
_INT_MARKS = (32_000, 21_000)
_STR_MARK = "\x01prepared:{}:{}\x01"
_WHOLE = -1  # slot index of an Array: the whole list is the parameter


@dataclass(frozen=True)
class Const:
    """A value compiled into the statement (part of its shape), e.g. a LIMIT."""

    value: Hashable


class Array(tuple[int, ...]):
    """A list of ints passed as one array parameter (``pk__any_of``): one compiled
    statement whatever its length."""


def _is_substitutable(value: Any) -> bool:
    if isinstance(value, bool | Const):
        return False
    if isinstance(value, int | str):
        return True
    return isinstance(value, list | tuple) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _shape_of(value: Any) -> Hashable:
    if isinstance(value, Const):
        return ("const", value.value)
    if isinstance(value, Array):
        return ("array",)
    if isinstance(value, list | tuple) and _is_substitutable(value):
        return ("list", len(value))
    if _is_substitutable(value):
        return (type(value).__name__,)
    return ("const", value if isinstance(value, Hashable) else repr(value))


@dataclass
class _Compiled:
    sql: str
    slots: list[tuple[str | None, int | None, Any]]  # (name, index in a list, constant)
    compiler: Any
    models: bool
    using: str
    flat: bool = False
    converters: Any = None  # the compiler's, computed once


class PreparedQuery:
    """See the module's docstring."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        self.build = build
        self.using = using
        self._compiled: dict[Hashable, _Compiled] = {}
        self._lock = threading.Lock()

    def _sample(self, params: dict[str, Any], round_: int) -> tuple[dict[str, Any], QuerySet[Any]]:
        """The queryset built with marker values (a different set for each round)."""
        sample: dict[str, Any] = {}
        counter = itertools.count()
        for name, value in params.items():
            if isinstance(value, Const):
                sample[name] = value.value
            elif not _is_substitutable(value):
                sample[name] = value
            elif isinstance(value, str):
                sample[name] = _STR_MARK.format(round_, next(counter))
            elif isinstance(value, int):
                sample[name] = _INT_MARKS[round_] + next(counter)
            elif isinstance(value, Array):
                sample[name] = [_INT_MARKS[round_] + next(counter)]
            else:
                sample[name] = [_INT_MARKS[round_] + next(counter) for _ in value]
        return sample, self.build(**sample)

    def _compile(self, params: dict[str, Any]) -> _Compiled:
        # Compiled twice with different markers: a parameter that differs between the two
        # statements is a value of the request, one that does not is a constant.
        where: dict[Any, tuple[str, int | None]] = {}
        sample, queryset = self._sample(params, 0)
        for name, value in sample.items():
            if isinstance(params[name], Const) or not _is_substitutable(params[name]):
                continue
            if isinstance(params[name], Array):
                where[("array", value[0])] = (name, _WHOLE)
            elif isinstance(value, list):
                where.update({v: (name, i) for i, v in enumerate(value)})
            else:
                where[value] = (name, None)
        compiler = queryset.query.get_compiler(using=self.using)
        sql, first = compiler.as_sql()
        sql_again, second = self._sample(params, 1)[1].query.get_compiler(using=self.using).as_sql()
        if sql != sql_again or len(first) != len(second):
            raise ValueError("PreparedQuery: the statement depends on the values given")
        slots: list[tuple[str | None, int | None, Any]] = []
        for a, b in zip(first, second, strict=True):
            if a == b:
                slots.append((None, None, a))
            elif isinstance(a, list) and len(a) == 1 and ("array", a[0]) in where:
                slots.append((*where[("array", a[0])], None))
            elif isinstance(a, Hashable) and a in where:
                slots.append((*where[a], None))
            else:
                raise ValueError(f"PreparedQuery: the ORM transformed the value {a!r}")
        found = {(name, index) for name, index, _c in slots if name is not None}
        lost = sorted({name for name, index in where.values() if (name, index) not in found})
        if lost:
            raise ValueError(f"PreparedQuery: the ORM dropped the value of {lost}")
        models = queryset._iterable_class is ModelIterable
        flat = queryset._iterable_class is FlatValuesListIterable
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        return _Compiled(
            sql=sql,
            slots=slots,
            compiler=compiler,
            models=models,
            using=self.using,
            converters=converters,
            flat=flat,
        )

    def compiled(self, **params: Any) -> _Compiled:
        shape = tuple(sorted((name, _shape_of(value)) for name, value in params.items()))
        found = self._compiled.get(shape)
        if found is None:
            with self._lock:
                found = self._compiled.get(shape)
                if found is None:
                    found = self._compile(params)
                    self._compiled[shape] = found
        return found

    def fetch(self, **params: Any) -> list[Any]:
        """The rows: model instances (with their ``select_related`` objects and
        annotations) or, for ``values_list()`` querysets, tuples."""
        c = self.compiled(**params)
        values = [
            const
            if name is None
            else (
                params[name]
                if index is None
                else list(params[name])
                if index == _WHOLE
                else params[name][index]
            )
            for name, index, const in c.slots
        ]
        rows = _execute(c.using, c.sql, values)
        compiler = c.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        converted = compiler.apply_converters(rows, c.converters) if c.converters else rows
        if c.flat:
            return [row[0] for row in converted]
        if not c.models:
            return [tuple(row) for row in converted]
        return list(_instances(c, converted))


def _execute(using: str, sql: str, values: list[Any]) -> list[Any]:
    """Run the statement; on PostgreSQL as a server-side prepared statement, so that
    PostgreSQL plans it once per connection instead of once per request (planning
    these joins takes it 0.1–0.8 ms, more than executing them). Django's cursor still
    does its checks (connection health, broken transaction), errors are Django's, and
    the query is logged where Django logs queries (tests count them)."""
    conn = connections[using]
    with conn.cursor() as wrapper:
        if (
            not settings.DATABASE_PREPARED_STATEMENTS
            or conn.vendor != "postgresql"
            or conn.execute_wrappers  # someone watches the queries: Django's path
        ):
            wrapper.execute(sql, values)
            return list(wrapper.fetchall())
        conn.validate_no_broken_transaction()
        started = time.monotonic()
        with conn.wrap_database_errors, psycopg.Cursor(wrapper.cursor.connection) as cursor:
            cursor.execute(sql, values, prepare=True)
            rows = cursor.fetchall()
        if conn.queries_logged:
            conn.queries_log.append(
                {
                    "sql": f"{sql} -- prepared, {values!r}",
                    "time": f"{time.monotonic() - started:.3f}",
                },
            )
        return rows


def _instances(c: _Compiled, rows: Any) -> Any:
    compiler = c.compiler
    select, klass_info, annotations = (
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
    )
    model_cls: type[Model] = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, c.using)  # type: ignore[call-arg]
    for row in rows:
        obj = model_cls.from_db(c.using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        if annotations:
            for attr, pos in annotations.items():
                setattr(obj, attr, row[pos])
        yield obj
