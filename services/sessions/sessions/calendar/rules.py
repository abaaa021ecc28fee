"""Safety checks on parsed RRULEs before dateutil expands them."""

from __future__ import annotations

from icalendar.prop import vRecur

_RULE_PARTS = frozenset(
    {
        "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
        "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "RSCALE", "SKIP",
    }
)  # fmt: skip
# (minimum, maximum, may be negative) per numeric rule part; dateutil loops forever on
# INTERVAL=0 and grinds through millennia on impossible BY* values.
_RULE_RANGES = {
    "INTERVAL": (1, 10_000, False),
    "COUNT": (1, 100_000, False),
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
_SUB_HOURLY = frozenset({"SECONDLY", "MINUTELY"})


def rule_problem(rule: vRecur) -> str | None:
    """Why a parsed RRULE cannot be expanded safely, or None."""
    unknown = sorted(part for part in rule if part not in _RULE_PARTS)
    if unknown:
        return f"RRULE has unknown part(s) {', '.join(unknown)}"
    if "FREQ" not in rule:
        return "RRULE has no FREQ"
    if str(rule["FREQ"][0]).upper() in _SUB_HOURLY:
        return f"RRULE FREQ={rule['FREQ'][0]} is finer than hourly, not a timetable"
    for part, values in rule.items():
        limits = _RULE_RANGES.get(part)
        if limits is None:
            continue
        low, high, signed = limits
        for value in values:
            number = abs(value) if signed and isinstance(value, int) else value
            if not isinstance(number, int) or not low <= number <= high:
                return f"RRULE {part}={value} is out of range"
    return None


_LONGEST_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def rule_never_matches(rule: vRecur) -> str | None:
    """Why a (safe) RRULE can produce no date at all, or None; dateutil would search to year 9999 for one.

    Only the month/day-of-month contradiction is detected here (e.g. BYMONTH=2;BYMONTHDAY=30); the import's time
    budget bounds every other rule that matches rarely or never.
    """
    months, days = rule.get("BYMONTH"), rule.get("BYMONTHDAY")
    if not months or not days:
        return None
    if any(abs(day) <= _LONGEST_MONTH[month] for month in months for day in days):
        return None
    listed = ",".join(str(d) for d in days)
    return f"RRULE can never match (BYMONTHDAY={listed} does not exist in BYMONTH={','.join(str(m) for m in months)})"
