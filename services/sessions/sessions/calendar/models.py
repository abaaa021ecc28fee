"""Result and error types of the iCalendar import layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ParsedOccurrence:
    """One concrete, non-cancelled occurrence of a feed event."""

    uid: str
    recurrence_key: str
    summary: str
    location: str | None
    start: datetime
    end: datetime
    all_day: bool
    status: str
    kind: str


@dataclass(slots=True)
class FeedParseResult:
    """Everything a feed import produced: occurrences sorted by start, and warnings."""

    occurrences: list[ParsedOccurrence]
    calendars: int
    warnings: list[str]


class FeedParseError(Exception):
    """The feed was refused as a whole; ``line`` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.reason = reason
        self.line = line
