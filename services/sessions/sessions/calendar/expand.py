"""Recurrence expansion via recurring_ical_events and conversion to ParsedOccurrence."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Component

from .classify import classify
from .models import FeedParseError, ParsedOccurrence
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


def _locate_failure(
    calendar: Calendar,
    events: list[tuple[Component, EventSpan | None]],
    ctx: FeedContext,
    bounds: tuple[datetime, datetime],
    error: Exception,
) -> FeedParseError:
    """Find the series that makes the library fail by expanding each UID on its own."""
    by_uid: dict[str, list[tuple[Component, EventSpan | None]]] = defaultdict(list)
    for event, span in events:
        by_uid[str(event.get("UID"))].append((event, span))
    for uid, group in by_uid.items():
        single = Calendar()
        for event, _ in group:
            single.add_component(event)
        try:
            recurring_ical_events.of(single).between(*bounds)
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
) -> list[ParsedOccurrence]:
    """Expand one prepared calendar and keep the occurrences overlapping the window."""
    bounds = (window[0] - _PADDING, window[1] + _PADDING)
    try:
        components = recurring_ical_events.of(calendar).between(*bounds)
    except Exception as exc:
        raise _locate_failure(calendar, events, ctx, bounds, exc) from exc
    builder = OccurrenceBuilder(ctx, local, window)
    occurrences = []
    for component in components:
        try:
            occurrence = builder.build(component)
        except Exception as exc:  # an unforeseen value shape is still a refusal, not a crash
            uid = str(component.get("UID"))
            span = next((span for event, span in events if str(event.get("UID")) == uid), None)
            line = span.begin_line if span else None
            raise FeedParseError(f"cannot interpret an occurrence of event {uid!r}: {exc}", line) from exc
        if occurrence is not None:
            occurrences.append(occurrence)
    return occurrences
