"""Blocks other apps add to a mentorship's page (e.g. recognition's endorsements), without
mentoring importing them: ``panel.context(ctx, view, viewer)`` returns the template's
context or None (a bounded number of queries)."""

from __future__ import annotations

from typing import Any

from community.navigation import Panel

_MENTORSHIP: dict[str, Panel] = {}


def register_mentorship_panel(panel: Panel) -> None:
    _MENTORSHIP[panel.key] = panel


def render_mentorship_panels(*args: Any) -> list[tuple[str, dict[str, object]]]:
    rendered = []
    for panel in sorted(_MENTORSHIP.values(), key=lambda p: (p.order, p.key)):
        data = panel.context(*args)
        if data is not None:
            rendered.append((panel.template, data))
    return rendered
