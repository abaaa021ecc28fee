"""Assignment solvers on compact arrays: exact optimum (min-cost flow) and stable matching (deferred acceptance).

A *demand* is one learner wanting one topic (one tutor each); a tutor has a capacity shared by all its demands.
Edges are the eligible (demand, tutor) pairs with an integer score (scaled, higher is better).
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.int64]
Progress = Callable[[float], None]


@dataclass
class Instance:
    n_demands: int
    capacity: IntArray  # per tutor, >= 0
    edge_demand: IntArray
    edge_tutor: IntArray
    edge_score: IntArray  # what the optimum maximises and learners rank by
    tutor_pref: IntArray | None = None  # how tutors rank demands (defaults to edge_score)

    @property
    def n_tutors(self) -> int:
        return int(self.capacity.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_demand.shape[0])


@dataclass
class Assignment:
    edge_of_demand: IntArray  # chosen edge index per demand, -1 when unmatched
    total: int

    def tutor_of_demand(self, instance: Instance) -> IntArray:
        out = np.full(instance.n_demands, -1, dtype=np.int64)
        matched = self.edge_of_demand >= 0
        out[matched] = instance.edge_tutor[self.edge_of_demand[matched]]
        return out


PRICED_ABOVE_EDGES = 10_000_000


def solve_optimal(instance: Instance) -> Assignment:
    """Maximum total score under capacities, exactly (edge pricing on very large instances to bound memory)."""
    if instance.n_edges > PRICED_ABOVE_EDGES:
        return solve_optimal_priced(instance)
    return solve_optimal_full(instance)


def solve_optimal_priced(instance: Instance, *, top_k: int = 12, max_rounds: int = 4) -> Assignment:
    """Maximum total score under capacities, exactly: min-cost flow on each demand's best edges, proven optimal on all.

    The flow is solved on a restricted edge set (each demand's `top_k` best edges). Tutor prices v (the duals of the
    restricted optimum, as the least solution of its longest-path constraints) give the LP upper bound
    sum_d max(0, max_e s_e - v_t) + sum_t c_t v_t over *every* edge; the b-matching LP is integral, so a bound equal to
    the restricted total proves global optimality. Edges that break the bound are added and the flow solved again;
    after `max_rounds` the full instance is solved directly.
    """
    usable = instance.capacity[instance.edge_tutor] > 0
    if instance.n_demands == 0 or not usable.any():
        return Assignment(np.full(instance.n_demands, -1, dtype=np.int64), 0)
    order = np.lexsort((-instance.edge_score, instance.edge_demand))
    sorted_demand = instance.edge_demand[order]
    starts = np.searchsorted(sorted_demand, sorted_demand, side="left")
    rank = np.arange(order.size) - starts
    keep = np.zeros(instance.n_edges, dtype=bool)
    keep[order[rank < top_k]] = True
    keep &= usable
    for _ in range(max_rounds):
        subset = np.nonzero(keep)[0]
        restricted = Instance(instance.n_demands, instance.capacity, instance.edge_demand[subset], instance.edge_tutor[subset], instance.edge_score[subset])
        result = solve_optimal_full(restricted)
        chosen = result.edge_of_demand
        edge_of_demand = np.full(instance.n_demands, -1, dtype=np.int64)
        edge_of_demand[chosen >= 0] = subset[chosen[chosen >= 0]]
        prices = _tutor_prices(instance, restricted, result)
        reduced = instance.edge_score - prices[instance.edge_tutor]
        best = np.zeros(instance.n_demands, dtype=np.int64)
        np.maximum.at(best, instance.edge_demand[usable], reduced[usable])
        bound = int(best.sum()) + int((instance.capacity * prices).sum())
        if bound == result.total:
            return Assignment(edge_of_demand, result.total)
        restricted_best = np.zeros(instance.n_demands, dtype=np.int64)
        np.maximum.at(restricted_best, restricted.edge_demand, reduced[subset])
        violating = usable & ~keep & (reduced > restricted_best[instance.edge_demand])
        if not violating.any():
            break
        keep |= violating
    return solve_optimal_full(instance)


def _tutor_prices(instance: Instance, restricted: Instance, result: Assignment, max_iterations: int = 10_000) -> IntArray:
    """Least tutor prices satisfying the restricted optimum's dual constraints (Bellman-Ford on the tutor graph)."""
    t = instance.n_tutors
    chosen = result.edge_of_demand
    matched_tutor = np.full(instance.n_demands, -1, dtype=np.int64)
    matched_score = np.zeros(instance.n_demands, dtype=np.int64)
    has = chosen >= 0
    matched_tutor[has] = restricted.edge_tutor[chosen[has]]
    matched_score[has] = restricted.edge_score[chosen[has]]
    ed, et, es = restricted.edge_demand, restricted.edge_tutor, restricted.edge_score
    prices = np.zeros(t, dtype=np.int64)
    # an unmatched demand d: s_dt - v_t <= 0, so v_t >= s_dt
    free = matched_tutor[ed] < 0
    np.maximum.at(prices, et[free], es[free])
    # a matched demand d (at t'): s_dt - v_t <= s_dt' - v_t', so v_t >= v_t' + s_dt - s_dt'
    linked = ~free & (matched_tutor[ed] != et)
    src, dst, weight = matched_tutor[ed[linked]], et[linked], es[linked] - matched_score[ed[linked]]
    for _ in range(max_iterations):
        candidate = prices.copy()
        np.maximum.at(candidate, dst, prices[src] + weight)
        if np.array_equal(candidate, prices):
            break
        prices = candidate
    return prices


