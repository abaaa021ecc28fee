"""Recurrence bounds (issue 10.5): occurrences per event and per feed, the time budget, impossible rules."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from sessions.calendar import FeedParseError, ImportLimits, parse_feed
from sessions.calendar.budget import BudgetExceeded, time_budget

START = datetime(2026, 1, 5, tzinfo=UTC)
WINDOW = {"window_start": START, "window_end": START + timedelta(days=400)}


def feed(rule: str, count: int = 1) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:ev-{i}@probe\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Event {i}\r\n"
        f"DTSTART:20260105T{i % 24:02d}0000Z\r\nDTEND:20260105T{i % 24:02d}3000Z\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
        for i in range(count)
    )
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//probe//EN\r\n" + events + "END:VCALENDAR\r\n").encode()


def test_limits_default_to_the_settings() -> None:
    from sessions.core.config import Settings

    settings = Settings()
    assert ImportLimits.defaults() == ImportLimits(
        settings.feed_max_occurrences_per_event, settings.feed_max_occurrences, settings.feed_import_budget_seconds
    )


def test_hundred_hourly_events_without_end_are_truncated_with_a_warning() -> None:
    limits = ImportLimits(per_event=200, per_feed=5000, budget_seconds=60)

    result = parse_feed(feed("FREQ=HOURLY", 100), limits=limits, **WINDOW)

    assert len(result.occurrences) == 5000
    assert result.warnings[0].startswith("truncated: the feed has more than 5000 occurrences in the import window")
    assert "(15000 dropped)" in result.warnings[0]
    assert "line 10: event 'ev-0@probe' has more than 200 occurrences in the import window; kept the first 200" in result.warnings
    starts = [o.start for o in result.occurrences]
    assert starts == sorted(starts)
    assert max(starts) == datetime.fromisoformat(result.warnings[0].split("up to ")[1].split(" (")[0])
    # The earliest ones of the whole feed are kept, whichever event they come from.
    assert {o.uid for o in result.occurrences} == {f"ev-{i}@probe" for i in range(100)}


def test_one_event_keeps_its_first_occurrences() -> None:
    result = parse_feed(feed("FREQ=HOURLY"), limits=ImportLimits(per_event=10, per_feed=5000, budget_seconds=60), **WINDOW)

    assert [o.start for o in result.occurrences] == [START + timedelta(hours=h) for h in range(10)]
    assert result.warnings == ["line 10: event 'ev-0@probe' has more than 10 occurrences in the import window; kept the first 10"]


def test_occurrences_before_the_window_are_skipped_without_counting() -> None:
    # Hourly since 2020: six years of dates go by before the window; none counts against the per-event cap.
    data = feed("FREQ=HOURLY").replace(b"DTSTART:20260105T", b"DTSTART:20200105T").replace(b"DTEND:20260105T", b"DTEND:20200105T")

    result = parse_feed(data, limits=ImportLimits(per_event=24, per_feed=5000, budget_seconds=60), **WINDOW)

    assert [o.start for o in result.occurrences] == [START + timedelta(hours=h) for h in range(24)]


def test_a_rule_that_can_never_match_imports_its_start_within_the_budget() -> None:
    # dateutil would search to year 9999 for 30 February; the rule is recognised and only DTSTART kept.
    result = parse_feed(feed("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", 20), limits=ImportLimits(1000, 5000, budget_seconds=5), **WINDOW)

    assert len(result.occurrences) == 20
    assert "line 10: RRULE can never match (BYMONTHDAY=30 does not exist in BYMONTH=2): imported DTSTART only" in result.warnings


def test_rules_the_check_misses_are_stopped_by_the_time_budget() -> None:
    # 29 February is never the first day of the year: about 5 s of dateutil search per event, 20 events.
    data = feed("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYYEARDAY=1", 20)

    with pytest.raises(FeedParseError) as refused:
        parse_feed(data, limits=ImportLimits(1000, 5000, budget_seconds=1), **WINDOW)

    assert "the import needs more than its time budget of 1 s (it was expanding event 'ev-0@probe')" in refused.value.reason
    assert refused.value.line == 4


def test_the_budget_interrupts_a_loop_that_never_yields_and_never_fires_afterwards() -> None:
    with pytest.raises(BudgetExceeded), time_budget(0.2):
        for _ in range(10**10):
            pass
    with time_budget(0.2):
        pass
    time.sleep(0.4)  # a disarmed budget raises nothing later
    with time_budget(0.2):
        result = sum(range(1000))
    assert result == 499500
