"""Timetable items (pushed or imported), memberships, clash checks, free/busy and free slots."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Row, String, and_, bindparam, cast, delete, literal, null, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from kit.db import utcnow
from kit.errors import ValidationFailed
from sessions.models import (
    Agenda,
    AgendaEntry,
    Booking,
    BookingStatus,
    BusyInterval,
    Clash,
    DeleteResult,
    FreeBusy,
    FreeSlot,
    ItemResult,
    Membership,
    MembershipsIn,
    MembershipsPublic,
    Owner,
    PushResult,
    SessionState,
    SessionTutor,
    TeachingSession,
    TimetableItem,
    TimetableItemIn,
    TimetableItemPublic,
)

LONG_ITEM = timedelta(hours=24)
SLOT_STEP = timedelta(minutes=30)


def owners_of(*, session: Session, user_id: str) -> list[tuple[str, str]]:
    """The person plus every cohort and group they belong to."""
    rows = session.exec(select(Membership.group_type, Membership.group_id).where(Membership.user_id == user_id)).all()
    return [("person", user_id), *[(t, g) for t, g in rows]]


def _timetable_query() -> Any:
    items: Any = TimetableItem.__table__  # type: ignore[attr-defined]
    members: Any = Membership.__table__  # type: ignore[attr-defined]
    when = items.c.starts_at.type
    uid: Any = bindparam("uid")
    start, end, low = bindparam("start", type_=when), bindparam("end", type_=when), bindparam("low", type_=when)
    owners = union_all(
        sa_select(literal("person").label("t"), uid.label("i")),
        sa_select(members.c.group_type.label("t"), members.c.group_id.label("i")).where(members.c.user_id == uid),
    ).cte("owners")
    owned = and_(items.c.owner_type == owners.c.t, items.c.owner_id == owners.c.i)
    fields = (items.c.id, items.c.kind, items.c.title, items.c.location, items.c.starts_at, items.c.ends_at, items.c.source)
    # Short items can only overlap if they start less than LONG_ITEM before the window, which keeps each
    # index range on (owner, starts_at) small; long items are few and looked up on their own.
    short = sa_select(*fields).select_from(owners.join(items, owned)).where(items.c.starts_at >= low, items.c.starts_at < end, items.c.ends_at > start)
    long = sa_select(*fields).select_from(owners.join(items, owned)).where(items.c.is_long.is_(True), items.c.starts_at < end, items.c.ends_at > start)
    return union_all(short, long)


def _sessions_query(statuses: tuple[BookingStatus, ...]) -> Any:
    ts: Any = TeachingSession.__table__  # type: ignore[attr-defined]
    tutors: Any = SessionTutor.__table__  # type: ignore[attr-defined]
    bookings: Any = Booking.__table__  # type: ignore[attr-defined]
    when = ts.c.starts_at.type
    uid: Any = bindparam("uid")
    start, end = bindparam("start", type_=when), bindparam("end", type_=when)
    live = and_(ts.c.state != SessionState.cancelled.value, ts.c.starts_at < end, ts.c.ends_at > start)
    fields = (ts.c.id, ts.c.topic_name, ts.c.place, ts.c.online_url, ts.c.state, ts.c.starts_at, ts.c.ends_at)
    teaching = (
        sa_select(*fields, literal("tutor").label("role"), cast(null(), String(20)).label("booking_status"))
        .select_from(ts.join(tutors, tutors.c.session_id == ts.c.id))
        .where(tutors.c.user_id == uid, live)
    )
    attending = (
        sa_select(*fields, literal("learner").label("role"), bookings.c.status.label("booking_status"))
        .select_from(ts.join(bookings, bookings.c.session_id == ts.c.id))
        .where(bookings.c.learner_id == uid, bookings.c.status.in_([s.value for s in statuses]), live)
    )
    return union_all(teaching, attending)


TIMETABLE_OVERLAPS = _timetable_query()
SESSION_OVERLAPS = _sessions_query((BookingStatus.booked,))
# The agenda also shows waitlisted places (flagged) so learners see what they are queueing for.
AGENDA_SESSIONS = _sessions_query((BookingStatus.booked, BookingStatus.waitlisted))


def timetable_overlaps(*, session: Session, user_id: str, start: datetime, end: datetime) -> list[Row[Any]]:
    """Timetable items (id, kind, title, location, starts_at, ends_at, source) of the person, their cohorts and groups, overlapping [start, end)."""
    rows = session.execute(TIMETABLE_OVERLAPS, {"uid": user_id, "start": start, "end": end, "low": start - LONG_ITEM}).all()
    unique = {row.id: row for row in rows}
    return sorted(unique.values(), key=lambda r: (r.starts_at, r.id))


def session_overlaps(
    *, session: Session, user_id: str, start: datetime, end: datetime, exclude_session_id: int | None = None
) -> list[Row[Any]]:
    """Live sessions (id, topic_name, place, online_url, state, starts_at, ends_at, role, booking_status) the person tutors or is booked on, overlapping [start, end)."""
    rows = session.execute(SESSION_OVERLAPS, {"uid": user_id, "start": start, "end": end}).all()
    unique = {row.id: row for row in rows if row.id != exclude_session_id}
    return sorted(unique.values(), key=lambda r: (r.starts_at, r.id))


def find_clashes(
    *, session: Session, user_id: str, start: datetime, end: datetime, exclude_session_id: int | None = None
) -> list[Clash]:
    """Everything in the person's timetable or sessions that overlaps the window (two indexed queries)."""
    clashes = [
        Clash(kind=r.kind, title=r.title, starts_at=r.starts_at, ends_at=r.ends_at, source=f"timetable:{r.source}")
        for r in timetable_overlaps(session=session, user_id=user_id, start=start, end=end)
    ]
    clashes += [
        Clash(kind="session", title=r.topic_name, starts_at=r.starts_at, ends_at=r.ends_at, source=f"session:{r.id}:{r.role}")
        for r in session_overlaps(session=session, user_id=user_id, start=start, end=end, exclude_session_id=exclude_session_id)
    ]
    return clashes


