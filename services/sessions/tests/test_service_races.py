"""Seat accounting under real concurrency (issue 10.1): each thread has its own database session, as requests do.

The races only exist on PostgreSQL (SQLite serialises every writer); the same tests run on both backends.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from kit.auth import Principal
from kit.errors import AppError
from sessions import service
from sessions.models import ApprovalSuspendedIn, Booking, BookingIn, BookingStatus, TeachingSession
from tests.factories import People, create_session, learner_headers, new_id


def _learner(sub: str) -> Principal:
    return Principal(sub=sub, kind="user", roles=["learner"], name="Learner")


def _counts(engine: Engine, session_id: int) -> tuple[int, int, str]:
    """(seat counter, booked rows, state) as committed."""
    with Session(engine) as db:
        item = db.get(TeachingSession, session_id)
        assert item is not None
        rows = db.exec(
            select(func.count()).select_from(Booking).where(Booking.session_id == session_id, Booking.status == BookingStatus.booked)
        ).one()
        return item.booked, int(rows), item.state


def _concurrently(engine: Engine, count: int, command: Callable[[Session, int], Any]) -> list[str]:
    """Run `command` in `count` threads released together, each in its own session; 'ok' or the error code."""
    barrier = threading.Barrier(count)

    def run(index: int) -> str:
        with Session(engine, expire_on_commit=False) as db:
            barrier.wait()
            try:
                command(db, index)
                db.commit()
                return "ok"
            except AppError as exc:
                db.rollback()
                return exc.code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _book(engine: Engine, session_id: int, learner: str) -> Booking:
    with Session(engine, expire_on_commit=False) as db:
        booking = service.book(session=db, principal=_learner(learner), session_id=session_id, data=BookingIn())
        db.commit()
        return booking


def _cancel(engine: Engine, learner: str, booking_id: int) -> None:
    with Session(engine) as db:
        service.cancel_booking(session=db, principal=_learner(learner), booking_id=booking_id)
        db.commit()


def test_ten_concurrent_rebooks_by_one_learner_take_one_seat(client: TestClient, people: People, engine: Engine) -> None:
    created = create_session(client, people, capacity=20)
    others = [new_id() for _ in range(3)]
    for other in others:
        _book(engine, created["id"], other)
    learner = new_id()
    booking = _book(engine, created["id"], learner)
    assert booking.id is not None
    _cancel(engine, learner, booking.id)
    assert _counts(engine, created["id"])[:2] == (3, 3)

    outcomes = _concurrently(engine, 10, lambda db, _: service.book(session=db, principal=_learner(learner), session_id=created["id"], data=BookingIn()))

    assert sorted(outcomes) == ["already_booked"] * 9 + ["ok"], outcomes
    assert _counts(engine, created["id"]) == (4, 4, "open")


def test_cancel_and_rebook_bursts_never_fill_a_session_without_bookings(
    live_server: str, client: TestClient, people: People, engine: Engine
) -> None:
    created = create_session(client, people, capacity=20)
    learners = [new_id() for _ in range(4)]
    headers = learner_headers(people.auth, learners)
    url = f"/api/sessions/sessions/{created['id']}/bookings"
    booking_ids = [client.post(url, headers=h).json()["id"] for h in headers]

    def rebook(index: int) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            barrier.wait()
            return http.post(url, headers=headers[index % len(headers)]).status_code

    for _ in range(3):  # each learner cancels, then rebooks 5 times at once
        for booking_id, h in zip(booking_ids, headers, strict=True):
            assert client.post(f"/api/sessions/bookings/{booking_id}/cancel", headers=h).status_code == 200
        assert _counts(engine, created["id"])[:2] == (0, 0)
        barrier = threading.Barrier(20)
        with ThreadPoolExecutor(max_workers=20) as pool:
            codes = list(pool.map(rebook, range(20)))
        assert sorted(codes) == [201] * 4 + [409] * 16, codes
        assert _counts(engine, created["id"]) == (4, 4, "open")


def test_concurrent_cancels_of_one_booking_free_one_seat_and_promote_once(client: TestClient, people: People, engine: Engine) -> None:
    created = create_session(client, people, capacity=2)
    seated = [new_id(), new_id()]
    bookings = [_book(engine, created["id"], s) for s in seated]
    waiting = [new_id(), new_id()]
    for w in waiting:
        assert _book(engine, created["id"], w).status == BookingStatus.waitlisted
    target = bookings[0]
    assert target.id is not None

    outcomes = _concurrently(engine, 8, lambda db, _: service.cancel_booking(session=db, principal=_learner(seated[0]), booking_id=target.id))

    assert sorted(outcomes) == ["booking_not_active"] * 7 + ["ok"], outcomes
    assert _counts(engine, created["id"]) == (2, 2, "full")
    with Session(engine) as db:
        statuses = {b.learner_id: b.status for b in db.exec(select(Booking).where(Booking.session_id == created["id"])).all()}
    assert statuses == {seated[0]: "cancelled", seated[1]: "booked", waiting[0]: "booked", waiting[1]: "waitlisted"}


def test_rebooks_racing_cancels_of_others_keep_the_counter_exact(client: TestClient, people: People, engine: Engine) -> None:
    # Rebooks, cancellations and waitlist promotions interleaved on a small session: the counter follows the rows.
    created = create_session(client, people, capacity=3)
    learners = [new_id() for _ in range(6)]
    bookings = {sub: _book(engine, created["id"], sub) for sub in learners}  # 3 booked, 3 waiting
    for sub in learners[:2]:
        booking_id = bookings[sub].id
        assert booking_id is not None
        _cancel(engine, sub, booking_id)

    def step(db: Session, index: int) -> None:
        sub = learners[index % 6]
        if index % 6 < 2:  # the two who cancelled rebook
            service.book(session=db, principal=_learner(sub), session_id=created["id"], data=BookingIn())
        else:
            booking_id = bookings[sub].id
            assert booking_id is not None
            service.cancel_booking(session=db, principal=_learner(sub), booking_id=booking_id)

    outcomes = _concurrently(engine, 12, step)

    assert set(outcomes) <= {"ok", "already_booked", "booking_not_active"}, outcomes
    booked, rows, _ = _counts(engine, created["id"])
    assert booked == rows <= 3


def test_bookings_racing_a_suspension_leave_no_seat_taken(client: TestClient, people: People, engine: Engine) -> None:
    created = create_session(client, people, capacity=5)
    learners = [new_id() for _ in range(10)]
    event = ApprovalSuspendedIn(
        tutor_id=people.tutor_id, topic_id=created["topic_id"], reason="Confirmed error", suspended_at=datetime.now(UTC)
    )

    def step(db: Session, index: int) -> None:
        if index == 10:
            service.apply_approval_suspension(session=db, data=event)
        else:
            service.book(session=db, principal=_learner(learners[index]), session_id=created["id"], data=BookingIn())

    outcomes = _concurrently(engine, 11, step)

    assert set(outcomes) <= {"ok", "session_not_bookable"}, outcomes
    assert _counts(engine, created["id"]) == (0, 0, "cancelled")
    with Session(engine) as db:
        statuses = {b.status for b in db.exec(select(Booking).where(Booking.session_id == created["id"])).all()}
    assert statuses <= {"cancelled"}
