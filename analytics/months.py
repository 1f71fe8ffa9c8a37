"""Months in the platform's time zone: a month is the date of its first day."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def first_day(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def current_month() -> date:
    return first_day(timezone.localdate())


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's start (inclusive) and end (exclusive), aware, in local time."""
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = add_months(month, 1)
    return start, datetime(nxt.year, nxt.month, 1, tzinfo=tz)


def parse_month(text: str | None) -> date | None:
    """``"2026-03"`` → 2026-03-01; None for anything else."""
    if not text:
        return None
    try:
        year, month = text.strip().split("-", 1)
        return date(int(year), int(month), 1)
    except ValueError:
        return None
