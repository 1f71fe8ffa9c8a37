"""Discussions about things that are not forum topics (a resource, an event).

community/ cannot import forums/, so the forums app *provides* discussions: it registers
a provider in its `AppConfig.ready()`; community pages ask for one and show a "Discuss"
link only when a provider exists.

Contract of the provider: ``open_discussion(target=obj, community=..., title=..., url=...,
by=member) -> str`` returns the URL of a discussion (a topic) about ``target``, creating it
the first time (idempotent: the same target always gets the same topic), linking back to
``url``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[..., str]
_provider: Provider | None = None


def register_provider(provider: Provider) -> None:
    global _provider
    _provider = provider


def get_provider() -> Provider | None:
    return _provider


def open_discussion(**kwargs: Any) -> str | None:
    return _provider(**kwargs) if _provider is not None else None
