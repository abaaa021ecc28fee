"""Per-VEVENT validation and repair before recurrence expansion (see DECISIONS.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from icalendar import Component
from icalendar.prop import vBroken, vDDDLists, vDDDTypes, vRecur, vText

from .models import FeedParseError
from .notes import WarningLog
from .rules import rule_never_matches, rule_problem
from .scan import EventSpan, Scan
from .timezones import guess_zone, to_utc, zone

_ESSENTIAL = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"})
_EMPTY_OK = frozenset({"RRULE", "RDATE", "EXDATE"})
_DATE_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
_SINGLE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")


def prop(component: Component, name: str) -> Any:
    """Property value by upper-case name, or None (Any: icalendar's union is too wide to narrow)."""
    # Components store keys upper-cased; a plain dict lookup skips their case folding.
    return dict.get(component, name)


@dataclass(slots=True)
class FeedContext:
    """State shared by all events of one feed."""

    scan: Scan
    log: WarningLog
    offsets: dict[tuple[str, str], timedelta] = field(default_factory=dict)
    synthetic_uids: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, str | None], int | None] = field(default_factory=dict)
    tz_fallbacks: dict[str, tzinfo] = field(default_factory=dict)


def instant_key(value: date, local: tzinfo) -> str:
    """Stable text for an occurrence start: ISO date, or UTC ISO date-time with Z."""
    if isinstance(value, datetime):
        return to_utc(value, local).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _set_values(event: Component, name: str, values: list[Any]) -> None:
    event.pop(name, None)
    if values:
        event[name] = values if len(values) > 1 else values[0]


