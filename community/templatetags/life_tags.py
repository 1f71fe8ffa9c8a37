"""Template helpers of community life (events, library, surveys)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or None (dicts of rows by id in list pages)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def in_zone(value: datetime | None, zone: str) -> str:
    """A date and time in another zone (the event's own), e.g. for a venue abroad."""
    if value is None:
        return ""
    try:
        local = timezone.localtime(value, zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return formats.date_format(local, "DATETIME_FORMAT")


@register.filter
def same_zone(zone: str) -> bool:
    return timezone.get_current_timezone_name() == zone


@register.filter
def filesize(value: int) -> str:
    return str(filesizeformat(value))
