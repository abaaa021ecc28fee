import itertools
import random

import numpy as np
import pytest

from matching.solvers import Assignment, Instance, blocking_pairs, check_feasible, solve_optimal, solve_stable


def random_instance(rng: random.Random, *, n_d: int, n_t: int, density: float = 0.6, tutor_pref: bool = False) -> Instance:
    edges = [(d, t) for d in range(n_d) for t in range(n_t) if rng.random() < density]
    ed = np.array([e[0] for e in edges], dtype=np.int64)
    et = np.array([e[1] for e in edges], dtype=np.int64)
    score = np.array([rng.randint(1, 20) for _ in edges], dtype=np.int64)
    pref = np.array([rng.randint(1, 20) for _ in edges], dtype=np.int64) if tutor_pref else None
    cap = np.array([rng.randint(0, 3) for _ in range(n_t)], dtype=np.int64)
    return Instance(n_d, cap, ed, et, score, pref)


def brute_force_optimum(inst: Instance) -> int:
    """Try every choice of (no edge | one edge) per demand."""
    options = [[-1] + [i for i in range(inst.n_edges) if inst.edge_demand[i] == d] for d in range(inst.n_demands)]
    best = 0
    for choice in itertools.product(*options):
        load = np.zeros(inst.n_tutors, dtype=np.int64)
        total = 0
        for edge in choice:
            if edge >= 0:
                load[inst.edge_tutor[edge]] += 1
                total += int(inst.edge_score[edge])
        if np.all(load <= inst.capacity):
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_optimal_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    inst = random_instance(rng, n_d=rng.randint(1, 5), n_t=rng.randint(1, 3))
    result = solve_optimal(inst)
    check_feasible(inst, result)
    assert result.total == brute_force_optimum(inst)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("proposing", ["learners", "tutors"])
def test_stable_has_no_blocking_pair_and_never_beats_optimum(seed: int, proposing: str) -> None:
    rng = random.Random(1000 + seed)
    inst = random_instance(rng, n_d=rng.randint(1, 12), n_t=rng.randint(1, 5), tutor_pref=True)
    result = solve_stable(inst, proposing=proposing)
    check_feasible(inst, result)
    assert blocking_pairs(inst, result) == 0
    assert result.total <= solve_optimal(inst).total


def test_blocking_pair_detector_finds_an_unstable_matching() -> None:
    # two demands, one tutor of capacity 1, both prefer it; tutor prefers demand 1 but holds demand 0
    inst = Instance(2, np.array([1]), np.array([0, 1]), np.array([0, 0]), np.array([5, 5]), np.array([1, 9]))
    unstable = Assignment(np.array([0, -1]), 5)
    assert blocking_pairs(inst, unstable) == 1
    assert blocking_pairs(inst, solve_stable(inst)) == 0


def test_optimum_prefers_score_over_cardinality() -> None:
    # demand 0 alone on tutor 0 scores 10; sharing is impossible (capacity 1): best is 10, not 1 + 1
    inst = Instance(2, np.array([1, 0]), np.array([0, 1]), np.array([0, 0]), np.array([10, 1]))
    assert solve_optimal(inst).total == 10


def test_learner_proposing_is_best_for_learners() -> None:
    rng = random.Random(7)
    for _ in range(20):
        inst = random_instance(rng, n_d=6, n_t=3, tutor_pref=True)
        by_learners = solve_stable(inst, proposing="learners")
        by_tutors = solve_stable(inst, proposing="tutors")
        # each learner weakly prefers its learner-proposing partner (learner-optimal stable matching)
        for demand in range(inst.n_demands):
            a, b = by_learners.edge_of_demand[demand], by_tutors.edge_of_demand[demand]
            if b >= 0:
                assert a >= 0
                assert (inst.edge_score[a], -inst.edge_tutor[a]) >= (inst.edge_score[b], -inst.edge_tutor[b])


def test_empty_instance() -> None:
    inst = Instance(3, np.array([1]), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert solve_optimal(inst).total == 0
    assert list(solve_stable(inst).edge_of_demand) == [-1, -1, -1]


@pytest.mark.parametrize("seed", range(60))
def test_priced_optimum_matches_full_flow_even_with_tiny_k(seed: int) -> None:
    from matching.solvers import solve_optimal_full, solve_optimal_priced

    rng = random.Random(5000 + seed)
    inst = random_instance(rng, n_d=rng.randint(1, 30), n_t=rng.randint(1, 8), density=0.5)
    full = solve_optimal_full(inst)
    for top_k in (1, 2, 12):
        priced = solve_optimal_priced(inst, top_k=top_k)
        check_feasible(inst, priced)
        assert priced.total == full.total
