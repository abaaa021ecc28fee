"""Defensive iCalendar timetable import on top of icalendar and recurring-ical-events."""

from .models import FeedParseError, FeedParseResult, ImportLimits, ParsedOccurrence
from .parse import bare_parse_expand, parse_feed
from .synthetic import make_recurring_feed

__all__ = [
    "FeedParseError",
    "FeedParseResult",
    "ImportLimits",
    "ParsedOccurrence",
    "bare_parse_expand",
    "make_recurring_feed",
    "parse_feed",
]