def agenda(*, session: Session, user_id: str, start: datetime, end: datetime) -> Agenda:
    """The person's own timetable items and live sessions (booked, waitlisted or taught) overlapping [start, end), by start."""
    entries = [
        AgendaEntry(
            id=f"timetable:{r.id}", kind=r.kind, title=r.title, location=r.location, starts_at=r.starts_at, ends_at=r.ends_at, source="timetable"
        )
        for r in timetable_overlaps(session=session, user_id=user_id, start=start, end=end)
    ]
    rows = session.execute(AGENDA_SESSIONS, {"uid": user_id, "start": start, "end": end}).all()
    taught = {r.id: r for r in rows if r.role == "tutor"}
    unique = taught | {r.id: r for r in rows if r.id not in taught}
    entries += [
        AgendaEntry(
            id=f"session:{r.id}", kind="session", title=r.topic_name, location=r.place or ("online" if r.online_url else None),
            starts_at=r.starts_at, ends_at=r.ends_at, source="session", session_id=r.id, role=r.role, state=r.state,
            waitlisted=r.booking_status == BookingStatus.waitlisted.value,
        )
        for r in unique.values()
    ]
    entries.sort(key=lambda e: (e.starts_at, e.ends_at, e.id))
    return Agenda(start=start, end=end, entries=entries)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def busy_intervals(*, session: Session, user_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Merged busy time of one person within [start, end)."""
    raw = [(i.starts_at, i.ends_at) for i in timetable_overlaps(session=session, user_id=user_id, start=start, end=end)]
    raw += [(s.starts_at, s.ends_at) for s in session_overlaps(session=session, user_id=user_id, start=start, end=end)]
    return [(max(a, start), min(b, end)) for a, b in _merge(raw)]


def check_window(start: datetime, end: datetime, *, max_days: int) -> None:
    """Refuse reversed or oversized query windows."""
    if end <= start:
        raise ValidationFailed("end must be after start", code="invalid_window", field="query.end")
    if end - start > timedelta(days=max_days):
        raise ValidationFailed(f"the window is limited to {max_days} days", code="window_too_large", field="query.end")


def freebusy(*, session: Session, user_ids: list[str], start: datetime, end: datetime) -> list[FreeBusy]:
    """Busy intervals per person, without details."""
    return [
        FreeBusy(
            user_id=user_id,
            busy=[BusyInterval(starts_at=a, ends_at=b) for a, b in busy_intervals(session=session, user_id=user_id, start=start, end=end)],
        )
        for user_id in user_ids
    ]


def free_slots(
    *,
    session: Session,
    user_ids: list[str],
    start: datetime,
    end: datetime,
    duration: timedelta,
    zone: ZoneInfo,
    day_start: time,
    day_end: time,
    limit: int,
) -> list[FreeSlot]:
    """Common free slots on weekdays within working hours, best first (see docs/sessions.md for the ranking)."""
    busy = _merge([iv for uid in user_ids for iv in busy_intervals(session=session, user_id=uid, start=start, end=end)])
    first_day: date = start.astimezone(zone).date()
    last_day: date = end.astimezone(zone).date()
    n_days = max(1, (last_day - first_day).days + 1)
    slots: list[FreeSlot] = []
    day = first_day
    while day <= last_day:
        if day.weekday() < 5:
            open_at = max(datetime.combine(day, day_start, zone).astimezone(UTC), start)
            close_at = min(datetime.combine(day, day_end, zone).astimezone(UTC), end)
            midday = datetime.combine(day, time(13, 0), zone).astimezone(UTC)
            cursor = open_at
            windows: list[tuple[datetime, datetime]] = []
            for b_start, b_end in busy:
                if b_end <= cursor or b_start >= close_at:
                    continue
                if b_start > cursor:
                    windows.append((cursor, b_start))
                cursor = max(cursor, b_end)
            if cursor < close_at:
                windows.append((cursor, close_at))
            for w_start, w_end in windows:
                window_minutes = int((w_end - w_start).total_seconds() // 60)
                slot = _align(w_start, zone)
                while slot + duration <= w_end:
                    earliness = 1 - (day - first_day).days / n_days
                    distance = abs((slot + duration / 2 - midday).total_seconds()) / (6 * 3600)
                    score = 0.5 * earliness + 0.3 * max(0.0, 1 - distance) + 0.2 * min(1.0, window_minutes / 240)
                    slots.append(FreeSlot(starts_at=slot, ends_at=slot + duration, window_minutes=window_minutes, score=round(score, 4)))
                    slot += SLOT_STEP
        day += timedelta(days=1)
    slots.sort(key=lambda s: (-s.score, s.starts_at))
    return slots[:limit]


def _align(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    extra = (local.minute % 30) * 60 + local.second
    if extra == 0 and local.microsecond == 0:
        return moment
    return moment + timedelta(seconds=30 * 60 - extra) - timedelta(microseconds=local.microsecond)


# --- push API -----------------------------------------------------------------------------------


def item_public(item: TimetableItem) -> TimetableItemPublic:
    """API shape of a stored item."""
    return TimetableItemPublic(
        id=item.id or 0,
        source=item.source,
        feed_id=item.feed_id,
        external_id=item.external_id,
        kind=item.kind,
        title=item.title,
        location=item.location,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        owner=Owner(type=item.owner_type, id=item.owner_id),  # type: ignore[arg-type]
    )


def _error_list(exc: ValidationError, index: int) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(["body", "items", str(index), *[str(p) for p in err["loc"]]]), "code": err["type"], "message": err["msg"]}
        for err in exc.errors()
    ]


def _same(item: TimetableItem, data: TimetableItemIn) -> bool:
    return (
        item.kind == data.kind.value
        and item.title == data.title
        and item.location == data.location
        and item.starts_at == data.starts_at
        and item.ends_at == data.ends_at
        and item.owner_type == data.owner.type.value
        and item.owner_id == data.owner.id
    )


def _apply(item: TimetableItem, data: TimetableItemIn) -> None:
    item.kind, item.title, item.location = data.kind.value, data.title, data.location
    item.starts_at, item.ends_at = data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC)
    item.is_long = data.ends_at - data.starts_at > LONG_ITEM
    item.owner_type, item.owner_id = data.owner.type.value, data.owner.id
    item.updated_at = utcnow()


def push_items(*, session: Session, raw_items: list[Any], partial: bool) -> PushResult:
    """Upsert pushed items by external id; all-or-nothing unless partial."""
    results: list[ItemResult] = []
    valid: list[tuple[int, TimetableItemIn]] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        external_id = raw.get("external_id") if isinstance(raw, dict) else None
        try:
            data = TimetableItemIn.model_validate(raw)
        except ValidationError as exc:
            results.append(ItemResult(external_id=str(external_id) if external_id else None, status="error", errors=_error_list(exc, index)))
            continue
        if data.external_id in seen:
            results.append(ItemResult(external_id=data.external_id, status="error", errors=[{"field": f"body.items.{index}.external_id", "code": "duplicate_external_id", "message": "external_id appears twice in the batch"}]))
            continue
        seen.add(data.external_id)
        if data.external_id.startswith("feed:"):
            results.append(ItemResult(external_id=data.external_id, status="error", errors=[{"field": f"body.items.{index}.external_id", "code": "reserved_external_id", "message": "external ids starting with 'feed:' are reserved"}]))
            continue
        valid.append((len(results), data))
        results.append(ItemResult(external_id=data.external_id, status="pending"))
    has_errors = any(r.status == "error" for r in results)
    if has_errors and not partial:
        for result in results:
            if result.status == "pending":
                result.status = "not_applied"
        session.rollback()
        return PushResult(applied=False, items=results)
    ids = [d.external_id for _, d in valid]
    existing: dict[str, TimetableItem] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for item in session.exec(select(TimetableItem).where(col(TimetableItem.external_id).in_(part))).all():
            existing[item.external_id or ""] = item
    for position, data in valid:
        found = existing.get(data.external_id)
        if found is None:
            item = TimetableItem(source="push", external_id=data.external_id, kind="", title="", starts_at=data.starts_at, ends_at=data.ends_at, owner_type="", owner_id="")
            _apply(item, data)
            session.add(item)
            results[position].status = "created"
        elif _same(found, data):
            results[position].status = "unchanged"
        else:
            _apply(found, data)
            session.add(found)
            results[position].status = "updated"
    session.commit()
    return PushResult(applied=True, items=results)


def delete_items(*, session: Session, external_ids: list[str]) -> DeleteResult:
    """Remove pushed items by external id."""
    found = set(session.exec(select(TimetableItem.external_id).where(col(TimetableItem.external_id).in_(external_ids), TimetableItem.source == "push")).all())
    if found:
        session.execute(delete(TimetableItem).where(col(TimetableItem.external_id).in_(found), col(TimetableItem.source) == "push"))
    session.commit()
    return DeleteResult(deleted=len(found), missing=sorted(set(external_ids) - {f for f in found if f}))


def list_items(
    *, session: Session, owner_type: str | None, owner_id: str | None, start: datetime | None, end: datetime | None, limit: int, offset: int
) -> list[TimetableItem]:
    """Stored items, filtered, by start."""
    query = select(TimetableItem)
    if owner_type:
        query = query.where(TimetableItem.owner_type == owner_type)
    if owner_id:
        query = query.where(TimetableItem.owner_id == owner_id)
    if start:
        query = query.where(col(TimetableItem.ends_at) > start)
    if end:
        query = query.where(col(TimetableItem.starts_at) < end)
    return list(session.exec(query.order_by(col(TimetableItem.starts_at), col(TimetableItem.id)).offset(offset).limit(limit)).all())


def set_memberships(*, session: Session, data: MembershipsIn) -> MembershipsPublic:
    """Replace the member list of every cohort and group named in the request."""
    for group_type, groups in (("cohort", data.cohorts), ("group", data.groups)):
        for group_id, users in groups.items():
            if not group_id.strip() or len(group_id) > 64 or any(not u or len(u) > 64 for u in users):
                raise ValidationFailed("group ids and user ids are 1-64 characters", code="invalid_membership", field=f"body.{group_type}s.{group_id}")
    for group_type, groups in (("cohort", data.cohorts), ("group", data.groups)):
        for group_id, users in groups.items():
            session.execute(delete(Membership).where(col(Membership.group_type) == group_type, col(Membership.group_id) == group_id))
            for user_id in sorted(set(users)):
                session.add(Membership(group_type=group_type, group_id=group_id, user_id=user_id))
    session.commit()
    return get_memberships(session=session)


def get_memberships(*, session: Session) -> MembershipsPublic:
    """Every cohort and group with its members."""
    result = MembershipsPublic(cohorts={}, groups={})
    for row in session.exec(select(Membership).order_by(col(Membership.group_id), col(Membership.user_id))).all():
        target = result.cohorts if row.group_type == "cohort" else result.groups
        target.setdefault(row.group_id, []).append(row.user_id)
    return result
