"""Decoding and line-level structural validation, keeping original line numbers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .models import FeedParseError
from .notes import WarningLog

# Components we interpret; everything else (VTODO, VALARM, VFREEBUSY, X-...) is
# dropped before icalendar sees it, so a broken VTODO cannot sink a timetable.
_KEPT = frozenset({"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT"})
_CONTENT_LINE = re.compile(r'([A-Za-z0-9_-]+)(?:;[A-Za-z0-9_-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LOGICAL_BREAK = re.compile(r"\n(?![ \t])")


@dataclass(slots=True)
class EventSpan:
    """Where one kept VEVENT sits: its BEGIN line and its range in ``Scan.lines``."""

    begin_line: int
    first: int
    last: int = -1


@dataclass(slots=True)
class Scan:
    """Unfolded content lines of the kept components, with their source line numbers."""

    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    events: list[EventSpan] = field(default_factory=list)
    calendars: int = 0
    bare: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def text(self) -> str:
        """The cleaned feed as handed to icalendar."""
        return "\r\n".join(self.lines) + "\r\n"

    def index(self, span: EventSpan, prop: str, needle: str | None = None, *, empty: bool = False) -> int | None:
        """Index in ``lines`` of the first ``prop`` line in ``span`` matching the filter."""
        size = len(prop)
        for idx in range(span.first, span.last + 1):
            line = self.lines[idx]
            if line[:size].upper() != prop or line[size : size + 1] not in (";", ":"):
                continue
            if (empty and line.endswith(":")) or (not empty and (needle is None or needle in line)):
                return idx
        return None

    def find(self, span: EventSpan, prop: str, needle: str | None = None, *, empty: bool = False) -> int:
        """Line number of the first matching ``prop`` line in ``span``, else of its BEGIN."""
        idx = self.index(span, prop, needle, empty=empty)
        return span.begin_line if idx is None else self.numbers[idx]


def decode(data: bytes, log: WarningLog) -> str:
    """Decode the feed as UTF-8 (BOM tolerated), falling back to Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.add("feed is UTF-16 encoded; decoded it")
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        log.add("feed is not valid UTF-8; decoded it as Windows-1252", line)
        return data.decode("cp1252", errors="replace")


def _normalise_newlines(text: str, log: WarningLog) -> str:
    text = text.replace("\r\n", "\n")
    if "\r" in text and "\n" not in text:
        log.add("feed uses bare CR line endings; converted them")
        text = text.replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        char = bad.group()
        what = "a bare carriage return" if char == "\r" else f"control character U+{ord(char):04X}"
        raise FeedParseError(f"contains {what}, which iCalendar does not allow", line)
    return text


def _syntax_error(line: str, number: int, *, seen_any: bool) -> FeedParseError:
    shown = line if len(line) <= 60 else line[:57] + "..."
    if not seen_any:
        return FeedParseError(f"not an iCalendar feed: expected BEGIN:VCALENDAR, found {shown!r}", number)
    if ":" not in line:
        return FeedParseError(f"content line has no ':' between name and value: {shown!r}", number)
    head = line.split(":", 1)[0]
    return FeedParseError(f"malformed property name or parameters in {head[:60]!r}", number)


class _Scanner:
    """Single pass over logical lines tracking the BEGIN/END stack."""

    def __init__(self) -> None:
        self.scan = Scan()
        self.stack: list[tuple[str, int, EventSpan | None]] = []
        self.skipping = 0

    def feed(self, line: str, number: int) -> None:
        if not line or "\n" in line:
            if self.stack:
                name, opened, _ = self.stack[-1]
                raise FeedParseError(f"blank line inside {name} (opened at line {opened})", number)
            if line:
                raise FeedParseError("continuation line without a preceding content line", number)
            return
        match = _CONTENT_LINE.match(line)
        if match is None:
            raise _syntax_error(line, number, seen_any=bool(self.stack or self.scan.calendars))
        name = match.group(1).upper()
        if name == "BEGIN":
            self.begin(line[match.end() :].strip().upper(), number)
        elif name == "END":
            self.end(line[match.end() :].strip().upper(), number)
        elif not self.stack:
            if not (self.scan.calendars or self.scan.bare or self.scan.skipped):
                raise _syntax_error(line, number, seen_any=False)
            raise FeedParseError(f"property {name} outside any component", number)
        elif not self.skipping:
            self.keep(line, number)

    def keep(self, line: str, number: int) -> None:
        self.scan.lines.append(line)
        self.scan.numbers.append(number)

    def begin(self, component: str, number: int) -> None:
        scan = self.scan
        if not component:
            raise FeedParseError("BEGIN without a component name", number)
        if not self.stack:
            if component == "VCALENDAR":
                scan.calendars += 1
            elif component in _KEPT:
                scan.bare += 1
        span = None
        if self.skipping or component not in _KEPT:
            self.skipping += 1
            scan.skipped[component] += 1
        else:
            self.keep(f"BEGIN:{component}", number)
            if component == "VEVENT":
                span = EventSpan(number, len(scan.lines) - 1)
                scan.events.append(span)
        self.stack.append((component, number, span))

    def end(self, component: str, number: int) -> None:
        if not self.stack:
            raise FeedParseError(f"END:{component} without a matching BEGIN", number)
        opened_name, opened_at, span = self.stack.pop()
        if component != opened_name:
            raise FeedParseError(f"END:{component} does not match BEGIN:{opened_name} at line {opened_at}", number)
        if self.skipping:
            self.skipping -= 1
            return
        self.keep(f"END:{component}", number)
        if span is not None:
            span.last = len(self.scan.lines) - 1

    def finish(self) -> Scan:
        if self.stack:
            name, opened, _ = self.stack[-1]
            raise FeedParseError(
                f"{name} opened at line {opened} is never closed (missing END:{name}; is the file truncated?)",
                opened,
            )
        if not self.scan.calendars and not self.scan.bare and not self.scan.skipped:
            raise FeedParseError("empty feed: no BEGIN:VCALENDAR found")
        return self.scan


def scan_feed(text: str, log: WarningLog) -> Scan:
    """Validate structure and content-line syntax; return the kept, unfolded lines."""
    text = _normalise_newlines(text, log)
    if text.endswith("\n"):
        text = text[:-1]
    scanner = _Scanner()
    number = 1
    for chunk in _LOGICAL_BREAK.split(text):
        if "\n" in chunk:
            # A chunk starting with a newline is a blank line followed by a fold.
            unfolded = chunk if chunk[0] == "\n" else chunk.replace("\n ", "").replace("\n\t", "")
            scanner.feed(unfolded, number)
            number += chunk.count("\n") + 1
        else:
            scanner.feed(chunk, number)
            number += 1
    return scanner.finish()
