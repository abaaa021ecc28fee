"""Teaching sessions and bookings: the commands behind the session routes.

Command functions write but do not commit: the route commits through `run_idempotent` (or `session.commit()`),
so the effect, its idempotency record, outbox message, webhook deliveries and notifications land together.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kit.auth import Principal, ensure
from kit.db import utcnow
from kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from kit.notifications import notify
from kit.outbox import enqueue
from sessions import webhooks
from sessions.clients import ApprovalChecker
from sessions.models import (
    ApprovalSuspendedIn,
    ApprovalSuspendedResult,
    Booking,
    BookingIn,
    BookingPublic,
    BookingStatus,
    Clash,
    CompleteIn,
    Notification,
    SessionFormat,
    SessionState,
    SessionTutor,
    TeachingSession,
    TeachingSessionCreate,
    TeachingSessionPublic,
    TeachingSessionUpdate,
    TutorRef,
)
from sessions.timetable import find_clashes

LIVE = (SessionState.draft, SessionState.open, SessionState.full)
FEEDBACK_TOPIC = "feedback.session_completed"


def tutors_of(*, session: Session, session_id: int) -> list[SessionTutor]:
    """The tutors of a session, by name."""
    return list(session.exec(select(SessionTutor).where(SessionTutor.session_id == session_id).order_by(col(SessionTutor.display_name))).all())


def to_public(*, session: Session, item: TeachingSession) -> TeachingSessionPublic:
    """API shape with tutors and waitlist length."""
    assert item.id is not None
    waiting = session.exec(
        select(func.count()).select_from(Booking).where(Booking.session_id == item.id, Booking.status == BookingStatus.waitlisted)
    ).one()
    tutors = [TutorRef(user_id=t.user_id, display_name=t.display_name) for t in tutors_of(session=session, session_id=item.id)]
    data = item.model_dump(warnings=False)
    data.update(tutors=tutors, waitlisted=int(waiting))
    return TeachingSessionPublic.model_validate(data)


def get_session(*, session: Session, session_id: int, lock: bool = False) -> TeachingSession:
    """One session (row-locked on PostgreSQL when `lock`), or 404."""
    query = select(TeachingSession).where(TeachingSession.id == session_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    item = session.exec(query).first()
    if item is None:
        raise NotFound(f"Session {session_id} does not exist", code="session_not_found")
    return item


def _refuse_clashes(clashes: dict[str, list[Clash]], principal: Principal, override_reason: str | None) -> None:
    found = {uid: c for uid, c in clashes.items() if c}
    if not found:
        return
    if override_reason and principal.is_admin:
        return
    flat = [c.model_dump(mode="json") | {"user_id": uid} for uid, cs in found.items() for c in cs]
    raise Conflict(
        f"This overlaps {len(flat)} item(s) in the timetable or other sessions",
        code="timetable_clash",
        extra={"clashes": flat},
    )


def _check_override(principal: Principal, override_reason: str | None) -> None:
    if override_reason is not None:
        if not principal.is_admin:
            raise Forbidden("Only an administrator may override a clash", code="override_not_allowed", field="body.override_reason")
        if not override_reason.strip():
            raise ValidationFailed("Give a reason for the override", code="override_reason_required", field="body.override_reason")


def _ensure_can_manage(*, session: Session, principal: Principal, item: TeachingSession) -> None:
    if principal.is_admin:
        return
    assert item.id is not None
    if principal.kind == "user" and principal.sub in {t.user_id for t in tutors_of(session=session, session_id=item.id)}:
        return
    raise Forbidden("Only a tutor of this session or an administrator may do this", code="not_session_tutor")


def _notify(session: Session, *, user_id: str, kind: str, title: str, body: str, item: TeachingSession) -> None:
    notify(session, model=Notification, user_id=user_id, kind=kind, title=title, body=body, link=f"/sessions/{item.id}")


def _event(session: Session, *, event: str, item: TeachingSession) -> None:
    public = to_public(session=session, item=item)
    webhooks.enqueue_event(session=session, event=event, data=public.model_dump(mode="json"))


def delivery_format(item: TeachingSession) -> str:
    """The faculty-wide format name (as matching and feedback spell it): group_in_person, one_to_one_online, ..."""
    where = "in_person" if item.place else "online"
    return f"{item.format}_{where}"


def get_visible(*, session: Session, principal: Principal, session_id: int) -> TeachingSession:
    """A session the caller may see: drafts only for their tutors, admins and machine clients (else 404)."""
    item = get_session(session=session, session_id=session_id)
    if item.state == SessionState.draft and principal.kind == "user" and not principal.is_admin:
        assert item.id is not None
        if principal.sub not in {t.user_id for t in tutors_of(session=session, session_id=item.id)}:
            raise NotFound(f"Session {session_id} does not exist", code="session_not_found")
    return item


def create_session(
    *, session: Session, principal: Principal, data: TeachingSessionCreate, checker: ApprovalChecker
) -> TeachingSession:
    """Schedule a session after the approval and clash checks."""
    ensure(principal, roles=("tutor", "admin"))
    _check_override(principal, data.override_reason)
    tutors = data.tutors or [TutorRef(user_id=principal.sub, display_name=principal.name or principal.username or principal.sub)]
    if len({t.user_id for t in tutors}) != len(tutors):
        raise ValidationFailed("A tutor is listed twice", code="duplicate_tutor", field="body.tutors")
    if not principal.is_admin:
        if principal.sub not in {t.user_id for t in tutors}:
            raise Forbidden("A tutor can only schedule sessions they teach", code="not_session_tutor", field="body.tutors")
        for tutor in tutors:
            approved, reason = checker.is_approved(tutor_id=tutor.user_id, topic_id=data.topic_id)
            if not approved:
                raise Forbidden(
                    f"{tutor.display_name} is not approved to teach this topic" + (f": {reason}" if reason else ""),
                    code="tutor_not_approved",
                    field="body.topic_id",
                )
    if data.starts_at <= utcnow() and not principal.is_admin:  # admins may record a session that already took place
        raise ValidationFailed("A session must start in the future", code="session_in_past", field="body.starts_at")
    start, end = data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC)
    clashes = {t.user_id: find_clashes(session=session, user_id=t.user_id, start=start, end=end) for t in tutors}
    _refuse_clashes(clashes, principal, data.override_reason)
    item = TeachingSession.model_validate(
        data.model_dump(exclude={"tutors", "open", "starts_at", "ends_at"})
        | {
            "starts_at": start,
            "ends_at": end,
            "state": SessionState.open if data.open else SessionState.draft,
            "uid": f"{uuid.uuid4()}@nearpeer",
            "created_by": principal.sub,
        }
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    for tutor in tutors:
        session.add(SessionTutor(session_id=item.id, user_id=tutor.user_id, display_name=tutor.display_name))
    session.flush()
    _event(session, event="session.created", item=item)
    return item


def update_session(*, session: Session, principal: Principal, session_id: int, data: TeachingSessionUpdate) -> TeachingSession:
    """Change a live session; calendar-relevant changes bump SEQUENCE."""
    item = get_session(session=session, session_id=session_id, lock=True)
    _ensure_can_manage(session=session, principal=principal, item=item)
    _check_override(principal, data.override_reason)
    if item.state not in LIVE:
        raise Conflict(f"A {item.state} session cannot be changed", code="session_not_editable")
    changes = data.model_dump(exclude_unset=True, exclude={"override_reason"})
    start = (data.starts_at or item.starts_at).astimezone(UTC)
    end = (data.ends_at or item.ends_at).astimezone(UTC)
    if end <= start:
        raise ValidationFailed("ends_at must be after starts_at", code="invalid_window", field="body.ends_at")
    if data.capacity is not None:
        if item.format == SessionFormat.one_to_one and data.capacity != 1:
            raise ValidationFailed("a one-to-one session has capacity 1", code="invalid_capacity", field="body.capacity")
        if data.capacity < item.booked:
            raise Conflict(f"{item.booked} learners are booked; capacity cannot go below that", code="capacity_below_booked", field="body.capacity")
    moved = start != item.starts_at or end != item.ends_at
    if moved:
        if start <= utcnow():
            raise ValidationFailed("A session must start in the future", code="session_in_past", field="body.starts_at")
        tutors = tutors_of(session=session, session_id=session_id)
        clashes = {t.user_id: find_clashes(session=session, user_id=t.user_id, start=start, end=end, exclude_session_id=session_id) for t in tutors}
        _refuse_clashes(clashes, principal, data.override_reason)
    calendar_fields = {"topic_name", "place", "online_url", "plan"}
    relevant = moved or any(k in calendar_fields and changes[k] != getattr(item, k) for k in changes)
    for key, value in changes.items():
        if key not in ("starts_at", "ends_at"):
            setattr(item, key, value)
    item.starts_at, item.ends_at = start, end
    if data.override_reason:
        item.override_reason = data.override_reason
    if relevant:
        item.sequence += 1
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    _promote_waiting(session=session, item=item)
    _sync_full_state(item)
    session.add(item)
    session.flush()
    if moved:
        for booking in _bookings(session=session, session_id=session_id, statuses=(BookingStatus.booked, BookingStatus.waitlisted)):
            _notify(session, user_id=booking.learner_id, kind="session_changed", title=f"{item.topic_name} was rescheduled",
                    body=f"New time: {start.isoformat()} - {end.isoformat()}", item=item)
    _event(session, event="session.changed", item=item)
    return item


def open_session(*, session: Session, principal: Principal, session_id: int) -> TeachingSession:
    """Publish a draft so learners can book it."""
    item = get_session(session=session, session_id=session_id, lock=True)
    _ensure_can_manage(session=session, principal=principal, item=item)
    if item.state != SessionState.draft:
        raise Conflict(f"Only a draft can be opened (this one is {item.state})", code="session_not_draft")
    item.state = SessionState.open
    item.sequence += 1
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    _event(session, event="session.changed", item=item)
    return item


def cancel_session(*, session: Session, principal: Principal, session_id: int, reason: str | None) -> TeachingSession:
    """Cancel; booked and waiting learners are told; the calendar keeps it as CANCELLED."""
    item = get_session(session=session, session_id=session_id, lock=True)
    _ensure_can_manage(session=session, principal=principal, item=item)
    if item.state not in LIVE:
        raise Conflict(f"A {item.state} session cannot be cancelled", code="session_not_cancellable")
    item.state = SessionState.cancelled
    item.cancelled_reason = reason
    item.sequence += 1
    item.updated_at = utcnow()
    session.add(item)
    for booking in _bookings(session=session, session_id=session_id, statuses=(BookingStatus.booked, BookingStatus.waitlisted)):
        _notify(session, user_id=booking.learner_id, kind="session_cancelled", title=f"{item.topic_name} is cancelled",
                body=reason or "The tutor cancelled this session.", item=item)
    session.flush()
    _event(session, event="session.cancelled", item=item)
    return item


def apply_approval_suspension(*, session: Session, data: ApprovalSuspendedIn) -> ApprovalSuspendedResult:
    """Stop the tutor's future sessions on the topic: cancel those they teach alone, take them off co-taught ones.

    Replays change nothing: a cancelled session is no longer live, and a removed tutor is no longer listed.
    """
    now = utcnow()
    found = session.exec(
        select(TeachingSession.id)
        .join(SessionTutor, col(SessionTutor.session_id) == col(TeachingSession.id))
        .where(
            SessionTutor.user_id == data.tutor_id,
            TeachingSession.topic_id == data.topic_id,
            col(TeachingSession.state).in_(LIVE),
            col(TeachingSession.starts_at) > now,
        )
        .order_by(col(TeachingSession.id))  # one lock order for concurrent deliveries
    ).all()
    result = ApprovalSuspendedResult(cancelled_sessions=0, cancelled_bookings=0, tutor_removed_sessions=0, notified=0)
    why = f"The tutor's approval for this topic was suspended: {data.reason}"
    for session_id in found:
        assert session_id is not None
        item = get_session(session=session, session_id=session_id, lock=True)
        tutors = tutors_of(session=session, session_id=session_id)
        suspended = next((t for t in tutors if t.user_id == data.tutor_id), None)
        if suspended is None or item.state not in LIVE:  # changed since the look-up
            continue
        others = [t for t in tutors if t.user_id != data.tutor_id]
        attendees = _bookings(session=session, session_id=session_id, statuses=(BookingStatus.booked, BookingStatus.waitlisted))
        item.sequence += 1
        item.updated_at = utcnow()
        if others:
            session.delete(suspended)
            title = f"{item.topic_name}: {suspended.display_name} no longer teaches it"
            body = f"{why}. It goes ahead with {', '.join(t.display_name for t in others)}."
            kind, event = "session_tutor_removed", "session.changed"
            result.tutor_removed_sessions += 1
        else:
            item.state, item.cancelled_reason, item.booked = SessionState.cancelled, why[:2000], 0
            for booking in attendees:  # the seat counter and the rows stay equal: no seat is held any more
                booking.status, booking.waitlist_seq, booking.updated_at = BookingStatus.cancelled, None, utcnow()
                session.add(booking)
            title, body = f"{item.topic_name} is cancelled", f"{why}."
            kind, event = "session_cancelled", "session.cancelled"
            result.cancelled_sessions += 1
            result.cancelled_bookings += len(attendees)
        session.add(item)
        recipients = [b.learner_id for b in attendees] + [t.user_id for t in tutors] + [data.supervisor_id or ""]
        for user_id in dict.fromkeys(r for r in recipients if r):
            _notify(session, user_id=user_id, kind=kind, title=title[:300], body=body, item=item)
            result.notified += 1
        session.flush()
        _event(session, event=event, item=item)
    return result


def complete_session(*, session: Session, principal: Principal, session_id: int, data: CompleteIn) -> TeachingSession:
    """Close a session that has started, record attendance and tell feedback (through the outbox)."""
    item = get_session(session=session, session_id=session_id, lock=True)
    _ensure_can_manage(session=session, principal=principal, item=item)
    if item.state not in (SessionState.open, SessionState.full):
        raise Conflict(f"A {item.state} session cannot be completed", code="session_not_completable")
    if item.starts_at > utcnow():
        raise Conflict("A session can be completed once it has started", code="session_not_started")
    booked = {b.learner_id: b for b in _bookings(session=session, session_id=session_id, statuses=(BookingStatus.booked,))}
    for index, mark in enumerate(data.attendance):
        if mark.learner_id not in booked:
            raise ValidationFailed(f"{mark.learner_id} is not booked on this session", code="not_a_booked_learner", field=f"body.attendance.{index}.learner_id")
    for mark in data.attendance:
        booked[mark.learner_id].attended = mark.attended
        session.add(booked[mark.learner_id])
    item.state = SessionState.completed
    item.completed_at = utcnow()
    item.updated_at = utcnow()
    session.add(item)
    tutors = tutors_of(session=session, session_id=session_id)
    attendees = sorted(uid for uid, b in booked.items() if b.attended is not False)
    enqueue(
        session,
        topic=FEEDBACK_TOPIC,
        key=f"session-completed:{item.uid}",
        payload={
            "session_id": str(item.id),
            "topic_id": item.topic_id,
            "topic_name": item.topic_name,
            "tutor_ids": [t.user_id for t in tutors],
            "attendee_ids": attendees,
            # Names for supervisor views in feedback (the id lists above stay for older receivers).
            "tutors": [{"user_id": t.user_id, "display_name": t.display_name} for t in tutors],
            "attendees": [{"user_id": uid, "display_name": booked[uid].learner_name} for uid in attendees],
            "format": delivery_format(item),
            "starts_at": item.starts_at.isoformat(),
            "ends_at": item.ends_at.isoformat(),
            "cohort": item.cohort,
        },
    )
    session.flush()
    return item


# --- bookings -----------------------------------------------------------------------------------


def _bookings(*, session: Session, session_id: int, statuses: tuple[BookingStatus, ...]) -> list[Booking]:
    return list(
        session.exec(
            select(Booking).where(Booking.session_id == session_id, col(Booking.status).in_(statuses)).order_by(col(Booking.waitlist_seq), col(Booking.id))
        ).all()
    )


def booking_public(*, session: Session, booking: Booking) -> BookingPublic:
    """API shape with the live waitlist position."""
    position = None
    if booking.status == BookingStatus.waitlisted and booking.waitlist_seq is not None:
        position = int(
            session.exec(
                select(func.count()).select_from(Booking).where(
                    Booking.session_id == booking.session_id,
                    Booking.status == BookingStatus.waitlisted,
                    col(Booking.waitlist_seq) <= booking.waitlist_seq,
                )
            ).one()
        )
    return BookingPublic.model_validate(booking.model_dump(warnings=False) | {"waitlist_position": position})


def _sync_full_state(item: TeachingSession) -> None:
    if item.state in (SessionState.open, SessionState.full):
        item.state = SessionState.full if item.booked >= item.capacity else SessionState.open


def _take_seat(session: Session, session_id: int) -> bool:
    table: Any = TeachingSession.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(table.c.id == session_id, table.c.state == SessionState.open.value, table.c.booked < table.c.capacity)
        .values(
            booked=table.c.booked + 1,
            state=case((table.c.booked + 1 >= table.c.capacity, SessionState.full.value), else_=table.c.state),
            updated_at=utcnow(),
        )
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _take_waitlist_number(session: Session, session_id: int) -> int | None:
    table: Any = TeachingSession.__table__  # type: ignore[attr-defined]
    row = session.execute(
        update(table)
        .where(table.c.id == session_id, table.c.state == SessionState.full.value)
        .values(waitlist_seq=table.c.waitlist_seq + 1)
        .returning(table.c.waitlist_seq)
    ).first()
    return None if row is None else int(row[0])


def book(*, session: Session, principal: Principal, session_id: int, data: BookingIn) -> Booking:
    """Take a seat with an atomic conditional UPDATE (never overbooks), or join the waitlist when full."""
    _check_override(principal, data.override_reason)
    learner_id, learner_name = principal.sub, principal.name or principal.username or principal.sub
    if data.learner_id and data.learner_id != principal.sub:
        ensure(principal, roles=("admin",))
        learner_id, learner_name = data.learner_id, data.learner_name or data.learner_id
    item = get_session(session=session, session_id=session_id)
    if item.state not in (SessionState.open, SessionState.full):
        raise Conflict(f"This session is {item.state} and cannot be booked", code="session_not_bookable")
    if item.starts_at <= utcnow() and not principal.is_admin:  # admins may record late attendance
        raise Conflict("This session has already started", code="session_started")
    if learner_id in {t.user_id for t in tutors_of(session=session, session_id=session_id)}:
        raise Conflict("A tutor cannot book their own session", code="tutor_cannot_book")
    # A cancelled row is reused, so the unique constraint cannot stop concurrent rebooks: lock the row (PostgreSQL)
    # until commit, so a second rebook waits, then sees it booked and takes no seat. Lock order: booking, then session.
    existing = session.exec(
        select(Booking)
        .where(Booking.session_id == session_id, Booking.learner_id == learner_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if existing is not None and existing.status != BookingStatus.cancelled:
        raise Conflict("Already booked or waiting on this session", code="already_booked")
    clashes = find_clashes(session=session, user_id=learner_id, start=item.starts_at, end=item.ends_at, exclude_session_id=session_id)
    _refuse_clashes({learner_id: clashes}, principal, data.override_reason)
    status, seq = None, None
    for _ in range(3):  # the state can flip between open and full under concurrency; re-decide a few times
        if _take_seat(session, session_id):
            status = BookingStatus.booked
            break
        seq = _take_waitlist_number(session, session_id)
        if seq is not None:
            status = BookingStatus.waitlisted
            break
    if status is None:
        raise Conflict("This session cannot be booked now", code="session_not_bookable")
    booking = existing or Booking(session_id=session_id, learner_id=learner_id, learner_name=learner_name, status=status)
    booking.status, booking.waitlist_seq, booking.learner_name = status, seq, learner_name
    booking.override_reason = data.override_reason if clashes else None
    booking.attended = None
    booking.updated_at = utcnow()
    session.add(booking)
    try:
        session.flush()
    except IntegrityError as exc:  # the same learner booking twice at the same instant
        session.rollback()
        raise Conflict("Already booked or waiting on this session", code="already_booked") from exc
    if status == BookingStatus.booked:  # the timetable system follows seat counts through session.changed
        session.refresh(item)
        _event(session, event="session.changed", item=item)
    return booking


def get_booking(*, session: Session, booking_id: int) -> Booking:
    """One booking, or 404."""
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(f"Booking {booking_id} does not exist", code="booking_not_found")
    return booking


def _promote_waiting(*, session: Session, item: TeachingSession) -> None:
    if item.state not in (SessionState.open, SessionState.full):
        return
    assert item.id is not None
    for waiting in _bookings(session=session, session_id=item.id, statuses=(BookingStatus.waitlisted,)):
        if item.booked >= item.capacity:
            break
        waiting.status, waiting.waitlist_seq, waiting.updated_at = BookingStatus.booked, None, utcnow()
        item.booked += 1
        session.add(waiting)
        _notify(session, user_id=waiting.learner_id, kind="waitlist_promoted", title=f"You have a seat in {item.topic_name}",
                body=f"A seat freed up; you are now booked for {item.starts_at.isoformat()}.", item=item)


def cancel_booking(*, session: Session, principal: Principal, booking_id: int) -> Booking:
    """Give up a seat or a waitlist place; a freed seat goes to the first waiting learner."""
    booking = get_booking(session=session, booking_id=booking_id)
    if not (principal.kind == "user" and principal.sub == booking.learner_id):
        ensure(principal, roles=("admin",))
    item = get_session(session=session, session_id=booking.session_id, lock=True)
    # Every change of a seat holder happens under this session lock, so re-reading now sees the last committed status
    # (concurrent cancels: one wins). No booking lock here: book() locks booking then session, the reverse would deadlock.
    session.refresh(booking)
    if booking.status == BookingStatus.cancelled:
        raise Conflict("This booking is already cancelled", code="booking_not_active")
    if item.state not in (SessionState.open, SessionState.full):
        raise Conflict(f"This session is {item.state}", code="session_not_bookable")
    was_booked = booking.status == BookingStatus.booked
    booking.status, booking.waitlist_seq, booking.updated_at = BookingStatus.cancelled, None, utcnow()
    session.add(booking)
    session.flush()
    if was_booked:
        item.booked -= 1
        _promote_waiting(session=session, item=item)
        _sync_full_state(item)
        item.updated_at = utcnow()
        session.add(item)
        session.flush()
        _event(session, event="session.changed", item=item)
    session.flush()
    return booking


def list_sessions(
    *,
    session: Session,
    principal: Principal,
    state: SessionState | None,
    topic_id: int | None,
    tutor_id: str | None,
    start: datetime | None,
    end: datetime | None,
    updated_since: datetime | None,
    limit: int,
    offset: int,
) -> list[TeachingSession]:
    """Sessions visible to the caller (drafts only to their tutors, admins and machine clients)."""
    query = select(TeachingSession)
    if state is not None:
        query = query.where(TeachingSession.state == state)
    if topic_id is not None:
        query = query.where(TeachingSession.topic_id == topic_id)
    if tutor_id is not None:
        query = query.where(col(TeachingSession.id).in_(select(SessionTutor.session_id).where(SessionTutor.user_id == tutor_id)))
    if start is not None:
        query = query.where(col(TeachingSession.ends_at) > start)
    if end is not None:
        query = query.where(col(TeachingSession.starts_at) < end)
    if updated_since is not None:
        query = query.where(col(TeachingSession.updated_at) > updated_since)
    if principal.kind == "user" and not principal.is_admin:
        own = select(SessionTutor.session_id).where(SessionTutor.user_id == principal.sub)
        query = query.where(or_(col(TeachingSession.state) != SessionState.draft, col(TeachingSession.id).in_(own)))
    order = col(TeachingSession.updated_at) if updated_since is not None else col(TeachingSession.starts_at)
    return list(session.exec(query.order_by(order, col(TeachingSession.id)).offset(offset).limit(limit)).all())


def my_bookings(*, session: Session, user_id: str) -> list[Booking]:
    """The caller's bookings, newest first."""
    return list(session.exec(select(Booking).where(Booking.learner_id == user_id).order_by(col(Booking.created_at).desc())).all())


def session_bookings(*, session: Session, principal: Principal, session_id: int) -> list[Booking]:
    """Bookings of one session (its tutors and admins)."""
    item = get_session(session=session, session_id=session_id)
    _ensure_can_manage(session=session, principal=principal, item=item)
    return _bookings(session=session, session_id=session_id, statuses=(BookingStatus.booked, BookingStatus.waitlisted, BookingStatus.cancelled))
