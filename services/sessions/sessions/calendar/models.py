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


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Bounds of one import (settings `feed_max_occurrences_per_event`, `feed_max_occurrences`, `feed_import_budget_seconds`)."""

    per_event: int
    per_feed: int
    budget_seconds: float

    @classmethod
    def defaults(cls) -> ImportLimits:
        """The limits the service's settings default to."""
        from sessions.core.config import Settings  # the settings are the one source of the defaults

        fields = Settings.model_fields
        return cls(
            per_event=fields["feed_max_occurrences_per_event"].default,
            per_feed=fields["feed_max_occurrences"].default,
            budget_seconds=fields["feed_import_budget_seconds"].default,
        )


class FeedParseError(Exception):
    """The feed was refused as a whole; ``line`` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.reason = reason
        self.line = line
