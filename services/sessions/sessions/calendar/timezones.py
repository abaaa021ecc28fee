"""Time-zone resolution: icalendar's own lookup plus fallbacks for what it cannot name."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON


def reset_definitions() -> None:
    """Forget VTIMEZONE definitions cached process-wide by icalendar by earlier feeds."""
    # icalendar caches custom VTIMEZONEs by TZID globally and the first definition
    # wins, so feed B could silently reuse feed A's "Customized Time Zone".
    tzp.use_zoneinfo()


def zone(name: str) -> ZoneInfo | None:
    """Return the IANA zone called ``name`` or None."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@cache
def _case_insensitive() -> dict[str, str]:
    names = {name.lower(): name for name in available_timezones()}
    names.update({win.lower(): iana for win, iana in WINDOWS_TO_OLSON.items()})
    return names


def guess_zone(tzid: str) -> str | None:
    """Best-effort IANA name for a TZID icalendar could not resolve, or None."""
    cleaned = tzid.strip().strip('"').strip("/").lower()
    names = _case_insensitive()
    # "europe/lisbon", Windows names in odd case, libical's "US-Eastern"/"America-Chicago".
    return names.get(cleaned) or names.get(cleaned.replace("-", "/", 1))


def resolve_name(name: str) -> ZoneInfo | None:
    """Resolve an IANA, Windows or legacy zone name to a ZoneInfo."""
    found = zone(name.strip())
    if found is not None:
        return found
    guessed = guess_zone(name)
    return zone(guessed) if guessed else None


def to_utc(value: datetime, local: tzinfo) -> datetime:
    """Aware UTC datetime; floating values are read as wall-clock time in ``local``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local)
    return value.astimezone(UTC)


def midnight_utc(day: date, local: tzinfo) -> datetime:
    """UTC instant of 00:00 on ``day`` in ``local``."""
    return datetime.combine(day, time(), local).astimezone(UTC)


def next_midnight_utc(day: date, local: tzinfo) -> datetime:
    """UTC instant of 00:00 on the day after ``day`` in ``local``."""
    return midnight_utc(day + timedelta(days=1), local)
