"""Why a pair is proposed, in the reader's language ("Alice can teach you Excel (4 → your
2)"). Built at display time from stored ids and levels, so each member reads it in their
own language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Reason:
    text: str
    mine: bool  # the reader learns (False: the reader teaches)


def reasons_for(
    directions: Iterable[Mapping[str, Any]],
    viewer_id: int | None,
    names: Mapping[int, str],
    skills: Mapping[int, str],
) -> list[Reason]:
    """One sentence per direction, from the viewer's point of view (third person for an
    animator)."""
    out = []
    for d in directions:
        mentor, learner = d["mentor_id"], d["learner_id"]
        values = {
            "mentor": names.get(mentor, "?"),
            "learner": names.get(learner, "?"),
            "skill": skills.get(d["skill_id"], "?"),
            "from": d.get("mentor_level") or "?",
            "to": d.get("learner_level") or "?",
        }
        if viewer_id == learner:
            text = _("%(mentor)s can teach you %(skill)s (level %(from)s → your %(to)s)") % values
        elif viewer_id == mentor:
            text = _("You can teach %(learner)s %(skill)s (your %(from)s → their %(to)s)") % values
        else:
            text = _("%(mentor)s can teach %(learner)s %(skill)s (%(from)s → %(to)s)") % values
        out.append(Reason(text=text, mine=viewer_id == learner))
    # The reader's own gain first.
    return sorted(out, key=lambda r: not r.mine)
