"""Shared fixtures for the calendar import tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sessions.calendar import FeedParseResult, parse_feed

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"

Parse = Callable[..., FeedParseResult]


@pytest.fixture
def parse() -> Parse:
    """parse_feed over the 2025/26 academic year unless told otherwise."""

    def _parse(
        data: bytes,
        start: datetime = datetime(2025, 9, 1, tzinfo=UTC),
        end: datetime = datetime(2026, 9, 1, tzinfo=UTC),
        default_tz: str = "Europe/Paris",
    ) -> FeedParseResult:
        return parse_feed(data, window_start=start, window_end=end, default_tz=default_tz)

    return _parse


@pytest.fixture
def corpus() -> Callable[[str], bytes]:
    """Bytes of a small corpus feed from the in-repo copy."""
    return lambda name: (CORPUS / name).read_bytes()
