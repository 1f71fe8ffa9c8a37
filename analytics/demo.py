"""Demo data of analytics/: the snapshots of the last six months of every demo community,
computed from what the other apps' demo data recorded (their modules run before this
one, in app order). Idempotent: computing again updates the same rows."""

from __future__ import annotations

from typing import TextIO

from analytics.months import add_months, current_month
from analytics.services import community_ids_to_compute, compute_snapshot

MONTHS = 6


def seed(out: TextIO) -> None:
    ids = community_ids_to_compute()
    now = current_month()
    for back in range(MONTHS - 1, -1, -1):
        for community_id in ids:
            compute_snapshot(community_id=community_id, month=add_months(now, -back))
    out.write(f"analytics: {len(ids) * MONTHS} monthly snapshots ({len(ids)} communities)\n")
