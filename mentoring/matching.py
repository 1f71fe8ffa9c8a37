"""Reciprocal matching over a whole community: pure numpy/scipy, no Django.

The round service (`mentoring.services.rounds`) loads a cohort's declarations into a
`MatchingInput` with a few SQL queries; `match()` returns the pairs. The same code runs
in `bench/mentoring.py` on synthetic communities of 10,000 members. docs/mentoring.md
explains the method; in short:

1. **Weights.** w(a→b) is what a can teach b: for each skill a teaches and b wants to learn,
   a score from the level gap (2 is best; 1 and 3 good; 0 and 4 weak), b's priority, whether
   a reaches b's target level, and the skill's strategic weight; w(a→b) is the best skill.
   A reciprocal pair {a, b} is worth W = w(a→b) + w(b→a) + λ·min(w(a→b), w(b→a)).
2. **Candidates** without an n² scan: declarations are grouped by skill and level; each
   learner takes the k best-placed teachers of each skill it wants (rotating inside a level
   by a hash of the ids, so that load spreads), and each member the k reciprocal partners
   of each (teach, learn) combination (members teaching what it learns and learning what it
   teaches). Hard constraints drop candidates: no common language, same team when either
   asks, no overlapping availability, a pair already together or forbidden.
3. **Optimisation.** Maximise Σ w·x + Σ bonus·z over arcs x (a→b chosen) and reciprocal
   pairs z (z ≤ x_ab, z ≤ x_ba) with each member's capacities as mentor (out-arcs) and as
   learner (in-arcs). Exact solvers are too slow at 10,000 members (HiGHS's MILP takes
   minutes, the blossom algorithm longer), so `solve_local_search` starts from greedy and
   applies augmenting swaps (a pair comes in, what blocks it goes out, freed capacity is
   refilled) until none improves, then `_polish` re-solves the one-way part exactly as a
   bipartite b-matching (scipy's sparse LAPJV) around the reciprocal pairs kept. The bench
   compares it with the MILP optimum and with a Lagrangian upper bound
   (`solve_lagrangian`). Pinned pairs are fixed, forbidden ones never become candidates.

Determinism: the same input gives the same pairs (hashes, not random numbers; sorted
arrays; HiGHS run single-threaded without a time limit).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

# Score of a level gap (teacher's level − learner's current level): useful but not absurd.
GAP_SCORE = {0: 0.3, 1: 0.8, 2: 1.0, 3: 0.85, 4: 0.45}
# In which order a learner looks at teachers' levels (best gap first).
GAP_PREFERENCE = (2, 1, 3, 4, 0)
PRIORITY_FACTOR = {1: 0.6, 2: 0.8, 3: 1.0}
BELOW_TARGET_FACTOR = 0.85
MAX_LEVEL = 5

Int = NDArray[np.int64]
Float = NDArray[np.float64]
Bool = NDArray[np.bool_]


@dataclass
class MatchingInput:
    """Everything the optimiser needs, as parallel arrays (index = member position).

    ``lang``: a bit per spoken language (0 = none declared, matches nobody unless both
    have none); ``team``: a code per team (-1 = no team); ``avoid_team``: "not with my own
    team"; ``avail``: a bit per weekly slot (0 = any time); capacities as mentor/learner.
    Teach rows: (member, skill, level). Learn rows: (member, skill, level, target,
    priority 1–3). ``skill_weight``: strategic weight per skill id (default 1).
    ``forbidden``/``forced``: pairs of member *positions*.
    """

    member_ids: Int
    lang: Int
    team: Int
    avoid_team: Bool
    avail: Int
    cap_mentor: Int
    cap_learner: Int
    teach_member: Int
    teach_skill: Int
    teach_level: Int
    learn_member: Int
    learn_skill: Int
    learn_level: Int
    learn_target: Int
    learn_priority: Int
    skill_weight: dict[int, float] = field(default_factory=dict)
    forbidden: list[tuple[int, int]] = field(default_factory=list)
    forced: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.member_ids)


@dataclass(frozen=True)
class Direction:
    mentor: int  # member position
    learner: int
    skill: int
    mentor_level: int
    learner_level: int
    weight: int


@dataclass(frozen=True)
class Pair:
    a: int  # member positions, a < b
    b: int
    directions: tuple[Direction, ...]
    weight: int  # W for reciprocal pairs, w for one-way ones
    forced: bool = False

    @property
    def reciprocal(self) -> bool:
        return len(self.directions) == 2


@dataclass
class Arcs:
    """Candidate arcs mentor→learner, one per ordered pair, with the best skill."""

    src: Int
    dst: Int
    weight: Int
    skill: Int
    src_level: Int
    dst_level: Int

    def __len__(self) -> int:
        return len(self.src)


@dataclass
class MatchingResult:
    pairs: list[Pair]
    arcs: int
    objective: int
    bound: float | None  # an upper bound on the optimum of the candidate graph, if known
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    unmet_pins: list[tuple[int, int]] = field(default_factory=list)

    @property
    def reciprocal_pairs(self) -> int:
        return sum(1 for p in self.pairs if p.reciprocal)


# --- Weights ---------------------------------------------------------------------------


def arc_weight(
    *,
    teacher_level: Int | int,
    learner_level: Int | int,
    target: Int | int,
    priority: Int | int,
    strategic: Float | float,
) -> Int:
    """w for one (teacher, learner, skill): an integer (points), 0 when not a candidate."""
    t = np.asarray(teacher_level, dtype=np.int64)
    lv = np.asarray(learner_level, dtype=np.int64)
    gap = t - lv
    gap_table = np.zeros(MAX_LEVEL + 1)
    for g, score in GAP_SCORE.items():
        gap_table[g] = score
    gap_score = np.where((gap >= 0) & (gap <= MAX_LEVEL), gap_table[np.clip(gap, 0, MAX_LEVEL)], 0)
    prio_table = np.zeros(4)
    for p, factor in PRIORITY_FACTOR.items():
        prio_table[p] = factor
    prio = prio_table[np.clip(np.asarray(priority, dtype=np.int64), 0, 3)]
    reach = np.where(t >= np.asarray(target, dtype=np.int64), 1.0, BELOW_TARGET_FACTOR)
    return np.rint(100 * gap_score * prio * reach * np.asarray(strategic, dtype=float)).astype(
        np.int64
    )


def pair_value(w_ab: int, w_ba: int, lam: float) -> int:
    """W of a pair: one-way when one side is 0, reciprocal (with its bonus) otherwise."""
    if w_ab and w_ba:
        return int(w_ab + w_ba + round(lam * min(w_ab, w_ba)))
    return int(max(w_ab, w_ba))


# --- Candidate generation ----------------------------------------------------------------


def _mix(x: Int, salt: int) -> Int:
    """A deterministic hash of integers (splitmix64), to spread load without randomness."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(1)).astype(np.int64)


