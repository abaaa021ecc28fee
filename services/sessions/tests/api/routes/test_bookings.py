import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from sessions.models import Booking, TeachingSession
from tests.factories import People, create_session, learner_headers, new_id


def test_two_hundred_concurrent_bookings_never_overbook(live_server: str, client: TestClient, people: People, db: Session) -> None:
    created = create_session(client, people, capacity=20)
    learners = [new_id() for _ in range(200)]
    headers = learner_headers(people.auth, learners)
    barrier = threading.Barrier(50)

    def book(index: int) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            if index < 50:
                barrier.wait()
            return http.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=headers[index]).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(book, range(200)))
    assert time.monotonic() - started < 120
    assert codes.count(201) == 200, codes
    db.expire_all()
    stored = db.get(TeachingSession, created["id"])
    assert stored is not None
    assert stored.booked == 20
    assert stored.state == "full"
    statuses = [b.status for b in db.exec(select(Booking).where(Booking.session_id == created["id"])).all()]
    assert statuses.count("booked") == 20
    assert statuses.count("waitlisted") == 180
    db.rollback()  # end the read transaction (SQLite reads take the write lock under BEGIN IMMEDIATE)
    answers = [client.get("/api/sessions/bookings/me", headers=h) for h in headers]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200][:3]
    positions = sorted(a.json()[0]["waitlist_position"] or 0 for a in answers)
    assert positions == [0] * 20 + list(range(1, 181))


def test_idempotent_booking_retry_books_once(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=3)
    learner = people.learner(new_id()) | {"Idempotency-Key": "book-abc"}
    first = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=learner)
    retry = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=learner)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert client.get(f"/api/sessions/sessions/{created['id']}", headers=learner).json()["booked"] == 1
    reused = client.post(f"/api/sessions/sessions/{created['id']}/bookings", json={"override_reason": "x"}, headers=learner)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_ten_concurrent_bookings_with_one_key_all_get_the_first_answer(live_server: str, client: TestClient, people: People, db: Session) -> None:
    # A client retrying while its first attempt is still running: every retry waits for it and replays its answer.
    created = create_session(client, people, capacity=5)
    headers = people.learner(new_id()) | {"Idempotency-Key": "book-burst"}
    barrier = threading.Barrier(10)

    def book(_: int) -> tuple[int, object]:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            barrier.wait()
            response = http.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=headers)
            return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(book, range(10)))
    assert [code for code, _ in answers] == [201] * 10, answers
    assert all(body == answers[0][1] for _, body in answers)
    assert len(db.exec(select(Booking).where(Booking.session_id == created["id"])).all()) == 1
    stored = db.get(TeachingSession, created["id"])
    assert stored is not None
    assert stored.booked == 1
    db.rollback()


def test_double_booking_is_409(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=3)
    learner = people.learner(new_id())
    assert client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=learner).status_code == 201
    again = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=learner)
    assert again.status_code == 409
    assert again.json()["code"] == "already_booked"


def test_cancellation_promotes_first_waiting_and_notifies(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=1, format="group")
    a, b, c = new_id(), new_id(), new_id()
    first = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(a)).json()
    second = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(b)).json()
    third = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(c)).json()
    assert (first["status"], second["status"], third["status"]) == ("booked", "waitlisted", "waitlisted")
    assert (second["waitlist_position"], third["waitlist_position"]) == (1, 2)
    cancelled = client.post(f"/api/sessions/bookings/{first['id']}/cancel", headers=people.learner(a))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    mine = client.get("/api/sessions/bookings/me", headers=people.learner(b)).json()
    assert mine[0]["status"] == "booked"
    assert client.get("/api/sessions/bookings/me", headers=people.learner(c)).json()[0]["waitlist_position"] == 1
    notes = client.get("/api/sessions/notifications", headers=people.learner(b)).json()
    assert [n["kind"] for n in notes] == ["waitlist_promoted"]
    read = client.post(f"/api/sessions/notifications/{notes[0]['id']}/read", headers=people.learner(b))
    assert read.json()["read_at"] is not None
    foreign = client.post(f"/api/sessions/notifications/{notes[0]['id']}/read", headers=people.learner(c))
    assert foreign.status_code == 404
    session = client.get(f"/api/sessions/sessions/{created['id']}", headers=people.admin()).json()
    assert (session["booked"], session["state"], session["waitlisted"]) == (1, "full", 1)


def test_someone_else_cannot_cancel_my_booking(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=2)
    mine = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(new_id())).json()
    response = client.post(f"/api/sessions/bookings/{mine['id']}/cancel", headers=people.learner(new_id()))
    assert response.status_code == 403
    assert client.get(f"/api/sessions/sessions/{created['id']}", headers=people.admin()).json()["booked"] == 1


def test_tutor_cannot_book_own_session(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=2)
    response = client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.tutor())
    assert response.status_code == 409
    assert response.json()["code"] == "tutor_cannot_book"
