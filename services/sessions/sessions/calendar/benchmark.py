"""Benchmark parse_feed against the bare libraries: python -m sessions.calendar.benchmark."""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from .parse import bare_parse_expand, parse_feed
from .synthetic import WINDOW_END, WINDOW_START, make_recurring_feed


@dataclass(frozen=True, slots=True)
class Figures:
    """Best-of-rounds wall-clock and CPU times for one synthetic feed."""

    n_events: int
    feed_bytes: int
    bare_seconds: float
    ours_seconds: float
    bare_cpu: float
    ours_cpu: float
    paired_cpu_ratios: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """Best parse_feed CPU time over best bare CPU time (load only ever adds time)."""
        return self.ours_cpu / self.bare_cpu

    @property
    def median_paired_ratio(self) -> float:
        """Median of the back-to-back CPU-time ratios (a second view of the same runs)."""
        return statistics.median(self.paired_cpu_ratios)


def compare(n_events: int = 10_000, seed: int = 42, rounds: int = 3) -> Figures:
    """Time both paths on the same feed, interleaved, keeping the best of ``rounds``."""
    data = make_recurring_feed(n_events, seed)
    bare: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        counted = bare_parse_expand(data, WINDOW_START, WINDOW_END)
        bare.append((time.perf_counter() - wall, time.process_time() - cpu))
        wall, cpu = time.perf_counter(), time.process_time()
        result = parse_feed(data, window_start=WINDOW_START, window_end=WINDOW_END)
        ours.append((time.perf_counter() - wall, time.process_time() - cpu))
        if counted != n_events or len(result.occurrences) != n_events:
            raise AssertionError(f"expected {n_events}, got {counted} / {len(result.occurrences)}")
    return Figures(
        n_events,
        len(data),
        min(t[0] for t in bare),
        min(t[0] for t in ours),
        min(t[1] for t in bare),
        min(t[1] for t in ours),
        tuple(o[1] / b[1] for b, o in zip(bare, ours, strict=True)),
    )


def main() -> None:
    """Print the comparison for the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures = compare(args.events, rounds=args.rounds)
    print(
        f"{figures.n_events} occurrences ({figures.feed_bytes} bytes), best of {args.rounds}: "
        f"bare {figures.bare_seconds:.3f} s wall / {figures.bare_cpu:.3f} s CPU, "
        f"parse_feed {figures.ours_seconds:.3f} s wall / {figures.ours_cpu:.3f} s CPU, "
        f"overhead {100 * (figures.ratio - 1):+.1f} % (best CPU), "
        f"{100 * (figures.median_paired_ratio - 1):+.1f} % (median of paired CPU ratios)"
    )


if __name__ == "__main__":
    main()