def _take_rotated(starts: Int, lengths: Int, wanted: Int, offsets: Int) -> tuple[Int, Int]:
    """For row i, ``min(wanted[i], lengths[i])`` positions of its group (rotated from
    ``offsets[i]``): returns (row index, position in the sorted array)."""
    take = np.minimum(wanted, lengths)
    rows = np.repeat(np.arange(len(take)), take)
    if len(rows) == 0:
        return rows.astype(np.int64), rows.astype(np.int64)
    first = np.cumsum(take) - take
    j = np.arange(len(rows)) - np.repeat(first, take)
    length = lengths[rows]
    pos = starts[rows] + (offsets[rows] % np.maximum(length, 1) + j) % np.maximum(length, 1)
    return rows.astype(np.int64), pos.astype(np.int64)


def _pair_keys(a: Int, b: Int, n: int) -> Int:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return lo * n + hi


def _allowed(data: MatchingInput, a: Int, b: Int, forbidden_keys: Int) -> Bool:
    """Hard constraints between members a and b (arrays of positions)."""
    ok = a != b
    ok &= ((data.lang[a] & data.lang[b]) != 0) | ((data.lang[a] == 0) & (data.lang[b] == 0))
    same_team = (data.team[a] == data.team[b]) & (data.team[a] >= 0)
    ok &= ~(same_team & (data.avoid_team[a] | data.avoid_team[b]))
    ok &= ((data.avail[a] & data.avail[b]) != 0) | (data.avail[a] == 0) | (data.avail[b] == 0)
    ok &= (data.cap_mentor[a] > 0) & (data.cap_learner[b] > 0)
    if len(forbidden_keys):
        ok &= ~np.isin(_pair_keys(a, b, data.n), forbidden_keys)
    return ok


