"""Recurrence expansion via recurring_ical_events, streamed and bounded, and conversion to ParsedOccurrence."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from operator import attrgetter
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Component
from recurring_ical_events.selection.name import ComponentsWithName
from recurring_ical_events.series import Series
from recurring_ical_events.util import compare_greater, convert_to_datetime, is_pytz, is_pytz_dt, normalize_pytz

from .classify import classify
from .models import FeedParseError, ParsedOccurrence
from .notes import WarningLog
from .prepare import FeedContext, instant_key, prop
from .scan import EventSpan
from .timezones import midnight_utc, next_midnight_utc, to_utc

_PADDING = timedelta(days=1)  # covers any UTC offset when the library compares floating times
_get = prop  # plain dict lookups: case folding is most of the per-occurrence cost


def _categories(component: Component) -> tuple[str, ...]:
    value = component.get("CATEGORIES")
    if value is None:
        return ()
    props = value if isinstance(value, list) else [value]
    return tuple(str(cat) for prop in props for cat in getattr(prop, "cats", ()))


class OccurrenceBuilder:
    """Turns the library's per-occurrence component copies into ParsedOccurrence."""

    def __init__(self, ctx: FeedContext, local: tzinfo, window: tuple[datetime, datetime]) -> None:
        self.offsets = ctx.offsets
        self.local = local
        self.window_start, self.window_end = window
        # Occurrence copies share the source's property objects, so the UID property's
        # identity names the source component (the list of copies keeps them alive).
        self._static: dict[int, tuple[str, str, str | None, str, str]] = {}

    def static_fields(self, component: Component) -> tuple[str, str, str | None, str, str]:
        """(uid, summary, location, status, kind) of the occurrence's source component."""
        uid_prop = _get(component, "UID")
        cached = self._static.get(id(uid_prop))
        if cached is None:
            summary = str(_get(component, "SUMMARY") or "")
            status = _get(component, "STATUS")
            cached = (
                str(uid_prop),
                summary,
                str(_get(component, "LOCATION") or "").strip() or None,
                "CONFIRMED" if status is None else str(status),
                classify(summary, _categories(component)),
            )
            self._static[id(uid_prop)] = cached
        return cached

    def build(self, component: Component) -> ParsedOccurrence | None:
        """Return the occurrence, or None if cancelled or outside the window."""
        uid, summary, location, status, kind = self.static_fields(component)
        if status == "CANCELLED":
            return None
        start_raw = _get(component, "DTSTART").dt
        end_raw = _get(component, "DTEND").dt
        all_day = not isinstance(start_raw, datetime)
        start, end = self.span(start_raw, end_raw, all_day)
        if start >= self.window_end or (end <= self.window_start and start < self.window_start):
            return None
        return ParsedOccurrence(
            uid=uid,
            recurrence_key=f"{uid}@{self.original_start(component, uid, start_raw, start, all_day)}",
            summary=summary,
            location=location,
            start=start,
            end=end,
            all_day=all_day,
            status=status,
            kind=kind,
        )

    def span(self, start_raw: date, end_raw: date, all_day: bool) -> tuple[datetime, datetime]:
        """UTC start and end; all-day values become local midnights of the feed's zone."""
        local = self.local
        if all_day:
            start = midnight_utc(start_raw, local)
            end = to_utc(end_raw, local) if isinstance(end_raw, datetime) else midnight_utc(end_raw, local)
            if end <= start:
                end = next_midnight_utc(start_raw, local)
            return start, end
        assert isinstance(start_raw, datetime)
        start = to_utc(start_raw, local)
        end = to_utc(end_raw, local) if isinstance(end_raw, datetime) else midnight_utc(end_raw, local)
        return start, max(start, end)

    def original_start(self, component: Component, uid: str, start_raw: date, start: datetime, all_day: bool) -> str:
        """Key of the instance this occurrence stands for (its RECURRENCE-ID)."""
        rid_prop = _get(component, "RECURRENCE-ID")
        original: Any = start_raw if rid_prop is None else rid_prop.dt
        if self.offsets and rid_prop is not None and "RANGE" in rid_prop.params:
            shift = self.offsets.get((uid, instant_key(original, self.local)))
            if shift is not None:
                original = start_raw - shift  # undo the THISANDFUTURE move
        if original == start_raw and not all_day:
            return instant_key(start, self.local)
        if all_day and isinstance(original, datetime):
            original = original.date()
        return instant_key(original, self.local)


class StreamingRules(Series.RecurrenceRules):
    """The library's recurrence rules, expanded lazily: dates outside the span are dropped as they come.

    The library calls dateutil's `between`, which builds the list of every date in the span (tens of millions for
    an hourly rule with BYMINUTE and BYSECOND) and its cached iterator keeps every date it produced; `_iter` is
    dateutil's plain generator, so memory stays at one date per rule whatever the rule.
    """

    def rrule_between(self, span_start: Any, span_stop: Any) -> Iterator[Any]:
        """Dates of the rules (and RDATEs) in [span_start, span_stop], per rule in order."""
        first = convert_to_datetime(span_start, self.tzinfo)
        last = convert_to_datetime(span_stop, self.tzinfo)
        if is_pytz(self.tzinfo):  # as the library does: pytz offsets are unreliable at transitions
            first, last = normalize_pytz(first - timedelta(hours=1)), normalize_pytz(last + timedelta(hours=1))
        for rule in self.rrules:
            for start in rule._iter():
                if start > last:
                    break
                if start < first:
                    continue
                if is_pytz_dt(start):
                    start = start.tzinfo.localize(start.replace(tzinfo=None))
                if rule.until is None or not compare_greater(start, rule.until):
                    yield start


