"""Collecting import warnings without flooding the admin."""

from __future__ import annotations

from collections import Counter


class WarningLog:
    """Deduplicated, capped warnings plus per-topic counters summarised at the end."""

    limit = 100

    def __init__(self) -> None:
        self._messages: dict[str, None] = {}
        self._omitted = 0
        self._counts: Counter[str] = Counter()
        self._first_line: dict[str, int | None] = {}

    def add(self, message: str, line: int | None = None) -> None:
        """Record one warning, prefixed with its line number when known."""
        text = f"line {line}: {message}" if line is not None else message
        if text in self._messages:
            return
        if len(self._messages) >= self.limit:
            self._omitted += 1
            return
        self._messages[text] = None

    def count(self, topic: str, line: int | None) -> None:
        """Count a repetitive quirk; reported once as '<topic> (N times, first at line L)'."""
        self._counts[topic] += 1
        self._first_line.setdefault(topic, line)

    def as_list(self) -> list[str]:
        """Return the warnings, topic summaries first."""
        out = []
        for topic, n in self._counts.items():
            line = self._first_line[topic]
            where = f", first at line {line}" if line is not None else ""
            out.append(f"{topic} ({n}x{where})")
        out.extend(self._messages)
        if self._omitted:
            out.append(f"{self._omitted} further warnings omitted")
        return out
