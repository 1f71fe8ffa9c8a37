"""One search box for the whole platform: apps register what they can find.

The header's search goes to /search/, which shows the best hits of every provider
(communities, discussions, members, resources...) with a link to each app's own search
page and its filters. Providers respect visibility: they only return what the person may
read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString
from django_stubs_ext import StrOrPromise


@dataclass
class Hit:
    title: str
    url: str
    snippet: SafeString | str = ""  # use community.search.highlight() for marked snippets
    meta: str = ""


@dataclass
class Section:
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""  # the app's own search page for this query, with filters


@dataclass(frozen=True)
class Provider:
    key: str
    label: StrOrPromise
    search: Callable[[Any, str, int], Section]  # (user, text, limit)
    order: int = 100


_PROVIDERS: dict[str, Provider] = {}


def register_provider(provider: Provider) -> None:
    _PROVIDERS[provider.key] = provider


def search_everything(user: Any, text: str, *, limit: int = 5) -> list[tuple[Provider, Section]]:
    results = []
    for provider in sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        section = provider.search(user, text, limit)
        if section.hits:
            results.append((provider, section))
    return results
