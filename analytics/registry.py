"""The catalogue of figures shown on the dashboards.

A *metric* is one function that computes one or more figures of a community-month with SQL
aggregates, declared with the figures it returns (label and definition, both translated)::

    @metric("events", Figure("attendance", _("Attendance"), _("Members marked present…")))
    def events(scope: Scope) -> dict[str, Value]:
        (n,) = one("SELECT COUNT(*) FROM … WHERE …", scope.params())
        return {"attendance": n}

Adding a figure is adding one such function to `analytics.metrics` (or to an app's own
module imported in its ``ready()``): the snapshot stores it, the dashboard, its charts and
the CSV export show it with its definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

Value = int | float | dict[str, Any] | None


class Kind:
    COUNT = "count"  # a whole number
    DECIMAL = "decimal"  # a ratio with two decimals
    PERCENT = "percent"  # stored as 0..100
    HOURS = "hours"  # a duration in hours
    SCORE = "score"  # a signed score (NPS, -100..100)
    COHORTS = "cohorts"  # retention: {cohort month: [size, active]} (drawn as a heat map)


GROUPS: dict[str, StrOrPromise] = {
    "members": _("Members"),
    "contributions": _("Contributions"),
    "quality": _("Quality"),
    "solving": _("Problems solved together"),
    "diversity": _("Diversity of topics"),
    "mentoring": _("Mentoring"),
    "recognition": _("Recognition"),
    "events": _("Events"),
    "satisfaction": _("Satisfaction"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    definition: StrOrPromise
    kind: str = Kind.COUNT
    chart: bool = False  # drawn as a 12-month trend on the dashboard
    higher_is_better: bool | None = True


@dataclass(frozen=True)
class Metric:
    key: str
    group: str
    figures: tuple[Figure, ...]
    compute: Callable[[Scope], dict[str, Value]]
    order: int = 100


@dataclass(frozen=True)
class Scope:
    """One community-month: the community and its chapters, the month's bounds (local
    time), and the communities whose animators count as animators there."""

    community_id: int
    community_ids: list[int]
    role_community_ids: list[int]
    month: date
    start: datetime
    end: datetime
    previous_start: datetime
    time_zone: str
    contribution_verbs: list[str] = field(default_factory=list)

    def params(self, **extra: object) -> dict[str, Any]:
        return {
            "communities": self.community_ids,
            "role_communities": self.role_community_ids,
            "start": self.start,
            "end": self.end,
            "previous_start": self.previous_start,
            "start_day": self.start.date(),
            "end_day": self.end.date(),
            "tz": self.time_zone,
            "contribution_verbs": self.contribution_verbs,
            **extra,
        }


_METRICS: dict[str, Metric] = {}


def metric(
    key: str, *figures: Figure, group: str, order: int = 100
) -> Callable[[Callable[[Scope], dict[str, Value]]], Callable[[Scope], dict[str, Value]]]:
    """Register the decorated function as the metric ``key`` computing ``figures``."""
    if group not in GROUPS:
        raise ValueError(f"Unknown figure group {group!r}.")

    def register(fn: Callable[[Scope], dict[str, Value]]) -> Callable[[Scope], dict[str, Value]]:
        _METRICS[key] = Metric(key=key, group=group, figures=figures, compute=fn, order=order)
        return fn

    return register


def all_metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: (m.order, m.key))


def all_figures() -> list[tuple[str, Figure]]:
    """(group, figure) in display order."""
    return [(m.group, f) for m in all_metrics() for f in m.figures]


def get_figure(key: str) -> Figure:
    for _group, figure in all_figures():
        if figure.key == key:
            return figure
    raise KeyError(key)


def one(sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    """The single row of an aggregate query."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else ()


def rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(r) for r in cursor.fetchall()]
