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