def build_arcs(
    data: MatchingInput, *, k_teachers: int = 3, k_reciprocal: int = 1, oversample: int = 2
) -> Arcs:
    """Candidate arcs without scanning all pairs (see the module's docstring)."""
    n = data.n
    forbidden_keys = np.unique(
        np.array([min(a, b) * n + max(a, b) for a, b in data.forbidden], dtype=np.int64)
    )
    weights = np.ones(int(max([*data.skill_weight.keys(), *data.learn_skill.tolist(), 0])) + 1)
    for skill_id, value in data.skill_weight.items():
        weights[skill_id] = value
    # Teach declarations sorted by (skill, level, hash): a group per (skill, level).
    t_key = data.teach_skill * (MAX_LEVEL + 1) + data.teach_level
    t_order = np.lexsort((_mix(data.teach_member, 1), t_key))
    t_sorted_key = t_key[t_order]
    # Teacher level of each member for each skill (to check reciprocal gaps).
    parts_learn_row: list[Int] = []
    parts_teach_row: list[Int] = []

    # 1. One-way: each learn row takes up to k teachers, best gaps first.
    remaining = np.full(len(data.learn_member), k_teachers * oversample, dtype=np.int64)
    for gap in GAP_PREFERENCE:
        level = data.learn_level + gap
        key = data.learn_skill * (MAX_LEVEL + 1) + level
        valid = (level <= MAX_LEVEL) & (remaining > 0)
        start = np.searchsorted(t_sorted_key, key, side="left")
        end = np.searchsorted(t_sorted_key, key, side="right")
        lengths = np.where(valid, end - start, 0)
        rows, pos = _take_rotated(start, lengths, remaining, _mix(data.learn_member, 2 + gap))
        remaining -= np.minimum(remaining, lengths)
        parts_learn_row.append(rows)
        parts_teach_row.append(t_order[pos])
    learn_row = np.concatenate(parts_learn_row)
    teach_row = np.concatenate(parts_teach_row)
    a = data.teach_member[teach_row]
    b = data.learn_member[learn_row]
    ok = _allowed(data, a, b, forbidden_keys)
    learn_row, teach_row = learn_row[ok], teach_row[ok]
    # Keep the first k per learn row (the preference order is preserved by the stable sort).
    order = np.argsort(learn_row, kind="stable")
    learn_row, teach_row = learn_row[order], teach_row[order]
    if len(learn_row):
        first = np.r_[0, np.flatnonzero(np.diff(learn_row)) + 1]
        counts = np.diff(np.r_[first, len(learn_row)])
        rank = np.arange(len(learn_row)) - np.repeat(first, counts)
        keep = rank < k_teachers
        learn_row, teach_row = learn_row[keep], teach_row[keep]

    # 2. Reciprocal: members teaching what I learn and learning what I teach.
    rec_teach, rec_learn = _reciprocal_candidates(data, k_reciprocal, forbidden_keys)
    teach_row = np.concatenate([teach_row, rec_teach])
    learn_row = np.concatenate([learn_row, rec_learn])

    # 3. Forced pairs: every skill one can teach the other.
    if data.forced:
        f_teach, f_learn = _forced_candidates(data)
        teach_row = np.concatenate([teach_row, f_teach])
        learn_row = np.concatenate([learn_row, f_learn])

    src = data.teach_member[teach_row]
    dst = data.learn_member[learn_row]
    skill = data.learn_skill[learn_row]
    w = arc_weight(
        teacher_level=data.teach_level[teach_row],
        learner_level=data.learn_level[learn_row],
        target=data.learn_target[learn_row],
        priority=data.learn_priority[learn_row],
        strategic=weights[skill],
    )
    good = (w > 0) & (src != dst)
    src, dst, skill, w = src[good], dst[good], skill[good], w[good]
    t_lv, l_lv = data.teach_level[teach_row][good], data.learn_level[learn_row][good]
    # One arc per ordered pair: the best skill (ties: the smaller skill id).
    order = np.lexsort((skill, -w, dst, src))
    src, dst, skill, w, t_lv, l_lv = (x[order] for x in (src, dst, skill, w, t_lv, l_lv))
    key = src * n + dst
    first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    return Arcs(
        src=src[first],
        dst=dst[first],
        weight=w[first],
        skill=skill[first],
        src_level=t_lv[first],
        dst_level=l_lv[first],
    )


