"""The matching engine on crafted cases and small graphs (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from mentoring import matching
from mentoring.matching import MatchingInput, arc_weight, pair_value


@dataclass
class P:
    """A person of a crafted case: teach {skill: level}, learn {skill: (level, target, prio)}."""

    teach: dict[int, int] = field(default_factory=dict)
    learn: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    lang: int = 1
    team: int = -1
    avoid: bool = False
    avail: int = 0
    cap_m: int = 1
    cap_l: int = 1


def build(people: list[P], *, forced=(), forbidden=(), weights=None) -> MatchingInput:
    t = [(i, s, lv) for i, p in enumerate(people) for s, lv in sorted(p.teach.items())]
    lr = [(i, s, *v) for i, p in enumerate(people) for s, v in sorted(p.learn.items())]

    def arr(rows, k):
        return np.array([r[k] for r in rows], dtype=np.int64)

    return MatchingInput(
        member_ids=np.arange(len(people), dtype=np.int64) + 100,
        lang=np.array([p.lang for p in people], dtype=np.int64),
        team=np.array([p.team for p in people], dtype=np.int64),
        avoid_team=np.array([p.avoid for p in people], dtype=bool),
        avail=np.array([p.avail for p in people], dtype=np.int64),
        cap_mentor=np.array([p.cap_m for p in people], dtype=np.int64),
        cap_learner=np.array([p.cap_l for p in people], dtype=np.int64),
        teach_member=arr(t, 0),
        teach_skill=arr(t, 1),
        teach_level=arr(t, 2),
        learn_member=arr(lr, 0),
        learn_skill=arr(lr, 1),
        learn_level=arr(lr, 2),
        learn_target=arr(lr, 3),
        learn_priority=arr(lr, 4),
        skill_weight=weights or {},
        forced=list(forced),
        forbidden=list(forbidden),
    )


def pairs_of(result: matching.MatchingResult) -> list[tuple[int, int, bool]]:
    return [(p.a, p.b, p.reciprocal) for p in result.pairs]


# --- The weight function -------------------------------------------------------------


def w(
    teacher: int, learner: int, target: int = 1, priority: int = 3, strategic: float = 1.0
) -> int:
    return int(
        arc_weight(
            teacher_level=teacher,
            learner_level=learner,
            target=target,
            priority=priority,
            strategic=strategic,
        )
    )


def test_a_gap_of_two_is_best_then_one_and_three_then_zero_and_four() -> None:
    # (teacher, learner) with the target reached, so that only the gap counts.
    scores = {gap: w(1 + gap, 1, target=1 + gap) for gap in range(5)}
    assert scores == {0: 30, 1: 80, 2: 100, 3: 85, 4: 45}
    assert w(2, 3) == 0  # a teacher below the learner is no candidate


def test_priority_target_and_strategic_weight_scale_the_score() -> None:
    assert (w(4, 2, priority=1), w(4, 2, priority=2), w(4, 2, priority=3)) == (60, 80, 100)
    assert w(3, 1, target=4) == 85  # the mentor stops short of the learner's target
    assert w(4, 2, strategic=2.0) == 200


def test_a_reciprocal_pair_is_worth_both_sides_plus_the_bonus() -> None:
    assert pair_value(100, 80, 1.0) == 260
    assert pair_value(100, 80, 0.5) == 220
    assert pair_value(100, 0, 1.0) == 100


# --- Hard constraints -----------------------------------------------------------------


def one_way_case(**other: object) -> list[P]:
    return [P(teach={1: 4}), P(learn={1: (2, 4, 3)}, **other)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ({}, [(0, 1, False)]),
        ({"lang": 2}, []),  # no common language
        ({"lang": 3}, [(0, 1, False)]),  # speaks both
        ({"avail": 0b01}, [(0, 1, False)]),  # the teacher has no constraint
    ],
)
def test_language_constraint(other: dict[str, int], expected: list) -> None:
    assert pairs_of(matching.match(build(one_way_case(**other)))) == expected


def test_same_team_is_dropped_only_when_one_of_them_asks() -> None:
    people = [P(teach={1: 4}, team=7), P(learn={1: (2, 4, 3)}, team=7)]
    assert pairs_of(matching.match(build(people))) == [(0, 1, False)]
    people[1].avoid = True
    assert pairs_of(matching.match(build(people))) == []
    people[1].team = 8
    assert pairs_of(matching.match(build(people))) == [(0, 1, False)]


def test_availability_must_overlap() -> None:
    people = [P(teach={1: 4}, avail=0b0011), P(learn={1: (2, 4, 3)}, avail=0b1100)]
    assert pairs_of(matching.match(build(people))) == []
    people[1].avail = 0b0110
    assert pairs_of(matching.match(build(people))) == [(0, 1, False)]


def test_forbidden_pairs_never_appear_and_forced_ones_always_do() -> None:
    # 0 teaches 1 and 2; 2 is the better learner (priority), 1 is pinned with 0.
    people = [P(teach={1: 4}), P(learn={1: (2, 4, 1)}), P(learn={1: (2, 4, 3)})]
    assert pairs_of(matching.match(build(people))) == [(0, 2, False)]
    assert pairs_of(matching.match(build(people, forbidden=[(0, 2)]))) == [(0, 1, False)]
    result = matching.match(build(people, forced=[(1, 0)]))
    assert pairs_of(result) == [(0, 1, False)]
    assert result.pairs[0].forced is True
    # A pin with nothing to exchange cannot be honoured and is reported.
    people.append(P(teach={9: 5}))
    assert matching.match(build(people, forced=[(1, 3)])).unmet_pins == [(1, 3)]


def test_reciprocal_pairs_are_preferred_when_the_weights_say_so() -> None:
    # a and b teach each other a little; c teaches b better one-way, d learns from a.
    people = [
        P(teach={1: 4}, learn={2: (2, 4, 2)}),  # a
        P(teach={2: 4}, learn={1: (2, 4, 2)}),  # b
        P(teach={1: 4}),  # c: teaches b skill 1 at the same level
        P(learn={1: (2, 4, 3)}),  # d: wants skill 1 with high priority
    ]
    with_bonus = matching.match(build(people), lam=1.0)
    assert (0, 1, True) in pairs_of(with_bonus)
    # Without a bonus, two one-way pairs (c→b... and a→d) are worth more than the mutual pair.
    no_bonus = matching.match(build(people), lam=0.0, method="exact")
    assert (0, 1, True) not in pairs_of(no_bonus)


# --- Optimality on small graphs, capacities, determinism --------------------------------


def random_people(n: int, seed: int, skills: int = 4) -> list[P]:
    rng = np.random.default_rng(seed)
    people = []
    for _ in range(n):
        chosen = rng.choice(skills, 3, replace=False)
        people.append(
            P(
                teach={int(chosen[0]): int(rng.integers(3, 6))},
                learn={
                    int(s): (int(rng.integers(1, 3)), 4, int(rng.integers(1, 4)))
                    for s in chosen[1:]
                },
                lang=int(rng.choice([1, 2, 3])),
                cap_m=int(rng.integers(1, 3)),
                cap_l=1,
            )
        )
    return people


def brute_force(data: MatchingInput, lam: float) -> int:
    """The optimum over the candidate arcs by exhaustive search (small graphs only)."""
    arcs = matching.build_arcs(data)
    problem, _unmet = matching.make_problem(data, arcs, lam=lam)
    m = len(arcs)
    assert m <= 40, m
    src, dst = arcs.src.tolist(), arcs.dst.tolist()
    out_left = problem.cap_mentor.tolist()
    in_left = problem.cap_learner.tolist()
    chosen = np.zeros(m, dtype=bool)
    best = 0

    def visit(i: int) -> None:
        nonlocal best
        if i == m:
            best = max(best, matching.objective(problem, chosen))
            return
        visit(i + 1)
        if out_left[src[i]] and in_left[dst[i]]:
            out_left[src[i]] -= 1
            in_left[dst[i]] -= 1
            chosen[i] = True
            visit(i + 1)
            chosen[i] = False
            out_left[src[i]] += 1
            in_left[dst[i]] += 1

    visit(0)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_exact_solver_matches_brute_force_and_local_search_is_close(seed: int) -> None:
    data = build(random_people(8, seed))
    optimum = brute_force(data, 1.0)
    exact = matching.match(data, method="exact")
    local = matching.match(data)
    greedy = matching.match(data, method="greedy")
    assert exact.objective == optimum
    assert optimum >= local.objective >= 0.95 * optimum
    assert local.objective >= greedy.objective


@pytest.mark.parametrize("method", ["local", "greedy", "exact"])
def test_capacities_are_never_exceeded(method: str) -> None:
    data = build(random_people(120, 3, skills=10))
    result = matching.match(data, method=method)
    as_mentor = np.zeros(data.n, dtype=int)
    as_learner = np.zeros(data.n, dtype=int)
    seen = set()
    for pair in result.pairs:
        assert (pair.a, pair.b) not in seen
        seen.add((pair.a, pair.b))
        for d in pair.directions:
            as_mentor[d.mentor] += 1
            as_learner[d.learner] += 1
    assert (as_mentor <= data.cap_mentor).all()
    assert (as_learner <= data.cap_learner).all()
    assert len(result.pairs) > 20


def test_the_same_input_gives_the_same_pairs() -> None:
    first = matching.match(build(random_people(200, 11, skills=12)))
    second = matching.match(build(random_people(200, 11, skills=12)))
    assert [(p.a, p.b, p.directions) for p in first.pairs] == [
        (p.a, p.b, p.directions) for p in second.pairs
    ]
    assert first.objective == second.objective


def test_candidates_are_bounded_per_learner() -> None:
    # 1 learner, 50 teachers of the same skill: only k teachers become candidates.
    people = [P(learn={1: (1, 3, 3)})] + [P(teach={1: 3}) for _ in range(50)]
    arcs = matching.build_arcs(build(people), k_teachers=3)
    assert len(arcs) == 3
    assert set(arcs.dst.tolist()) == {0}


def test_lagrangian_bound_is_above_the_optimum() -> None:
    data = build(random_people(60, 5, skills=6))
    arcs = matching.build_arcs(data)
    problem, _ = matching.make_problem(data, arcs, lam=1.0)
    chosen, bound = matching.solve_lagrangian(problem)
    exact = matching.match(data, method="exact")
    assert matching.feasible(problem, chosen)
    assert bound >= exact.objective >= matching.objective(problem, chosen)
