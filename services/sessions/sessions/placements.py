"""Placements: rotation items of the timetable turned into per-person runs on a ward (for matching's placement buddies)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from kit.errors import ValidationFailed
from sessions.models import ItemKind, Membership, Placement, TimetableItem

# Two runs of rotation days on the same ward merge when the second starts at most this many days after the first
# ends: Friday -> Monday is 3, so a placement is not cut by weekends (a Tuesday after a long weekend is a new run).
MERGE_GAP_DAYS = 3
# Items this far outside the window are read too, so a placement under way at the window's edge keeps its real
# start and end (a run longer than this beyond the edge is cut there, which still lies outside the window).
LOOKAROUND_DAYS = 62
MAX_WINDOW_DAYS = 3 * 366


def check_window(*, start: date, end: date) -> None:
    """Refuse reversed or oversized date windows."""
    if end < start:
        raise ValidationFailed("end must not be before start", code="invalid_window", field="query.end")
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationFailed(f"the window is limited to {MAX_WINDOW_DAYS} days", code="window_too_large", field="query.end")


def _days(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """First and last local day an item covers (an item ending at midnight does not cover the next day)."""
    if starts_at.tzinfo is None:
        starts_at, ends_at = starts_at.replace(tzinfo=UTC), ends_at.replace(tzinfo=UTC)
    first = starts_at.astimezone(zone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return first, max(first, last)


def _merge(runs: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(runs):
        if merged and (first - merged[-1][1]).days <= MERGE_GAP_DAYS:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def list_placements(*, session: Session, start: date, end: date, zone: ZoneInfo) -> list[Placement]:
    """Per-person placements (owned directly or through a cohort/group) overlapping [start, end], by start."""
    check_window(start=start, end=end)
    low = datetime.combine(start - timedelta(days=LOOKAROUND_DAYS), time(), zone).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=LOOKAROUND_DAYS + 1), time(), zone).astimezone(UTC)
    items = session.exec(
        select(TimetableItem).where(TimetableItem.kind == ItemKind.rotation.value, col(TimetableItem.starts_at) < high, col(TimetableItem.ends_at) > low)
    ).all()
    groups = {(i.owner_type, i.owner_id) for i in items if i.owner_type != "person"}
    members: dict[tuple[str, str], list[str]] = {}
    for group_type, group_id in sorted(groups):
        users = session.exec(select(Membership.user_id).where(Membership.group_type == group_type, Membership.group_id == group_id)).all()
        members[(group_type, group_id)] = list(users)
    runs: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for i in items:
        ward = (i.location or "").strip() or i.title.strip()
        days = _days(i.starts_at, i.ends_at, zone)
        for user_id in [i.owner_id] if i.owner_type == "person" else members.get((i.owner_type, i.owner_id), []):
            runs.setdefault((user_id, ward), []).append(days)
    placements = [
        Placement(user_id=user_id, ward=ward, start=first, end=last)
        for (user_id, ward), spans in runs.items()
        for first, last in _merge(spans)
        if first <= end and last >= start
    ]
    placements.sort(key=lambda p: (p.start, p.user_id, p.ward, p.end))
    return placements