class StreamingSeries(Series):
    """A series whose rules expand lazily."""

    RecurrenceRules = StreamingRules


EVENTS = ComponentsWithName("VEVENT", series=StreamingSeries)


class Earliest:
    """The `limit` earliest occurrences of a stream, one per recurrence key, in memory bounded by `limit`."""

    class _Latest:
        __slots__ = ("occurrence",)

        def __init__(self, occurrence: ParsedOccurrence) -> None:
            self.occurrence = occurrence

        def order(self) -> tuple[datetime, str]:
            return self.occurrence.start, self.occurrence.recurrence_key

        def __lt__(self, other: Earliest._Latest) -> bool:  # reversed: the heap's top is the latest kept
            return self.order() > other.order()

    def __init__(self, limit: int, log: WarningLog) -> None:
        self.limit = limit
        self.log = log
        self.dropped = 0
        self._heap: list[Earliest._Latest] = []
        self._kept: dict[str, ParsedOccurrence] = {}

    def add(self, occurrence: ParsedOccurrence) -> None:
        """Keep the occurrence if it is among the `limit` earliest so far."""
        key = occurrence.recurrence_key
        if key in self._kept:
            self.log.count("an occurrence (same UID and start) came out twice; kept the first", None)
            return
        entry = Earliest._Latest(occurrence)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, entry)
            self._kept[key] = occurrence
            return
        self.dropped += 1
        if not entry.order() < self._heap[0].order():
            return
        evicted = heapq.heapreplace(self._heap, entry)
        del self._kept[evicted.occurrence.recurrence_key]
        self._kept[key] = occurrence

    def sorted(self) -> list[ParsedOccurrence]:
        """The kept occurrences by start."""
        return sorted(self._kept.values(), key=attrgetter("start", "recurrence_key"))

    def last_start(self) -> datetime | None:
        """Start of the latest kept occurrence."""
        return self._heap[0].occurrence.start if self._heap else None


@dataclass(slots=True)
class Progress:
    """Which event is being expanded (names the culprit when the time budget runs out)."""

    uid: str | None = None
    line: int | None = None


def _locate_failure(
    calendar: Calendar, events: list[tuple[Component, EventSpan | None]], ctx: FeedContext, error: Exception
) -> FeedParseError:
    """Find the series the library cannot even set up by building each UID's series on its own (no expansion)."""
    by_uid: dict[str, list[tuple[Component, EventSpan | None]]] = defaultdict(list)
    for event, span in events:
        by_uid[str(event.get("UID"))].append((event, span))
    for uid, group in by_uid.items():
        single = Calendar()
        for event, _ in group:
            single.add_component(event)
        try:
            recurring_ical_events.of(single, components=[EVENTS])
        except Exception as exc:  # noqa: BLE001 - any library failure is reported, not raised
            span = group[0][1]
            line = ctx.scan.find(span, "RRULE") if span else None
            return FeedParseError(f"cannot expand the recurrence of event {uid!r}: {exc}", line)
    return FeedParseError(f"cannot expand the calendar: {error}")


def expand_calendar(
    calendar: Calendar,
    events: list[tuple[Component, EventSpan | None]],
    ctx: FeedContext,
    local: tzinfo,
    window: tuple[datetime, datetime],
    *,
    per_event: int,
    keep: Earliest,
    progress: Progress,
) -> None:
    """Expand one prepared calendar series by series, handing the occurrences overlapping the window to `keep`.

    Nothing outside the window is built, and at most `per_event` occurrences of one event are (the first ones).
    """
    bounds = (window[0] - _PADDING, window[1] + _PADDING)
    try:
        query = recurring_ical_events.of(calendar, components=[EVENTS])
    except Exception as exc:
        raise _locate_failure(calendar, events, ctx, exc) from exc
    spans: dict[str, EventSpan | None] = {}
    for event, span in events:
        spans.setdefault(str(event.get("UID")), span)
    builder = OccurrenceBuilder(ctx, local, window)
    for series in query.series:
        uid = str(series.components[0].uid)
        span = spans.get(uid)
        progress.uid, progress.line = uid, span.begin_line if span else None
        kept = 0
        for component in _components(series, bounds, uid, ctx, span):
            try:
                occurrence = builder.build(component)
            except Exception as exc:  # an unforeseen value shape is still a refusal, not a crash
                raise FeedParseError(f"cannot interpret an occurrence of event {uid!r}: {exc}", progress.line) from exc
            if occurrence is None:
                continue
            if kept == per_event:
                line = ctx.scan.find(span, "RRULE") if span else None
                ctx.log.add(f"event {uid!r} has more than {per_event} occurrences in the import window; kept the first {per_event}", line)
                break
            kept += 1
            keep.add(occurrence)


def _components(series: Series, bounds: tuple[datetime, datetime], uid: str, ctx: FeedContext, span: EventSpan | None) -> Iterator[Component]:
    """The series' occurrences in the bounds, one at a time, as components; a library failure is a refusal."""
    occurrences = series.between(*bounds)
    try:
        while True:
            try:
                found = next(occurrences, None)
                if found is None:
                    return
                component = found.as_component(False)
            except Exception as exc:  # whatever the library trips on is reported with the event's line
                line = ctx.scan.find(span, "RRULE") if span else None
                raise FeedParseError(f"cannot expand the recurrence of event {uid!r}: {exc}", line) from exc
            yield component
    finally:
        occurrences.close()
