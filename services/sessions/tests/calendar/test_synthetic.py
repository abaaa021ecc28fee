"""The synthetic timetable generator (its timing lives in `make bench`, not here)."""

from __future__ import annotations

from collections import Counter

import pytest

from sessions.calendar import bare_parse_expand, make_recurring_feed, parse_feed
from sessions.calendar.synthetic import WINDOW_END, WINDOW_START


@pytest.mark.parametrize(("n_events", "seed"), [(0, 1), (1, 2), (7, 3), (250, 4), (2_000, 5)])
def test_feed_expands_to_exactly_n_events(n_events: int, seed: int) -> None:
    data = make_recurring_feed(n_events, seed)
    assert bare_parse_expand(data, WINDOW_START, WINDOW_END) == n_events
    result = parse_feed(data, window_start=WINDOW_START, window_end=WINDOW_END)
    assert len(result.occurrences) == n_events
    if n_events:
        assert result.warnings == []


def test_feed_is_deterministic_and_realistic() -> None:
    data = make_recurring_feed(2_000, 11)
    assert data == make_recurring_feed(2_000, 11)
    assert data != make_recurring_feed(2_000, 12)
    text = data.decode()
    for marker in ("BEGIN:VTIMEZONE", "TZID=Europe/Paris", "EXDATE;", "RECURRENCE-ID;", "\r\n "):
        assert marker in text, marker
    result = parse_feed(data, window_start=WINDOW_START, window_end=WINDOW_END)
    kinds = Counter(o.kind for o in result.occurrences)
    assert {"lecture", "exam", "on_call", "rotation"} <= set(kinds)
    assert any(o.all_day for o in result.occurrences)
