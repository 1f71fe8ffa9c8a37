"""Cross-mentoring matching at scale: quality and speed of the chosen method (greedy +
augmenting swaps + exact one-way polish) against the greedy baseline, an exact MILP
optimum (HiGHS) at 2,500 members, and a Lagrangian upper bound at 10,000.

Synthetic community (deterministic): each member teaches 3 and wants to learn 3 skills
drawn from 300 Zipf-distributed skills (popular skills are much more common), teaches at
level 3–5 and learns from level 1–3 towards a higher target with a priority 1–3; teams of
10 (half of the members ask "not with my own team"); two languages (50 % speak the first
only, 25 % the second only, 25 % both); 4 weekly slots out of 10; capacity 1–2 as mentor
and 1 as learner.

Each method runs in a fresh process, so that the peak memory (max RSS) is its own.
``python -m bench mentoring`` (or ``make bench``); ``--quick`` skips the exact optimum.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from mentoring import matching

SIZES = (2_500, 10_000)
SKILLS = 300


def synthetic(n: int, seed: int = 2026) -> matching.MatchingInput:
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, SKILLS + 1)
    p /= p.sum()
    teach = np.empty((n, 3), dtype=np.int64)
    learn = np.empty((n, 3), dtype=np.int64)
    for i in range(n):
        six = rng.choice(SKILLS, 6, replace=False, p=p)
        teach[i], learn[i] = six[:3], six[3:]
    teach_level = rng.choice([3, 4, 5], size=(n, 3), p=[0.4, 0.4, 0.2])
    learn_level = rng.choice([1, 2, 3], size=(n, 3), p=[0.5, 0.35, 0.15])
    target = np.minimum(learn_level + rng.integers(1, 3, size=(n, 3)), 5)
    priority = rng.integers(1, 4, size=(n, 3))
    r = rng.random(n)
    lang = np.where(r < 0.5, 1, np.where(r < 0.75, 2, 3)).astype(np.int64)
    avail = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for slot in rng.choice(10, 4, replace=False):
            avail[i] |= 1 << int(slot)
    member = np.repeat(np.arange(n), 3)
    return matching.MatchingInput(
        member_ids=np.arange(1, n + 1, dtype=np.int64),
        lang=lang,
        team=np.arange(n, dtype=np.int64) // 10,
        avoid_team=rng.random(n) < 0.5,
        avail=avail,
        cap_mentor=rng.choice([1, 2], size=n, p=[0.6, 0.4]).astype(np.int64),
        cap_learner=np.ones(n, dtype=np.int64),
        teach_member=member,
        teach_skill=teach.ravel(),
        teach_level=teach_level.ravel(),
        learn_member=member,
        learn_skill=learn.ravel(),
        learn_level=learn_level.ravel(),
        learn_target=target.ravel(),
        learn_priority=priority.ravel(),
    )


def run_one(method: str, n: int) -> dict[str, Any]:
    """One method on one size, in this process (called in a fresh subprocess)."""
    data = synthetic(n)
    if method == "bound":
        started = time.perf_counter()
        arcs = matching.build_arcs(data)
        problem, _ = matching.make_problem(data, arcs, lam=1.0)
        _chosen, bound = matching.solve_lagrangian(problem, iterations=30)
        return {"bound": bound, "seconds": time.perf_counter() - started, "rss_mb": _rss_mb()}
    result = matching.match(data, method=method)
    matched = {x for p in result.pairs for x in (p.a, p.b)}
    return {
        "weight": result.objective,
        "pairs": len(result.pairs),
        "reciprocal": result.reciprocal_pairs,
        "matched": len(matched) / n,
        "arcs": result.arcs,
        "seconds": result.seconds,
        "timings": result.timings,
        "bound": result.bound,
        "rss_mb": _rss_mb(),
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _subprocess(method: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.mentoring", "--one", method, str(n)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(quick: bool = False) -> None:
    print(
        "Synthetic community: 3 teach + 3 learn skills per member from 300 Zipf skills, "
        "teams of 10, two languages, 4 of 10 weekly slots, capacity 1–2 as mentor, 1 as "
        f"learner. CPU cores: {os.cpu_count()} (shared with other work: timings are upper "
        "bounds)."
    )
    header = (
        f"{'n':>6} | {'method':<22} | {'weight':>9} | {'vs optimum':>12} | {'2-way':>5} | "
        f"{'matched':>7} | {'seconds':>7} | {'peak MB':>7}"
    )
    print(header)
    print("-" * len(header))
    for n in SIZES:
        rows: dict[str, dict[str, Any]] = {}
        for method in ("local", "greedy"):
            rows[method] = _subprocess(method, n)
        reference, label = None, ""
        if n <= 2_500 and not quick:
            rows["exact"] = _subprocess("exact", n)
            reference, label = rows["exact"]["weight"], "of optimum"
        else:
            bound = _subprocess("bound", n)
            reference, label = bound["bound"], "of LP bound"
            print(
                f"{n:>6} | {'Lagrangian upper bound':<22} | {bound['bound']:>9.0f} | "
                f"{'':>12} | {'':>5} | {'':>7} | {bound['seconds']:>7.1f} | "
                f"{bound['rss_mb']:>7.0f}"
            )
        names = {
            "local": "ours (swaps + polish)",
            "greedy": "greedy baseline",
            "exact": "exact MILP",
        }
        for method, row in rows.items():
            share = f"{100 * row['weight'] / reference:.2f} % {label.split()[-1]}"
            print(
                f"{n:>6} | {names[method]:<22} | {row['weight']:>9} | {share:>12} | "
                f"{row['reciprocal']:>5} | {100 * row['matched']:>6.1f}% | "
                f"{row['seconds']:>7.2f} | {row['rss_mb']:>7.0f}"
            )
        print(
            f"{'':>6}   candidate arcs: {rows['local']['arcs']:,}; ours spent "
            f"{rows['local']['timings']['candidates']:.2f} s on candidates, "
            f"{rows['local']['timings']['solve']:.2f} s optimising"
        )


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], int(sys.argv[3]))))
    else:
        main(quick="--quick" in sys.argv)
