"""Deterministic synthetic timetable feeds for benchmarks and tests."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WINDOW_START = datetime(2025, 9, 1, tzinfo=UTC)
"""Every occurrence of a synthetic feed lies inside [WINDOW_START, WINDOW_END)."""
WINDOW_END = datetime(2026, 8, 1, tzinfo=UTC)

_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "X-LIC-LOCATION:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
_COURSES = (
    "CM Cardiologie",
    "TD Pharmacologie",
    "Cours d'anatomie",
    "Lecture: Immunology",
    "TP Histologie",
    "CM Néphrologie",
    "Tutorat sémiologie",
    "Lecture: Clinical reasoning",
)
_ROOMS = ("Amphi A", "Amphi B", "Salle 101", "Salle 204", "Bâtiment Pasteur, salle 3")
_SINGLES = (
    ("Examen blanc de cardiologie", "EXAM", 2),
    ("Partiel de pharmacologie", "EXAM", 3),
    ("Garde aux urgences", "ON-CALL", 14),
    ("Stage: médecine interne", "ROTATION", 0),
)


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def _fold(line: str) -> list[str]:
    """Fold a content line at 75 octets without splitting UTF-8 sequences."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


class _Builder:
    """Accumulates the content lines of one feed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.lines: list[str] = []
        self.uid_counter = 0

    def uid(self) -> str:
        self.uid_counter += 1
        return f"{self.seed}-{self.uid_counter}@synthetic.nearpeer.test"

    def event(self, props: list[str]) -> None:
        self.lines.append("BEGIN:VEVENT")
        self.lines.append("DTSTAMP:20250801T120000Z")
        self.lines.extend(props)
        self.lines.append("END:VEVENT")

    def series(self, occurrences: int) -> None:
        """Add a weekly lecture expanding to exactly ``occurrences`` occurrences."""
        rng = self.rng
        first_day = date(2025, 9, 8) + timedelta(days=rng.randrange(0, 54))
        while first_day.weekday() >= 5:
            first_day += timedelta(days=1)
        start_time = time(rng.randrange(8, 18), rng.choice((0, 15, 30)))
        duration = timedelta(minutes=rng.choice((60, 90, 120, 180)))
        n_exdates = rng.choice((0, 0, 1, 2)) if occurrences >= 3 else 0
        total = occurrences + n_exdates
        local_starts = [datetime.combine(first_day + timedelta(weeks=i), start_time) for i in range(total)]
        excluded = rng.sample(range(1, total), n_exdates)
        uid = self.uid()
        summary = rng.choice(_COURSES)
        first = local_starts[0]
        props = [
            f"UID:{uid}",
            f"SUMMARY:{summary}",
            f"LOCATION:{rng.choice(_ROOMS)}",
            f"DTSTART;TZID=Europe/Paris:{_fmt(first)}",
            f"DTEND;TZID=Europe/Paris:{_fmt(first + duration)}",
        ]
        if rng.random() < 0.5:
            props.append(f"RRULE:FREQ=WEEKLY;COUNT={total}")
        else:
            until = local_starts[-1].replace(tzinfo=PARIS).astimezone(UTC)
            props.append(f"RRULE:FREQ=WEEKLY;UNTIL={_fmt(until)}Z")
        props.extend(f"EXDATE;TZID=Europe/Paris:{_fmt(local_starts[i])}" for i in sorted(excluded))
        description = (
            f"Enseignement du module {summary}. Présence obligatoire; supports de cours "
            "disponibles sur l'ENT une semaine avant la séance."
        )
        props.extend(_fold(f"DESCRIPTION:{description}"))
        if rng.random() < 0.3:
            props.append("CATEGORIES:Lecture,Teaching")
        self.event(props)
        candidates = [i for i in range(1, total) if i not in excluded]
        if candidates and rng.random() < 0.2:
            moved = local_starts[rng.choice(candidates)]
            new_start = moved + timedelta(days=1, hours=rng.choice((-1, 0, 1)))
            self.event(
                [
                    f"UID:{uid}",
                    f"RECURRENCE-ID;TZID=Europe/Paris:{_fmt(moved)}",
                    f"SUMMARY:{summary} (déplacé)",
                    f"LOCATION:{rng.choice(_ROOMS)}",
                    f"DTSTART;TZID=Europe/Paris:{_fmt(new_start)}",
                    f"DTEND;TZID=Europe/Paris:{_fmt(new_start + duration)}",
                    "SEQUENCE:1",
                ]
            )

    def single(self) -> None:
        """Add a one-off exam, on-call shift or all-day placement day."""
        rng = self.rng
        summary, category, hours = rng.choice(_SINGLES)
        day = date(2025, 11, 3) + timedelta(days=rng.randrange(0, 180))
        props = [f"UID:{self.uid()}", f"SUMMARY:{summary}", f"CATEGORIES:{category}"]
        if hours == 0:
            props += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            ]
        else:
            start = datetime.combine(day, time(18 if category == "ON-CALL" else 9))
            props += [
                f"DTSTART;TZID=Europe/Paris:{_fmt(start)}",
                f"DTEND;TZID=Europe/Paris:{_fmt(start + timedelta(hours=hours))}",
            ]
        self.event(props)


def make_recurring_feed(n_events: int, seed: int) -> bytes:
    """Build a timetable feed expanding to exactly ``n_events`` occurrences in the window."""
    if n_events < 0:
        raise ValueError("n_events must be >= 0")
    builder = _Builder(seed)
    builder.lines.extend(
        (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//NearPeer//Synthetic timetable//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Emploi du temps DFGSM3",
            *_VTIMEZONE,
        )
    )
    remaining = n_events
    while remaining > 0:
        if builder.rng.random() < 0.1:
            builder.single()
            remaining -= 1
        else:
            count = min(builder.rng.randrange(6, 29), remaining)
            builder.series(count)
            remaining -= count
    builder.lines.append("END:VCALENDAR")
    return ("\r\n".join(builder.lines) + "\r\n").encode()