def _as_datetime(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def _comparable(a: date, b: date) -> tuple[date, date]:
    """Make two DTSTART-like values comparable (naive read in the other's zone)."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        if a.tzinfo is None and b.tzinfo is not None:
            a = a.replace(tzinfo=b.tzinfo)
        elif b.tzinfo is None and a.tzinfo is not None:
            b = b.replace(tzinfo=a.tzinfo)
    return a, b


class EventPreparer:
    """Checks and repairs one VEVENT in place; raises FeedParseError to refuse the feed."""

    def __init__(self, ctx: FeedContext, local: tzinfo, local_name: str) -> None:
        self.ctx = ctx
        self.local = local
        self.local_name = local_name

    def line(self, span: EventSpan | None, prop: str, needle: str | None = None) -> int | None:
        """Source line of ``prop`` inside the event (its BEGIN line if not found)."""
        return self.ctx.scan.find(span, prop, needle) if span else None

    def prepare(self, event: Component, span: EventSpan | None) -> None:
        """Run every check on one VEVENT."""
        begin = span.begin_line if span else None
        self.check_errors(event, span)
        start_prop = prop(event, "DTSTART")
        if start_prop is None:
            raise FeedParseError("VEVENT has no DTSTART", begin)
        for name in _SINGLE:
            if isinstance(prop(event, name), list):
                raise FeedParseError(f"VEVENT has more than one {name}", self.line(span, name))
        if not isinstance(start_prop.dt, date):
            raise FeedParseError("DTSTART must be a DATE or DATE-TIME", self.line(span, "DTSTART"))
        self.fix_unknown_tzids(event, span)
        uid = self.ensure_uid(event, span)
        self.check_end(event, span)
        self.check_rules(event, span)
        self.check_status(event, span)
        self.note_recurrence_id(event, uid, span)

    def check_errors(self, event: Component, span: EventSpan | None) -> None:
        """Turn icalendar's recorded parse errors into refusals or warnings."""
        first_errors: dict[str | None, str] = {}
        for name, message in event.errors:
            first_errors.setdefault(name, message)
        for name, message in first_errors.items():
            if name is None:
                raise FeedParseError(f"unparseable content line: {message}", span.begin_line if span else None)
            broken = [v for v in _values(event.get(name)) if isinstance(v, vBroken)]
            raw = str(broken[0]) if broken else ""
            kept = [v for v in _values(event.get(name)) if not isinstance(v, vBroken)]
            if name in _EMPTY_OK and not raw.strip():
                line = self.ctx.scan.find(span, name, empty=True) if span else None
                self.ctx.log.add(f"empty {name} value ignored", line)
            elif name in _ESSENTIAL:
                where = self.line(span, name, raw or None)
                raise FeedParseError(f"invalid {name} value {raw!r}: {message}", where)
            else:
                self.ctx.log.add(f"invalid {name} value {raw!r} ignored", self.line(span, name, raw))
            _set_values(event, name, [v for v in kept if v is not None])

    def fix_unknown_tzids(self, event: Component, span: EventSpan | None) -> None:
        """Localise values whose TZID icalendar could not resolve (it leaves them naive)."""
        for name in _DATE_PROPS:
            value = prop(event, name)
            if value is None:
                continue
            for entry in value if isinstance(value, list) else (value,):
                items = entry.dts if isinstance(entry, vDDDLists) else (entry,)
                for item in items:
                    dt = item.dt
                    naive = isinstance(dt, datetime) and dt.tzinfo is None
                    if naive or isinstance(dt, tuple):
                        tzid = entry.params.get("TZID")
                        if tzid:
                            item.dt = self._localise(dt, str(tzid), span, name)

    def _localise(self, value: Any, tzid: str, span: EventSpan | None, name: str) -> Any:
        if isinstance(value, tuple):
            return tuple(self._localise(part, tzid, span, name) for part in value)
        if not isinstance(value, datetime) or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=self.fallback_zone(tzid, self.line(span, name)))

    def fallback_zone(self, tzid: str, line: int | None) -> tzinfo:
        """Zone used for an unresolvable TZID (warned once per TZID)."""
        known = self.ctx.tz_fallbacks.get(tzid)
        if known is not None:
            return known
        guessed = guess_zone(tzid)
        found: tzinfo | None = zone(guessed) if guessed else None
        if found is not None:
            self.ctx.log.add(f"TZID {tzid!r} is not defined in the feed; read as {guessed}", line)
        else:
            found = self.local
            self.ctx.log.add(
                f"TZID {tzid!r} is neither defined in the feed nor a known time zone; "
                f"read as the feed's time zone {self.local_name}",
                line,
            )
        self.ctx.tz_fallbacks[tzid] = found
        return found

    def ensure_uid(self, event: Component, span: EventSpan | None) -> str:
        """Return the UID, synthesising a stable one from DTSTART and SUMMARY if missing."""
        uid = str(event.get("UID", "")).strip()
        if uid:
            return uid
        # The raw DTSTART line keeps the UID stable however icalendar renders values.
        idx = self.ctx.scan.index(span, "DTSTART") if span else None
        basis = self.ctx.scan.lines[idx] if idx is not None else prop(event, "DTSTART").to_ical().decode()
        digest = hashlib.sha1(f"{basis}|{event.get('SUMMARY', '')}".encode()).hexdigest()[:24]
        uid = f"nearpeer-synth-{digest}"
        seen = self.ctx.synthetic_uids.get(uid, 0) + 1
        self.ctx.synthetic_uids[uid] = seen
        if seen > 1:
            uid = f"{uid}-{seen}"
        event["UID"] = vText(uid)
        self.ctx.log.count(
            "VEVENT without UID: synthesised a stable UID from DTSTART and SUMMARY",
            span.begin_line if span else None,
        )
        return uid

    def check_end(self, event: Component, span: EventSpan | None) -> None:
        """Refuse DTEND before DTSTART / negative DURATION; repair odd-but-clear ends."""
        start = prop(event, "DTSTART").dt
        end_prop, duration = prop(event, "DTEND"), prop(event, "DURATION")
        if end_prop is not None and duration is not None:
            self.ctx.log.add("VEVENT has both DTEND and DURATION; DTEND used", self.line(span, "DURATION"))
            del event["DURATION"]
        if end_prop is not None:
            end = end_prop.dt
            if isinstance(start, datetime) != isinstance(end, datetime):
                end = self._coerce_end(start, end)
                self.ctx.log.add(
                    f"DTSTART and DTEND mix DATE and DATE-TIME; DTEND read as {end.isoformat()}",
                    self.line(span, "DTEND"),
                )
                event["DTEND"] = vDDDTypes(end)
            first, last = _comparable(start, end)
            if last < first:
                raise FeedParseError(
                    f"DTEND {end.isoformat()} is before DTSTART {start.isoformat()}",
                    self.line(span, "DTEND"),
                )
            if last == first and not isinstance(start, datetime):
                self._one_day(event, span, "DTEND")
        elif duration is not None:
            if not isinstance(duration.dt, timedelta):
                raise FeedParseError("DURATION is not a duration", self.line(span, "DURATION"))
            if duration.dt < timedelta(0):
                raise FeedParseError(f"negative DURATION {duration.dt}", self.line(span, "DURATION"))
            if not duration.dt and not isinstance(start, datetime):
                self._one_day(event, span, "DURATION")

    def _one_day(self, event: Component, span: EventSpan | None, prop: str) -> None:
        del event[prop]
        self.ctx.log.count(
            "all-day VEVENT ending when it starts: treated as a one-day event",
            self.line(span, prop),
        )

    @staticmethod
    def _coerce_end(start: date, end: date) -> date:
        if isinstance(end, datetime):
            day = end.date()
            return day + timedelta(days=1) if end.time() != time() else day
        assert isinstance(start, datetime)
        return datetime.combine(end, time(), start.tzinfo)

    def check_rules(self, event: Component, span: EventSpan | None) -> None:
        """Validate RRULE parts; drop empty rules; warn about rules ending before DTSTART."""
        start = prop(event, "DTSTART").dt
        rules, original = [], _values(prop(event, "RRULE"))
        for rule in original:
            if not isinstance(rule, vRecur):
                continue
            if not rule:
                self.ctx.log.count("empty RRULE ignored", self.line(span, "RRULE"))
                continue
            problem = rule_problem(rule)
            if problem:
                raise FeedParseError(problem, self.line(span, "RRULE"))
            impossible = rule_never_matches(rule)
            if impossible:  # RFC 5545: DTSTART still counts as the first instance
                self.ctx.log.add(f"{impossible}: imported DTSTART only", self.line(span, "RRULE"))
                continue
            self._fix_until(rule, start, span)
            rules.append(rule)
        if len(rules) != len(original) and "RRULE" in event:
            _set_values(event, "RRULE", rules)

    def _fix_until(self, rule: vRecur, start: date, span: EventSpan | None) -> None:
        untils = rule.get("UNTIL")
        if not untils:
            return
        until = untils[0]
        if isinstance(until, datetime) and isinstance(start, datetime) and until.tzinfo is None and start.tzinfo:
            # Floating UNTIL with a zoned DTSTART: read it in DTSTART's zone.
            rule["UNTIL"] = [until.replace(tzinfo=start.tzinfo).astimezone(UTC)]
        until_day = until.date() if isinstance(until, datetime) else until
        start_day = start.date() if isinstance(start, datetime) else start
        if until_day < start_day:
            self.ctx.log.add(
                "RRULE UNTIL is before DTSTART: the series has no occurrences",
                self.line(span, "RRULE"),
            )

    def check_status(self, event: Component, span: EventSpan | None) -> None:
        """Normalise STATUS to CONFIRMED/TENTATIVE/CANCELLED."""
        status = prop(event, "STATUS")
        if status is None:
            return
        value = str(status).strip().upper()
        if value not in _STATUSES:
            self.ctx.log.add(f"unknown STATUS {value!r} read as CONFIRMED", self.line(span, "STATUS"))
            value = "CONFIRMED"
        if value != str(status):
            event["STATUS"] = vText(value)

    def note_recurrence_id(self, event: Component, uid: str, span: EventSpan | None) -> None:
        """Remember RANGE=THISANDFUTURE shifts and warn about duplicate definitions."""
        rid_prop = prop(event, "RECURRENCE-ID")
        rid_key = None
        if rid_prop is not None:
            rid = rid_prop.dt
            rid_key = instant_key(rid, self.local)
            if str(rid_prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
                start, original = _comparable(_as_datetime(prop(event, "DTSTART").dt), _as_datetime(rid))
                self.ctx.offsets[(uid, rid_key)] = start - original
                self.ctx.log.add(
                    "RECURRENCE-ID;RANGE=THISANDFUTURE: later occurrences shifted too (best effort)",
                    self.line(span, "RECURRENCE-ID"),
                )
        begin = span.begin_line if span else None
        key = (uid, rid_key)
        if key in self.ctx.seen:
            previous = self.ctx.seen[key]
            self.ctx.log.add(
                f"UID {uid!r} defines the same {'occurrence' if rid_key else 'event'} "
                f"again (first at line {previous}); the highest SEQUENCE wins",
                begin,
            )
        else:
            self.ctx.seen[key] = begin