def _combos(data: MatchingInput) -> tuple[Int, Int, Int, Int]:
    """(member, teach row, learn row, key) for every (skill taught, skill learnt) of a member."""
    t_idx = np.argsort(data.teach_member, kind="stable")
    l_idx = np.argsort(data.learn_member, kind="stable")
    n = data.n
    t_count = np.bincount(data.teach_member, minlength=n)
    l_count = np.bincount(data.learn_member, minlength=n)
    t_start = np.cumsum(t_count) - t_count
    l_start = np.cumsum(l_count) - l_count
    per = t_count * l_count
    member = np.repeat(np.arange(n), per)
    first = np.cumsum(per) - per
    j = np.arange(len(member)) - np.repeat(first, per)
    lc = np.maximum(l_count[member], 1)
    t_rows = t_idx[t_start[member] + j // lc]
    l_rows = l_idx[l_start[member] + j % lc]
    keep = data.teach_skill[t_rows] != data.learn_skill[l_rows]
    member, t_rows, l_rows = member[keep], t_rows[keep], l_rows[keep]
    s_max = int(max(data.teach_skill.max(initial=0), data.learn_skill.max(initial=0))) + 1
    key = data.teach_skill[t_rows] * s_max + data.learn_skill[l_rows]
    return member, t_rows, l_rows, key * 0 + key  # copy


def _reciprocal_candidates(data: MatchingInput, k: int, forbidden_keys: Int) -> tuple[Int, Int]:
    """Rows (teach, learn) of both directions of up to k reciprocal partners per combo."""
    member, t_rows, l_rows, key = _combos(data)
    if len(member) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    s_max = int(max(data.teach_skill.max(initial=0), data.learn_skill.max(initial=0))) + 1
    dual = (key % s_max) * s_max + key // s_max
    order = np.lexsort((_mix(member, 11), key))
    sorted_key = key[order]
    start = np.searchsorted(sorted_key, dual, side="left")
    end = np.searchsorted(sorted_key, dual, side="right")
    rows, pos = _take_rotated(start, end - start, np.full(len(key), 2 * k), _mix(member, 12))
    mine, theirs = rows, order[pos]
    a, b = member[mine], member[theirs]
    # Both directions must be useful: a teaches b (a's teach row vs b's learn row), and back.
    gap_ab = data.teach_level[t_rows[mine]] - data.learn_level[l_rows[theirs]]
    gap_ba = data.teach_level[t_rows[theirs]] - data.learn_level[l_rows[mine]]
    ok = (gap_ab >= 0) & (gap_ba >= 0)
    ok &= _allowed(data, a, b, forbidden_keys) & _allowed(data, b, a, forbidden_keys)
    mine, theirs = mine[ok], theirs[ok]
    # k per combo row (stable: rotation order kept).
    if len(mine):
        first = np.r_[0, np.flatnonzero(np.diff(mine)) + 1]
        counts = np.diff(np.r_[first, len(mine)])
        rank = np.arange(len(mine)) - np.repeat(first, counts)
        keep = rank < k
        mine, theirs = mine[keep], theirs[keep]
    teach = np.concatenate([t_rows[mine], t_rows[theirs]])
    learn = np.concatenate([l_rows[theirs], l_rows[mine]])
    return teach, learn


def _forced_candidates(data: MatchingInput) -> tuple[Int, Int]:
    teach, learn = [], []
    for a, b in data.forced:
        for x, y in ((a, b), (b, a)):
            t_rows = np.flatnonzero(data.teach_member == x)
            l_rows = np.flatnonzero(data.learn_member == y)
            for t in t_rows:
                for row in l_rows:
                    if data.teach_skill[t] == data.learn_skill[row]:
                        teach.append(t)
                        learn.append(row)
    return np.array(teach, dtype=np.int64), np.array(learn, dtype=np.int64)


# --- Optimisation --------------------------------------------------------------------------


@dataclass
class Problem:
    """The optimisation model over candidate arcs: arcs, reciprocal pairs (arc indices of
    both directions) and their bonus."""

    n: int
    arcs: Arcs
    pair_ab: Int
    pair_ba: Int
    bonus: Int
    cap_mentor: Int
    cap_learner: Int
    forced_arcs: Int  # arcs fixed to 1


def make_problem(data: MatchingInput, arcs: Arcs, *, lam: float) -> tuple[Problem, list]:
    n = data.n
    key = arcs.src * n + arcs.dst
    rev = arcs.dst * n + arcs.src
    pos = np.searchsorted(key, rev)  # keys are sorted (arcs are sorted by src, dst)
    pos = np.minimum(pos, len(key) - 1) if len(key) else pos
    has_rev = (key[pos] == rev) if len(key) else np.zeros(0, dtype=bool)
    ab = np.flatnonzero(has_rev & (arcs.src < arcs.dst))
    ba = pos[ab]
    bonus = np.rint(lam * np.minimum(arcs.weight[ab], arcs.weight[ba])).astype(np.int64)
    forced_arcs: list[int] = []
    unmet: list[tuple[int, int]] = []
    for a, b in data.forced:
        found = False
        for x, y in ((a, b), (b, a)):
            i = np.searchsorted(key, x * n + y)
            if i < len(key) and key[i] == x * n + y:
                forced_arcs.append(int(i))
                found = True
        if not found:
            unmet.append((a, b))
    problem = Problem(
        n=n,
        arcs=arcs,
        pair_ab=ab,
        pair_ba=ba,
        bonus=bonus,
        cap_mentor=data.cap_mentor,
        cap_learner=data.cap_learner,
        forced_arcs=np.array(sorted(set(forced_arcs)), dtype=np.int64),
    )
    return problem, unmet


def objective(problem: Problem, chosen: Bool) -> int:
    both = chosen[problem.pair_ab] & chosen[problem.pair_ba]
    return int(problem.arcs.weight[chosen].sum() + problem.bonus[both].sum())


def feasible(problem: Problem, chosen: Bool) -> bool:
    out_deg = np.bincount(problem.arcs.src[chosen], minlength=problem.n)
    in_deg = np.bincount(problem.arcs.dst[chosen], minlength=problem.n)
    return bool(
        (out_deg <= problem.cap_mentor).all()
        and (in_deg <= problem.cap_learner).all()
        and chosen[problem.forced_arcs].all()
    )


def solve_milp(
    problem: Problem, *, gap: float = 0.01, time_limit: float | None = None
) -> tuple[Bool, float | None]:
    """HiGHS on the whole model; returns the chosen arcs and the dual bound."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    arcs = problem.arcs
    m, p, n = len(arcs), len(problem.pair_ab), problem.n
    if m == 0:
        return np.zeros(0, dtype=bool), 0.0
    c = -np.concatenate([arcs.weight, problem.bonus]).astype(float)
    # Rows: n mentor capacities, n learner capacities, p "z ≤ x_ab", p "z ≤ x_ba".
    arc_idx = np.arange(m)
    pair_idx = m + np.arange(p)
    rows = np.concatenate(
        [
            arcs.src,
            n + arcs.dst,
            2 * n + np.arange(p),
            2 * n + np.arange(p),
            2 * n + p + np.arange(p),
            2 * n + p + np.arange(p),
        ]
    )
    cols = np.concatenate([arc_idx, arc_idx, pair_idx, problem.pair_ab, pair_idx, problem.pair_ba])
    vals = np.concatenate(
        [np.ones(m), np.ones(m), np.ones(p), -np.ones(p), np.ones(p), -np.ones(p)]
    )
    a_matrix = coo_array((vals, (rows, cols)), shape=(2 * n + 2 * p, m + p)).tocsr()
    upper = np.concatenate([problem.cap_mentor, problem.cap_learner, np.zeros(2 * p)]).astype(float)
    lower = np.full(2 * n + 2 * p, -np.inf)
    lb = np.zeros(m + p)
    lb[problem.forced_arcs] = 1
    options: dict[str, object] = {"mip_rel_gap": gap, "presolve": True, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    result = milp(
        c,
        constraints=LinearConstraint(a_matrix, lower, upper),
        integrality=np.ones(m + p),
        bounds=Bounds(lb, np.ones(m + p)),
        options=options,
    )
    if result.x is None:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    chosen = result.x[:m] > 0.5
    bound = -float(result.mip_dual_bound) if result.mip_dual_bound is not None else None
    return chosen, bound


def solve_greedy(problem: Problem) -> Bool:
    """The baseline: take pairs (reciprocal ones valued with their bonus) by decreasing
    value while capacities allow — a ½-approximation, first-come by weight."""
    arcs = problem.arcs
    m = len(arcs)
    chosen = np.zeros(m, dtype=bool)
    out_left = problem.cap_mentor.copy()
    in_left = problem.cap_learner.copy()
    in_pair = np.zeros(m, dtype=bool)
    in_pair[problem.pair_ab] = True
    in_pair[problem.pair_ba] = True
    # Items: reciprocal pairs (both arcs) and single arcs.
    values = np.concatenate(
        [arcs.weight[problem.pair_ab] + arcs.weight[problem.pair_ba] + problem.bonus, arcs.weight]
    )
    order = np.lexsort((np.arange(len(values)), -values))
    p = len(problem.pair_ab)
    src, dst = arcs.src, arcs.dst
    taken_pair: set[tuple[int, int]] = set()
    for f in problem.forced_arcs.tolist():
        chosen[f] = True
        out_left[src[f]] -= 1
        in_left[dst[f]] -= 1
        taken_pair.add((min(src[f], dst[f]), max(src[f], dst[f])))
    for item in order.tolist():
        if item < p:
            i, j = int(problem.pair_ab[item]), int(problem.pair_ba[item])
            a, b = int(src[i]), int(dst[i])
            if (a, b) in taken_pair:
                continue
            if out_left[a] > 0 and in_left[b] > 0 and out_left[b] > 0 and in_left[a] > 0:
                chosen[i] = chosen[j] = True
                out_left[a] -= 1
                in_left[b] -= 1
                out_left[b] -= 1
                in_left[a] -= 1
                taken_pair.add((a, b))
        else:
            i = item - p
            a, b = int(src[i]), int(dst[i])
            key = (min(a, b), max(a, b))
            if key in taken_pair or chosen[i]:
                continue
            if out_left[a] > 0 and in_left[b] > 0:
                chosen[i] = True
                out_left[a] -= 1
                in_left[b] -= 1
                taken_pair.add(key)
    return chosen


def to_pairs(problem: Problem, chosen: Bool, data: MatchingInput) -> list[Pair]:
    arcs = problem.arcs
    forced_keys = {(min(a, b), max(a, b)) for a, b in data.forced}
    by_pair: dict[tuple[int, int], list[int]] = {}
    for i in np.flatnonzero(chosen).tolist():
        a, b = int(arcs.src[i]), int(arcs.dst[i])
        by_pair.setdefault((min(a, b), max(a, b)), []).append(i)
    pairs = []
    for (a, b), idx in sorted(by_pair.items()):
        directions = tuple(
            Direction(
                mentor=int(arcs.src[i]),
                learner=int(arcs.dst[i]),
                skill=int(arcs.skill[i]),
                mentor_level=int(arcs.src_level[i]),
                learner_level=int(arcs.dst_level[i]),
                weight=int(arcs.weight[i]),
            )
            for i in sorted(idx, key=lambda i: (int(arcs.src[i]) != a, i))
        )
        total = sum(d.weight for d in directions)
        if len(directions) == 2:
            pos = np.flatnonzero(
                (arcs.src[problem.pair_ab] == a) & (arcs.dst[problem.pair_ab] == b)
            )
            total += int(problem.bonus[pos[0]]) if len(pos) else 0
        pairs.append(
            Pair(a=a, b=b, directions=directions, weight=total, forced=(a, b) in forced_keys)
        )
    return pairs


def match(
    data: MatchingInput,
    *,
    lam: float = 1.0,
    method: str = "local",
    gap: float = 1e-4,
    k_teachers: int = 3,
    k_reciprocal: int = 1,
) -> MatchingResult:
    """Build candidates and optimise. ``method``: "local" (the default: greedy, then
    augmenting swaps, then the one-way part re-solved exactly), "greedy" (the baseline) or
    "exact" (HiGHS's MILP, for tests and the bench: minutes at 10,000 members)."""
    started = time.perf_counter()
    arcs = build_arcs(data, k_teachers=k_teachers, k_reciprocal=k_reciprocal)
    t_arcs = time.perf_counter()
    problem, unmet = make_problem(data, arcs, lam=lam)
    bound = None
    if method == "greedy":
        chosen = solve_greedy(problem)
    elif method == "exact":
        chosen, bound = solve_milp(problem, gap=gap)
    else:
        chosen = solve_local_search(problem)
        chosen = _polish(problem, chosen, _forced_boost(problem))
    t_solve = time.perf_counter()
    pairs = to_pairs(problem, chosen, data)
    return MatchingResult(
        pairs=pairs,
        arcs=len(arcs),
        objective=objective(problem, chosen),
        bound=bound,
        seconds=time.perf_counter() - started,
        timings={"candidates": t_arcs - started, "solve": t_solve - t_arcs},
        unmet_pins=unmet,
    )


# --- Lagrangian method (the default) --------------------------------------------------------


def _bmatching(problem: Problem, value: Float) -> Bool:
    """Exact maximum-weight bipartite b-matching of arcs (mentor slots × learner slots) for
    the given arc values, with scipy's sparse LAPJV. Arcs of value ≤ 0 are left out. A pair
    chosen twice through two slots (both capacities ≥ 2) keeps one arc."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    arcs = problem.arcs
    use = np.flatnonzero(value > 0)
    chosen = np.zeros(len(arcs), dtype=bool)
    if len(use) == 0:
        return chosen
    src, dst = arcs.src[use], arcs.dst[use]
    cm = np.minimum(problem.cap_mentor, np.bincount(src, minlength=problem.n))
    cl = np.minimum(problem.cap_learner, np.bincount(dst, minlength=problem.n))
    row_start = np.cumsum(cm) - cm
    col_start = np.cumsum(cl) - cl
    n_rows, n_cols = int(cm.sum()), int(cl.sum())
    ok = (cm[src] > 0) & (cl[dst] > 0)
    use, src, dst = use[ok], src[ok], dst[ok]
    if len(use) == 0:
        return chosen
    per = cm[src] * cl[dst]
    edge_arc = np.repeat(use, per)
    first = np.cumsum(per) - per
    j = np.arange(len(edge_arc)) - np.repeat(first, per)
    e_cl = np.repeat(cl[dst], per)
    rows = np.repeat(row_start[src], per) + j // e_cl
    cols = np.repeat(col_start[dst], per) + j % e_cl
    top = float(value[use].max()) + 1.0
    cost = top - value[edge_arc]
    # A dummy column per row: "this mentor slot stays free" at cost `top`.
    all_rows = np.concatenate([rows, np.arange(n_rows)])
    all_cols = np.concatenate([cols, n_cols + np.arange(n_rows)])
    all_cost = np.concatenate([cost, np.full(n_rows, top)])
    graph = coo_array((all_cost, (all_rows, all_cols)), shape=(n_rows, n_cols + n_rows)).tocsr()
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < n_cols
    key = r[real].astype(np.int64) * n_cols + c[real]
    edge_key = rows * n_cols + cols
    order = np.argsort(edge_key)
    idx = order[np.searchsorted(edge_key[order], key)]
    chosen[edge_arc[idx]] = True
    return chosen


def solve_lagrangian(
    problem: Problem, *, iterations: int = 12, step: float = 0.5
) -> tuple[Bool, float]:
    """Lagrangian relaxation of "a pair's bonus needs both arcs": the bonus of each
    reciprocal pair is shared between its two arcs (μ on a→b, bonus − μ on b→a); for any
    sharing, the best b-matching is an upper bound on the optimum and an exact LAP solves
    it. Shares move towards the arc left out (subgradient steps), each iterate is a feasible
    matching whose true value is counted, and the best one is polished: its reciprocal
    pairs are kept and the rest re-optimised exactly with the true weights. Returns the
    chosen arcs and the best upper bound found."""
    arcs = problem.arcs
    m = len(arcs)
    if m == 0:
        return np.zeros(0, dtype=bool), 0.0
    weight = arcs.weight.astype(float)
    bonus = problem.bonus.astype(float)
    ab, ba = problem.pair_ab, problem.pair_ba
    share = bonus / 2  # μ on a→b; the rest on b→a
    forced_boost = _forced_boost(problem)
    best, best_value = np.zeros(m, dtype=bool), -1
    bound = float("inf")
    for it in range(iterations):
        value = weight.copy()
        value[ab] += share
        value[ba] += bonus - share
        chosen = _bmatching(problem, value + forced_boost)
        relaxed = float(value[chosen].sum())
        if not problem.forced_arcs.size:
            bound = min(bound, relaxed)
        true_value = objective(problem, chosen)
        if true_value > best_value:
            best, best_value = chosen, true_value
        x_ab, x_ba = chosen[ab], chosen[ba]
        # Subgradient: move share towards the side that was left out.
        direction = x_ab.astype(float) - x_ba.astype(float)
        if not direction.any():
            break
        shrink = step * (1 - it / iterations)
        share = np.clip(share - shrink * direction * bonus, 0, bonus)
    polished = _polish(problem, best, forced_boost)
    if objective(problem, polished) >= best_value:
        best = polished
    return best, bound


def _forced_boost(problem: Problem) -> Float:
    """A value that outweighs everything else, on pinned arcs."""
    boost = np.zeros(len(problem.arcs))
    total = float(problem.arcs.weight.sum() + problem.bonus.sum() + 1)
    boost[problem.forced_arcs] = 10.0 * total
    return boost


def _polish(problem: Problem, chosen: Bool, forced_boost: Float) -> Bool:
    """Keep the complete reciprocal pairs of ``chosen``; re-optimise the rest exactly."""
    ab, ba = problem.pair_ab, problem.pair_ba
    keep = np.zeros(len(chosen), dtype=bool)
    both = chosen[ab] & chosen[ba]
    keep[ab[both]] = True
    keep[ba[both]] = True
    arcs = problem.arcs
    rest = Problem(
        n=problem.n,
        arcs=arcs,
        pair_ab=ab,
        pair_ba=ba,
        bonus=problem.bonus,
        cap_mentor=problem.cap_mentor - np.bincount(arcs.src[keep], minlength=problem.n),
        cap_learner=problem.cap_learner - np.bincount(arcs.dst[keep], minlength=problem.n),
        forced_arcs=problem.forced_arcs,
    )
    value = arcs.weight.astype(float) + forced_boost
    # Pairs already together are not offered again.
    taken = np.zeros(len(chosen), dtype=bool)
    taken[ab[both]] = taken[ba[both]] = True
    value[taken] = 0
    extra = _bmatching(rest, value)
    return keep | extra


REFILL_SCAN = 16


def solve_local_search(
    problem: Problem, *, start: Bool | None = None, max_passes: int = 10
) -> Bool:
    """Improve a solution (greedy's by default) with augmenting swaps until none is left.

    Items are reciprocal pairs (using both members' mentor and learner capacity) and one-way
    arcs. A move brings an item in, pushes out what stands in its way (the cheapest holder
    of each saturated capacity, and any other relationship of the same two members), then
    refills the capacity this freed with the best items that now fit: an augmenting path
    of up to five edges in matching terms. It is applied when it raises the total.
    """
    arcs = problem.arcs
    m, p, n = len(arcs), len(problem.pair_ab), problem.n
    chosen_arcs = solve_greedy(problem) if start is None else start.copy()
    ab, ba = problem.pair_ab, problem.pair_ba
    src, dst = arcs.src, arcs.dst
    value = np.concatenate([arcs.weight[ab] + arcs.weight[ba] + problem.bonus, arcs.weight])
    res = np.full((p + m, 4), -1, dtype=np.int64)
    res[:p, 0] = src[ab]
    res[:p, 1] = n + dst[ab]
    res[:p, 2] = src[ba]
    res[:p, 3] = n + dst[ba]
    res[p:, 0] = src
    res[p:, 1] = n + dst
    pair_key = np.concatenate(
        [
            np.minimum(src[ab], dst[ab]) * n + np.maximum(src[ab], dst[ab]),
            np.minimum(src, dst) * n + np.maximum(src, dst),
        ]
    )
    cap = np.concatenate([problem.cap_mentor, problem.cap_learner]).tolist()
    both = chosen_arcs[ab] & chosen_arcs[ba]
    chosen = np.zeros(p + m, dtype=bool)
    chosen[:p] = both
    single = chosen_arcs.copy()
    single[ab[both]] = False
    single[ba[both]] = False
    chosen[p:] = single
    forced = np.zeros(p + m, dtype=bool)
    forced[p + problem.forced_arcs] = True
    forced[:p] = (forced[p:][ab] | forced[p:][ba]) & chosen[:p]
    forced_l = forced.tolist()
    res_l = [[r for r in row if r >= 0] for row in res.tolist()]
    val_l = value.tolist()
    key_l = pair_key.tolist()
    # One-way items by resource, best first (refills: a reciprocal pair needs four free
    # capacities and nearly never fits into what one move frees).
    flat_items = np.repeat(np.arange(p, p + m), 2)
    flat_res = res[p:, :2].ravel()
    o = np.lexsort((flat_items, -value[flat_items], flat_res))
    flat_items, flat_res = flat_items[o], flat_res[o]
    bounds = np.searchsorted(flat_res, np.arange(2 * n + 1))
    items_l = flat_items.tolist()
    bounds_l = bounds.tolist()
    pr_items = np.repeat(np.arange(p), 4)
    pr_res = res[:p].ravel()
    o = np.argsort(pr_res, kind="stable")
    pr_items, pr_res = pr_items[o], pr_res[o]
    pr_bounds = np.searchsorted(pr_res, np.arange(2 * n + 1)).tolist()
    pairs_l = pr_items.tolist()
    chosen_l = chosen.tolist()
    holders: list[set[int]] = [set() for _ in range(2 * n)]
    by_key: dict[int, int] = {}
    for i in np.flatnonzero(chosen).tolist():
        for r in res_l[i]:
            holders[r].add(i)
        by_key[key_l[i]] = i

    # Free capacity left on each side (mentor, learner).
    free = [
        sum(max(cap[r] - len(holders[r]), 0) for r in range(n)),
        sum(max(cap[r] - len(holders[r]), 0) for r in range(n, 2 * n)),
    ]

    def evaluate(i: int) -> tuple[float, set[int], list[int]] | None:
        out: set[int] = set()
        other = by_key.get(key_l[i])
        if other is not None:
            out.add(other)
        for r in res_l[i]:
            held = holders[r] - out
            if len(held) + 1 > cap[r]:
                if not held:
                    return None
                out.add(min(held, key=lambda h: (val_l[h], h)))
        if any(forced_l[x] for x in out):
            return None
        gain = val_l[i] - sum(val_l[x] for x in out)
        freed = [r for x in out for r in res_l[x] if r not in res_l[i]]
        if gain + sum(best_of[r] for r in freed) <= 0:
            return None
        # Usage after the move, then refill freed capacity with items that fit.
        delta: dict[int, int] = {}
        for x in out:
            for r in res_l[x]:
                delta[r] = delta.get(r, 0) - 1
        for r in res_l[i]:
            delta[r] = delta.get(r, 0) + 1
        keys_out = {key_l[x] for x in out}
        keys_in = {key_l[i]}
        added: list[int] = []
        freed_sides = [0, 0]
        for r, d in delta.items():
            if d < 0:
                freed_sides[r >= n] += 1
        for r in sorted(r for r, d in delta.items() if d < 0):
            if len(holders[r]) + delta[r] >= cap[r]:
                continue
            # An item on a mentor capacity needs a learner capacity too (and the other way
            # round): with none free anywhere, nothing can refill it.
            other_side = 0 if r >= n else 1
            if free[other_side] == 0 and freed_sides[other_side] == 0:
                continue
            for j in items_l[bounds_l[r] : min(bounds_l[r + 1], bounds_l[r] + REFILL_SCAN)]:
                if chosen_l[j] or j == i or j in out or j in added:
                    continue
                kj = key_l[j]
                if kj in keys_in or (kj in by_key and kj not in keys_out):
                    continue
                if all(len(holders[q]) + delta.get(q, 0) < cap[q] for q in res_l[j]):
                    added.append(j)
                    keys_in.add(kj)
                    gain += val_l[j]
                    for q in res_l[j]:
                        delta[q] = delta.get(q, 0) + 1
                    break
        return gain, out, added

    best_of = [
        val_l[items_l[bounds_l[r]]] if bounds_l[r] < bounds_l[r + 1] else 0 for r in range(2 * n)
    ]
    # Reciprocal pairs are where greedy goes wrong (they block four capacities at once);
    # one-way arcs come back through refills and the exact polish afterwards.
    todo = np.lexsort((np.arange(p), -value[:p])).tolist()
    for _ in range(max_passes):
        touched: set[int] = set()
        for i in todo:
            if chosen_l[i]:
                continue
            # Cheap bound first: what comes in, minus what must go, plus the best refills.
            move = evaluate(i)
            if move is None or move[0] <= 0:
                continue
            _gain, out, added = move
            for x in out:
                chosen_l[x] = False
                for r in res_l[x]:
                    holders[r].discard(x)
                    touched.add(r)
                    free[r >= n] += 1
                if by_key.get(key_l[x]) == x:
                    del by_key[key_l[x]]
            for j in [i, *added]:
                chosen_l[j] = True
                for r in res_l[j]:
                    holders[r].add(j)
                    touched.add(r)
                    free[r >= n] -= 1
                by_key[key_l[j]] = j
        if not touched:
            break
        # Next pass: only the items around what changed.
        near = set()
        for r in touched:
            near.update(pairs_l[pr_bounds[r] : pr_bounds[r + 1]])
        todo = sorted(near, key=lambda j: (-val_l[j], j))
    chosen = np.array(chosen_l, dtype=bool)
    result = np.zeros(m, dtype=bool)
    pairs_on = np.flatnonzero(chosen[:p])
    result[ab[pairs_on]] = True
    result[ba[pairs_on]] = True
    result[np.flatnonzero(chosen[p:])] = True
    return result