def solve_optimal_full(instance: Instance) -> Assignment:
    """Maximum total score under capacities, exactly, as one min-cost flow with negated scores over every edge."""
    d, t, e = instance.n_demands, instance.n_tutors, instance.n_edges
    if d == 0 or e == 0:
        return Assignment(np.full(d, -1, dtype=np.int64), 0)
    source, sink = d + t, d + t + 1
    # source -> demand (1), demand -> tutor (1, -score), tutor -> sink (capacity), source -> sink bypass (free):
    # the bypass lets every unit of supply leave without a match, so the solver maximises score, not cardinality.
    # Arrays are built once in their final dtypes: at 50k x 5k there are tens of millions of arcs.
    tails = np.concatenate([np.full(d, source), instance.edge_demand, np.arange(d, d + t), [source]], dtype=np.int32)
    heads = np.concatenate([np.arange(d), instance.edge_tutor + d, np.full(t, sink), [sink]], dtype=np.int32)
    caps = np.concatenate([np.ones(d + e, dtype=np.int64), instance.capacity, [d]], dtype=np.int64)
    costs = np.concatenate([np.zeros(d, dtype=np.int64), -instance.edge_score, np.zeros(t + 1, dtype=np.int64)], dtype=np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    del tails, heads, caps, costs
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([d, -d], dtype=np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    edge_arcs = np.arange(d, d + e, dtype=np.int32)
    used = flow.flows(edge_arcs) > 0
    edge_of_demand = np.full(d, -1, dtype=np.int64)
    chosen = np.nonzero(used)[0]
    edge_of_demand[instance.edge_demand[chosen]] = chosen
    return Assignment(edge_of_demand, int(instance.edge_score[chosen].astype(np.int64).sum()))


def _strict_keys(pref: IntArray, other: IntArray, n_other: int) -> IntArray:
    """Break ties by the other side's index so every preference is strict (higher key = preferred)."""
    return pref.astype(np.int64) * (n_other + 1) + (n_other - other.astype(np.int64))


def solve_stable(instance: Instance, *, proposing: str = "learners", progress: Progress | None = None) -> Assignment:
    """Deferred acceptance (many-to-one, tutor capacities); learner- or tutor-proposing."""
    d, t = instance.n_demands, instance.n_tutors
    tutor_pref = instance.tutor_pref if instance.tutor_pref is not None else instance.edge_score
    learner_key = _strict_keys(instance.edge_score, instance.edge_tutor, t)
    tutor_key = _strict_keys(tutor_pref, instance.edge_demand, d)
    if proposing == "learners":
        edge_of_demand = _learners_propose(instance, learner_key, tutor_key, progress)
    elif proposing == "tutors":
        edge_of_demand = _tutors_propose(instance, learner_key, tutor_key, progress)
    else:
        raise ValueError(f"unknown proposing side {proposing!r}")
    matched = edge_of_demand[edge_of_demand >= 0]
    return Assignment(edge_of_demand, int(instance.edge_score[matched].sum()))


def _learners_propose(instance: Instance, learner_key: IntArray, tutor_key: IntArray, progress: Progress | None) -> IntArray:
    d = instance.n_demands
    order = np.lexsort((-learner_key, instance.edge_demand))  # per demand, best tutor first
    starts = np.searchsorted(instance.edge_demand[order], np.arange(d + 1))
    order_l, starts_l = order.tolist(), starts.tolist()
    tkey, etutor, edemand = tutor_key.tolist(), instance.edge_tutor.tolist(), instance.edge_demand.tolist()
    capacity = instance.capacity.tolist()
    held: list[list[tuple[int, int]]] = [[] for _ in range(instance.n_tutors)]  # min-heaps of (tutor_key, edge)
    # the key a proposal must beat: -1 (anything) while the tutor has room, else its worst held key
    floor = [-1 if c > 0 else 2**62 for c in capacity]
    edge_of_demand = [-1] * d
    next_choice = starts_l[:-1].copy()
    free = list(range(d - 1, -1, -1))
    rounds = 0
    while free:
        demand = free.pop()
        i, end = next_choice[demand], starts_l[demand + 1]
        while i < end:
            edge = order_l[i]
            i += 1
            tutor = etutor[edge]
            key = tkey[edge]
            if key <= floor[tutor]:
                continue  # rejected at once: the tutor is full of preferred learners
            heap = held[tutor]
            edge_of_demand[demand] = edge
            if len(heap) < capacity[tutor]:
                heapq.heappush(heap, (key, edge))
            else:
                _, rejected = heapq.heapreplace(heap, (key, edge))
                loser = edemand[rejected]
                edge_of_demand[loser] = -1
                free.append(loser)
            if len(heap) == capacity[tutor]:
                floor[tutor] = heap[0][0]
            break
        next_choice[demand] = i
        rounds += 1
        if progress is not None and rounds % 50000 == 0:
            progress(min(0.99, rounds / max(1, 2 * d)))
    return np.array(edge_of_demand, dtype=np.int64)


def _tutors_propose(instance: Instance, learner_key: IntArray, tutor_key: IntArray, progress: Progress | None) -> IntArray:
    t = instance.n_tutors
    order = np.lexsort((-tutor_key, instance.edge_tutor))  # per tutor, best demand first
    starts = np.searchsorted(instance.edge_tutor[order], np.arange(t + 1))
    order_l, starts_l = order.tolist(), starts.tolist()
    lkey, edemand, etutor = learner_key.tolist(), instance.edge_demand.tolist(), instance.edge_tutor.tolist()
    slots = instance.capacity.tolist()
    edge_of_demand = [-1] * instance.n_demands
    next_choice = starts_l[:-1].copy()
    active = [tutor for tutor in range(t - 1, -1, -1) if slots[tutor] > 0]
    step = 0
    while active:
        tutor = active.pop()
        while slots[tutor] > 0 and next_choice[tutor] < starts_l[tutor + 1]:
            edge = order_l[next_choice[tutor]]
            next_choice[tutor] += 1
            demand = edemand[edge]
            current = edge_of_demand[demand]
            step += 1
            if current == -1:
                edge_of_demand[demand] = edge
                slots[tutor] -= 1
            elif lkey[current] < lkey[edge]:
                edge_of_demand[demand] = edge
                slots[tutor] -= 1
                loser = etutor[current]
                slots[loser] += 1
                active.append(loser)
        if progress is not None and step % 50000 == 0:
            progress(min(0.99, step / max(1, instance.n_edges)))
    return np.array(edge_of_demand, dtype=np.int64)


def blocking_pairs(instance: Instance, assignment: Assignment) -> int:
    """How many unmatched edges both sides would rather take than their current situation (0 = stable)."""
    d, t = instance.n_demands, instance.n_tutors
    tutor_pref = instance.tutor_pref if instance.tutor_pref is not None else instance.edge_score
    learner_key = _strict_keys(instance.edge_score, instance.edge_tutor, t)
    tutor_key = _strict_keys(tutor_pref, instance.edge_demand, d)
    chosen = assignment.edge_of_demand
    matched_edges = chosen[chosen >= 0]
    in_matching = np.zeros(instance.n_edges, dtype=bool)
    in_matching[matched_edges] = True
    current_key = np.full(d, np.iinfo(np.int64).min, dtype=np.int64)
    current_key[chosen >= 0] = learner_key[matched_edges]
    load = np.bincount(instance.edge_tutor[matched_edges], minlength=t)
    worst = np.full(t, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(worst, instance.edge_tutor[matched_edges], tutor_key[matched_edges])
    learner_wants = learner_key > current_key[instance.edge_demand]
    tutor_wants = (load[instance.edge_tutor] < instance.capacity[instance.edge_tutor]) | (
        tutor_key > worst[instance.edge_tutor]
    )
    return int(np.count_nonzero(learner_wants & tutor_wants & ~in_matching))


def check_feasible(instance: Instance, assignment: Assignment) -> None:
    """Raise if the assignment breaks a capacity or uses an edge twice (a guard before publishing)."""
    chosen = assignment.edge_of_demand
    matched = chosen[chosen >= 0]
    if np.any(instance.edge_demand[matched] != np.nonzero(chosen >= 0)[0]):
        raise AssertionError("assignment edge does not belong to its demand")
    load = np.bincount(instance.edge_tutor[matched], minlength=instance.n_tutors)
    if np.any(load > instance.capacity):
        raise AssertionError("assignment exceeds a tutor capacity")
