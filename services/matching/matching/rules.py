"""Near-peer rule and score criteria, vectorised over candidate arrays."""

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from kit.errors import ValidationFailed
from matching.core.config import Settings

FloatArray = npt.NDArray[np.float64]
FORMAT_BITS = {"one_to_one_in_person": 1, "one_to_one_online": 2, "group_in_person": 4, "group_online": 8}
_POPCOUNT = np.array([bin(i).count("1") for i in range(16)], dtype=np.float64)


def stage_label(stage: int) -> str:
    """'year 3' for students, 'resident year 1' for stage 7 and up."""
    return f"year {stage}" if stage <= 6 else f"resident year {stage - 6}"


def near_peer_problem(settings: Settings, *, tutor_stage: int, learner_stage: int) -> str | None:
    """Why this tutor may not teach this learner under the near-peer rule, or None."""
    gap = tutor_stage - learner_stage
    if settings.near_peer_min_gap <= gap <= settings.near_peer_max_gap:
        return None
    return (
        f"tutor is {stage_label(tutor_stage)}, learner {stage_label(learner_stage)}: "
        f"tutor must be {settings.near_peer_min_gap}–{settings.near_peer_max_gap} years ahead"  # noqa: RUF001 - the en dash is the wording users see
    )


def ensure_near_peer(settings: Settings, *, tutor_stage: int, learner_stage: int, field: str | None = None) -> None:
    """Raise `near_peer_rule` with the reason when the pair breaks the rule."""
    problem = near_peer_problem(settings, tutor_stage=tutor_stage, learner_stage=learner_stage)
    if problem is not None:
        raise ValidationFailed(problem, code="near_peer_rule", field=field)


def format_mask(formats: Iterable[str]) -> int:
    """Formats as a 4-bit mask."""
    mask = 0
    for name in formats:
        mask |= FORMAT_BITS.get(str(name), 0)
    return mask


def language_mask(languages: Iterable[str], index: dict[str, int]) -> int:
    """Languages as a bit mask over a shared index (grown on demand)."""
    mask = 0
    for code in languages:
        mask |= 1 << index.setdefault(code, len(index))
    return mask


def topic_fit(priority: FloatArray, offered: npt.NDArray[np.bool_]) -> FloatArray:
    """Learner priority (1-5) scaled to 0.2-1, times 0.8 when the tutor is approved but does not list the topic."""
    return (priority / 5.0) * np.where(offered, 1.0, 0.8)


def stage_gap(settings: Settings, gap: FloatArray) -> FloatArray:
    """1 at the ideal gap, falling linearly with the distance from it."""
    width = settings.near_peer_max_gap - settings.near_peer_min_gap + 1
    return np.clip(1.0 - np.abs(gap - settings.near_peer_ideal_gap) / width, 0.0, 1.0)


def format_fit(learner_mask: npt.NDArray[np.int64], tutor_mask: npt.NDArray[np.int64]) -> FloatArray:
    """Share of the learner's preferred formats the tutor offers (1 when either side has no preference)."""
    wanted = _POPCOUNT[learner_mask & 15]
    shared = _POPCOUNT[learner_mask & tutor_mask & 15]
    open_ = (learner_mask == 0) | (tutor_mask == 0)
    return np.where(open_, 1.0, shared / np.maximum(wanted, 1.0))


def language_fit(learner_mask: npt.NDArray[np.int64], tutor_mask: npt.NDArray[np.int64]) -> FloatArray:
    """1 with a shared language (or no stated language), else 0."""
    open_ = (learner_mask == 0) | (tutor_mask == 0)
    return np.where(open_ | ((learner_mask & tutor_mask) != 0), 1.0, 0.0)


def load_fit(active: FloatArray, capacity: FloatArray) -> FloatArray:
    """Free share of the tutor's capacity."""
    return np.clip(1.0 - active / np.maximum(capacity, 1.0), 0.0, 1.0)


def combine(settings: Settings, criteria: dict[str, FloatArray]) -> FloatArray:
    """Weighted mean of the criteria present (weights renormalised over them)."""
    weights = settings.weights()
    total_weight = sum(weights[name] for name in criteria)
    if total_weight <= 0:
        return np.zeros_like(next(iter(criteria.values())))
    out = sum(weights[name] * values for name, values in criteria.items())
    return np.asarray(out, dtype=np.float64) / total_weight
