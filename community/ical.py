"""iCalendar (RFC 5545) for events, with the maintained `icalendar` package: one event's
.ics and a community's subscription feed. The online link is never in them (it is shown
on the event page to registered members only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar
from icalendar import Event as VEvent

from community.models import Community, Event


def _uid(event: Event) -> str:
    host = urlparse(settings.SITE_URL).hostname or "learners"
    return f"event-{event.pk}@{host}"


def _vevent(event: Event, site_url: str) -> VEvent:
    url = site_url + event.get_absolute_url()
    item = VEvent()
    item.add("uid", _uid(event))
    item.add("dtstamp", timezone.now().astimezone(UTC))
    item.add("dtstart", event.starts_at.astimezone(UTC))
    item.add("dtend", event.ends_at.astimezone(UTC))
    item.add("summary", event.title)
    description = strip_tags(event.description_html).strip()
    item.add("description", f"{description}\n\n{url}".strip())
    item.add("url", url)
    if event.place:
        item.add("location", event.place)
    elif event.online_url:
        item.add("location", url)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("sequence", event.sequence)
    item.add("categories", [event.get_kind_display()])
    return item


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Community events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def event_ics(event: Event, *, site_url: str | None = None) -> bytes:
    cal = _calendar(event.title)
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event, site_url or settings.SITE_URL))
    return cal.to_ical()


def community_feed(
    community: Community, events: Iterable[Event], *, site_url: str | None = None
) -> bytes:
    cal = _calendar(community.name)
    for event in events:
        event.community = community
        cal.add_component(_vevent(event, site_url or settings.SITE_URL))
    return cal.to_ical()
