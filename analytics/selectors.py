"""Reads of analytics/: the dashboard reads stored snapshots only (one query), whatever
the size of the community."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from analytics.charts import TrendChart, trend_chart
from analytics.models import MonthlySnapshot
from analytics.months import add_months
from analytics.registry import GROUPS, Figure, Kind, all_figures
from community.models import Community
from community.selectors.surveys import csv_safe

TREND_MONTHS = 12


def format_value(value: Any, kind: str) -> str:
    """A figure as shown ("—" when there is none)."""
    if value is None:
        return "—"
    if kind == Kind.COUNT:
        return formats.number_format(int(value), force_grouping=True)
    if kind == Kind.PERCENT:
        return f"{formats.number_format(value, 1)} %"
    if kind == Kind.HOURS:
        return f"{formats.number_format(value, 1)} h"
    if kind == Kind.SCORE:
        return f"{int(value):+d}"
    return formats.number_format(value, 2)


def _delta(now: Any, before: Any, figure: Figure) -> dict[str, str] | None:
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    diff = now - before
    if figure.kind == Kind.COUNT or figure.kind == Kind.SCORE:
        shown = f"{int(diff):+d}"
    else:
        shown = ("+" if diff > 0 else "") + formats.number_format(
            diff, 1 if figure.kind != Kind.DECIMAL else 2
        )
    if diff == 0 or figure.higher_is_better is None:
        tone = "flat"
    elif (diff > 0) == figure.higher_is_better:
        tone = "good"
    else:
        tone = "bad"
    return {"shown": shown, "tone": tone}


@dataclass
class Row:
    figure: Figure
    now: str
    before: str
    year_ago: str
    delta: dict[str, str] | None
    delta_year: dict[str, str] | None


@dataclass
class Dashboard:
    community: Community
    month: date
    snapshot: MonthlySnapshot | None
    previous: MonthlySnapshot | None
    year_ago: MonthlySnapshot | None
    groups: list[tuple[str, list[Row]]]
    charts: list[tuple[TrendChart, Figure]]
    cohorts: list[dict[str, Any]]
    cohort_offsets: list[int]
    chapters: list[MonthlySnapshot]
    key_rows: list[Row] = field(default_factory=list)


def _figures(snapshot: MonthlySnapshot | None) -> dict[str, Any]:
    return snapshot.figures if snapshot is not None else {}


def get_dashboard(community: Community, month: date) -> Dashboard:
    """Everything the dashboard shows for ``month``, from one query: the community's
    snapshots of the last 13 months (this month, the trend, the same month last year)
    and its chapters' snapshots of the month."""
    first = add_months(month, -TREND_MONTHS)
    found = list(
        MonthlySnapshot.objects.filter(
            Q(community=community, month__gte=first, month__lte=month)
            | Q(community__parent=community, month=month)
        )
        .select_related("community")
        .order_by("community__name", "month")
    )
    own = {s.month: s for s in found if s.community_id == community.pk}
    chapters = [s for s in found if s.community_id != community.pk]
    snapshot = own.get(month)
    previous = own.get(add_months(month, -1))
    year_ago = own.get(first)
    now_f, prev_f, year_f = _figures(snapshot), _figures(previous), _figures(year_ago)

    groups: dict[str, list[Row]] = {}
    charts: list[tuple[TrendChart, Figure]] = []
    trend = [add_months(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    for group, figure in all_figures():
        if figure.kind == Kind.COHORTS:
            continue
        key = figure.key
        groups.setdefault(group, []).append(
            Row(
                figure=figure,
                now=format_value(now_f.get(key), figure.kind),
                before=format_value(prev_f.get(key), figure.kind),
                year_ago=format_value(year_f.get(key), figure.kind),
                delta=_delta(now_f.get(key), prev_f.get(key), figure),
                delta_year=_delta(now_f.get(key), year_f.get(key), figure),
            )
        )
        if figure.chart:
            points = []
            for m in trend:
                value = _figures(own.get(m)).get(key)
                points.append(
                    (
                        formats.date_format(m, "M"),
                        float(value) if isinstance(value, int | float) else None,
                        format_value(value, figure.kind),
                    )
                )
            charts.append((trend_chart(key, str(figure.label), points), figure))
    cohorts, offsets = _cohort_table(own, month)
    rows = {r.figure.key: r for rs in groups.values() for r in rs}
    return Dashboard(
        community=community,
        month=month,
        snapshot=snapshot,
        previous=previous,
        year_ago=year_ago,
        groups=[(str(GROUPS[g]), rs) for g, rs in groups.items()],
        charts=charts,
        cohorts=cohorts,
        cohort_offsets=offsets,
        chapters=chapters,
        key_rows=[
            rows[k]
            for k in ("members_active", "members_new", "contributions", "questions_solved")
            if k in rows
        ],
    )


def _cohort_table(
    own: dict[date, MonthlySnapshot], month: date
) -> tuple[list[dict[str, Any]], list[int]]:
    """The retention heat map: one row per cohort (month of first contribution), one
    cell per later month (0 = the cohort's own month) with the share still active, read
    from the snapshot of that later month."""
    cohorts: list[dict[str, Any]] = []
    offsets = list(range(TREND_MONTHS))
    for back in range(TREND_MONTHS - 1, -1, -1):
        cohort = add_months(month, -back)
        label = f"{cohort:%Y-%m}"
        size = None
        cells: list[dict[str, Any] | None] = []
        for offset in offsets:
            later = add_months(cohort, offset)
            if later > month:
                cells.append(None)
                continue
            entry = _figures(own.get(later)).get("retention", {}).get(label)
            if entry is None:
                cells.append({"share": None, "shown": "—", "level": "none"})
                continue
            cohort_size, active = entry
            size = cohort_size
            share = round(100 * active / cohort_size) if cohort_size else 0
            cells.append({"share": share, "shown": f"{share} %", "level": str(min(share // 20, 4))})
        if size:
            cohorts.append(
                {
                    "label": formats.date_format(cohort, "YEAR_MONTH_FORMAT"),
                    "size": size,
                    "cells": cells,
                }
            )
    return cohorts, offsets


def csv_rows(community: Community, month: date) -> Iterator[list[str]]:
    """The figures of the 12 months up to ``month``, one line per figure (raw values,
    formula-safe cells)."""
    months = [add_months(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    own = {
        s.month: s.figures
        for s in MonthlySnapshot.objects.filter(
            community=community, month__gte=months[0], month__lte=month
        )
    }
    yield [csv_safe(c) for c in [_("Figure"), _("Key"), *(f"{m:%Y-%m}" for m in months)]]
    for _group, figure in all_figures():
        if figure.kind == Kind.COHORTS:
            continue
        values = [own.get(m, {}).get(figure.key) for m in months]
        # Numbers go out as they are (a negative score is not a formula); text is made safe.
        yield [
            csv_safe(str(figure.label)),
            figure.key,
            *("" if v is None else str(v) for v in values),
        ]
