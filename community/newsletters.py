"""The registry of newsletter sections.

The digest a member receives is made of sections that apps register in their
`AppConfig.ready()`; community/ owns the machinery (issues, preferences, delivery,
unsubscribe) and contributes its own sections (upcoming events, new resources). Adding a
section is one function and one template::

    from community.newsletters import NewsletterSection, register_section

    def build_top_topics(member, communities, period):
        topics = period.data["forums.top"].get(...)     # or a query of your own
        if not topics:
            return None                                  # nothing qualifies: no section
        return {"topics": [{"title": t.title, "url": absolute_url(t.get_absolute_url())}]}

    register_section(NewsletterSection(
        "forums.top", _("Top discussions of the month"), 20,
        build=build_top_topics, template="forums/newsletter/top.html",
    ))

``build(member, communities, period)`` runs in the member's language (inside
``translation.override``) and returns the context of the section's template, or None
when nothing qualifies for this member. A member whose sections all return None gets no
email at all. ``communities`` are the communities the issue covers for this member (the
issue's community, or every community the member belongs to for the platform issue).
``period`` is a `DigestPeriod`: ``start``/``end`` (aware datetimes, end excluded), the
``frequency``, the ``newsletter`` and ``data``.

Recipients are processed in chunks (a few hundred at a time); a section that needs the
database for each member should give a ``prepare(members, communities, period)`` that
fetches what the whole chunk needs in a fixed number of queries; what it returns is
``period.data[section.key]`` in ``build``. That keeps the queries per 1,000 recipients
constant.

The template is an HTML fragment (no <html>, inline styles only: email clients ignore
stylesheets); every link must be absolute (`absolute_url`). The plain-text part uses
``text_template`` when given, else the fragment's text with the links written out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from community.models import Community, Member, Newsletter


@dataclass
class DigestPeriod:
    start: datetime
    end: datetime
    frequency: str
    newsletter: Newsletter | None = None
    # What each section's `prepare` returned for the current chunk of recipients.
    data: dict[str, Any] = field(default_factory=dict)


Build = Callable[["Member", list["Community"], DigestPeriod], dict[str, Any] | None]
Prepare = Callable[[list["Member"], list["Community"], DigestPeriod], Any]


@dataclass(frozen=True)
class NewsletterSection:
    key: str
    label: StrOrPromise  # shown to animators (admin preview) and in the docs
    order: int  # smaller first
    build: Build
    template: str
    text_template: str = ""
    prepare: Prepare | None = None


_SECTIONS: dict[str, NewsletterSection] = {}


def register_section(section: NewsletterSection) -> NewsletterSection:
    existing = _SECTIONS.get(section.key)
    if existing is not None and existing != section:
        raise ValueError(f"Newsletter section {section.key!r} is already registered differently.")
    _SECTIONS[section.key] = section
    return section


def unregister_section(key: str) -> None:
    """For tests only."""
    _SECTIONS.pop(key, None)


def all_sections() -> list[NewsletterSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def absolute_url(path: str) -> str:
    """An absolute link for an email (SITE_URL + path); absolute URLs pass through."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
