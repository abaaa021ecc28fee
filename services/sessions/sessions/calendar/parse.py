"""Entry point: parse_feed (defensive import) and bare_parse_expand (benchmark reference)."""

from __future__ import annotations

import re
import threading
import warnings
from datetime import datetime, tzinfo

import recurring_ical_events
from icalendar import Calendar, Component

from .budget import BudgetExceeded, time_budget
from .expand import Earliest, Progress, expand_calendar
from .models import FeedParseError, FeedParseResult, ImportLimits
from .notes import WarningLog
from .prepare import EventPreparer, FeedContext
from .scan import EventSpan, Scan, decode, scan_feed
from .timezones import reset_definitions, resolve_name, zone

# icalendar keeps VTIMEZONE definitions in a process-wide cache that we reset per
# feed, so parses must not interleave (catch_warnings is process-wide too).
_LOCK = threading.Lock()
_QUOTED = re.compile(r"'([^']{3,})'")

CalendarEvents = list[tuple[Calendar, list[tuple[Component, EventSpan | None]]]]


def bare_parse_expand(data: bytes, window_start: datetime, window_end: datetime) -> int:
    """Count occurrences using only the two libraries (the benchmark reference)."""
    calendars = Calendar.from_ical(data, multiple=True)
    return sum(len(recurring_ical_events.of(cal).between(window_start, window_end)) for cal in calendars)


def _check_arguments(window_start: datetime, window_end: datetime, default_tz: str) -> tzinfo:
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window_start and window_end must be timezone-aware")
    if window_end <= window_start:
        raise ValueError("window_end must be after window_start")
    found = zone(default_tz)
    if found is None:
        raise ValueError(f"unknown default_tz {default_tz!r}")
    return found


def _parse_components(scan: Scan) -> list[Component]:
    try:
        return [*Calendar.from_ical(scan.text, multiple=True)]
    except Exception as exc:  # whatever the parser trips on becomes a located refusal
        line = None
        for fragment in _QUOTED.findall(str(exc)):
            line = next((n for n, text in zip(scan.numbers, scan.lines, strict=True) if fragment in text), None)
            if line is not None:
                break
        raise FeedParseError(f"iCalendar parser rejected the feed: {exc}", line) from exc


def _group(components: list[Component], scan: Scan, log: WarningLog) -> CalendarEvents:
    """Pair every VEVENT with its source span; wrap bare components in one calendar."""
    spans = iter(scan.events)
    grouped: CalendarEvents = []
    bare: tuple[Calendar, list[tuple[Component, EventSpan | None]]] | None = None
    for component in components:
        if isinstance(component, Calendar):
            target: tuple[Calendar, list[tuple[Component, EventSpan | None]]] = (component, [])
            grouped.append(target)
        else:
            if bare is None:
                bare = (Calendar(), [])
                grouped.append(bare)
                log.add(
                    f"{scan.bare} component(s) are not inside a VCALENDAR (bare export); imported them as one calendar"
                )
            bare[0].add_component(component)
            target = bare
        target[1].extend((event, next(spans, None)) for event in component.walk("VEVENT"))
    if sum(len(events) for _, events in grouped) != len(scan.events):
        # Never report a wrong line: drop the spans if icalendar saw other VEVENTs.
        return [(calendar, [(event, None) for event, _ in events]) for calendar, events in grouped]
    return grouped


def _calendar_zone(calendar: Calendar, default: tzinfo, default_name: str, log: WarningLog) -> tuple[tzinfo, str]:
    """The zone for floating and all-day values: X-WR-TIMEZONE if usable, else the default."""
    raw = calendar.get("X-WR-TIMEZONE")
    if raw is None:
        return default, default_name
    name = str(raw).strip()
    found = resolve_name(name)
    if found is None:
        log.add(f"X-WR-TIMEZONE {name!r} is not a known time zone; using {default_name}")
        del calendar["X-WR-TIMEZONE"]
        return default, default_name
    if found.key != name:
        calendar["X-WR-TIMEZONE"] = found.key  # recurring_ical_events needs an IANA name
    return found, found.key


def _collect(
    grouped: CalendarEvents,
    scan: Scan,
    log: WarningLog,
    default: tzinfo,
    default_name: str,
    window: tuple[datetime, datetime],
    limits: ImportLimits,
    progress: Progress,
) -> Earliest:
    ctx = FeedContext(scan, log)
    zones = []
    for calendar, events in grouped:
        local, local_name = _calendar_zone(calendar, default, default_name, log)
        zones.append(local)
        preparer = EventPreparer(ctx, local, local_name)
        for event, span in events:
            try:
                preparer.prepare(event, span)
            except FeedParseError:
                raise
            except Exception as exc:  # an unforeseen value shape is still a refusal, not a crash
                raise FeedParseError(f"cannot interpret VEVENT: {exc}", span.begin_line if span else None) from exc
    keep = Earliest(limits.per_feed, log)
    for (calendar, events), local in zip(grouped, zones, strict=True):
        expand_calendar(calendar, events, ctx, local, window, per_event=limits.per_event, keep=keep, progress=progress)
    return keep


def _over_budget(limits: ImportLimits, progress: Progress) -> FeedParseError:
    where = f" (it was expanding event {progress.uid!r})" if progress.uid is not None else ""
    return FeedParseError(f"the import needs more than its time budget of {limits.budget_seconds:g} s{where}", progress.line)


def _truncation(keep: Earliest) -> list[str]:
    if not keep.dropped:
        return []
    last = keep.last_start()
    until = f", up to {last.isoformat()}" if last is not None else ""
    return [
        f"truncated: the feed has more than {keep.limit} occurrences in the import window; "
        f"kept the {keep.limit} earliest{until} ({keep.dropped} dropped)"
    ]


def parse_feed(
    data: bytes,
    *,
    window_start: datetime,
    window_end: datetime,
    default_tz: str = "Europe/Paris",
    limits: ImportLimits | None = None,
) -> FeedParseResult:
    """Parse an iCalendar feed and expand it to occurrences in [window_start, window_end).

    All-or-nothing: raises FeedParseError (with a 1-based line where known) if any event
    cannot be interpreted or the import runs out of its time budget; odd-but-interpretable
    content is imported with warnings. At most `limits.per_event` occurrences of one event
    and `limits.per_feed` of the feed are kept (the first / earliest ones), with a warning.
    """
    default = _check_arguments(window_start, window_end, default_tz)
    limits = limits or ImportLimits.defaults()
    log = WarningLog()
    progress = Progress()
    with _LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with time_budget(limits.budget_seconds):
                scan = scan_feed(decode(data, log), log)
                reset_definitions()
                grouped = _group(_parse_components(scan), scan, log)
                keep = _collect(grouped, scan, log, default, default_tz, (window_start, window_end), limits, progress)
        except BudgetExceeded:
            raise _over_budget(limits, progress) from None
    for warning in caught:
        log.add(f"library warning: {warning.message}")
    ignored = {name: n for name, n in scan.skipped.items() if name != "VALARM"}
    if ignored:
        listed = ", ".join(f"{n} {name}" for name, n in sorted(ignored.items()))
        log.add(f"ignored components that are not events: {listed}")
    if not scan.events:
        log.add("the feed contains no VEVENT")
    return FeedParseResult(keep.sorted(), len(grouped), _truncation(keep) + log.as_list())
