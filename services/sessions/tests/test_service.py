"""Smaller rules: capacity, completion timing, memberships, settings, feeds worker, the idempotency helper."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kit.errors import ValidationFailed
from kit.idempotency import purge_expired, request_hash, run_idempotent
from sessions.core.config import Settings
from sessions.feeds import refresh_due_feeds
from sessions.models import IdempotencyRecord, Notification, TimetableFeed
from tests.factories import People, create_session, future, new_id


def test_capacity_cannot_drop_below_booked_and_raising_it_promotes(client: TestClient, people: People) -> None:
    created = create_session(client, people, capacity=2)
    a, b, c = new_id(), new_id(), new_id()
    for learner in (a, b, c):
        client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(learner))
    lower = client.patch(f"/api/sessions/sessions/{created['id']}", json={"capacity": 1}, headers=people.tutor())
    assert lower.status_code == 409
    assert lower.json()["code"] == "capacity_below_booked"
    raised = client.patch(f"/api/sessions/sessions/{created['id']}", json={"capacity": 3}, headers=people.tutor())
    assert raised.status_code == 200
    assert (raised.json()["booked"], raised.json()["state"], raised.json()["waitlisted"]) == (3, "full", 0)
    assert raised.json()["sequence"] == created["sequence"]  # capacity is not a calendar change
    assert client.get("/api/sessions/bookings/me", headers=people.learner(c)).json()[0]["status"] == "booked"


def test_completion_needs_the_session_to_have_started(client: TestClient, people: People) -> None:
    created = create_session(client, people)
    response = client.post(f"/api/sessions/sessions/{created['id']}/complete", headers=people.tutor())
    assert response.status_code == 409
    assert response.json()["code"] == "session_not_started"
    stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
    assert stats["pending"] == 0


def test_reschedule_notifies_booked_learners(client: TestClient, people: People, db: Session) -> None:
    created = create_session(client, people, capacity=3)
    learner = new_id()
    client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(learner))
    start = future(days=11)
    moved = client.patch(
        f"/api/sessions/sessions/{created['id']}",
        json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()},
        headers=people.tutor(),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == created["sequence"] + 1
    notes = client.get("/api/sessions/notifications", headers=people.learner(learner)).json()
    assert [n["kind"] for n in notes] == ["session_changed"]
    assert db.exec(select(Notification)).all()[0].user_id == learner
    db.rollback()


def test_memberships_replace_only_named_groups(client: TestClient, people: People) -> None:
    a, b, c = new_id(), new_id(), new_id()
    client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y1": [a, b], "Y2": [c]}}, headers=people.timetable())
    result = client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y1": [c]}}, headers=people.timetable())
    assert result.json()["cohorts"] == {"Y1": [c], "Y2": [c]}
    reader = client.get("/api/sessions/timetable/memberships", headers=people.auth.client("t", scopes=["timetable:read"]))
    assert reader.status_code == 200
    learner = client.get("/api/sessions/timetable/memberships", headers=people.learner(a))
    assert learner.status_code == 403


def test_freebusy_for_oneself_and_window_limits(client: TestClient, people: People) -> None:
    me = new_id()
    start = datetime.now(UTC)
    ok = client.get("/api/sessions/freebusy", params={"user_ids": me, "start": start.isoformat(), "end": (start + timedelta(days=7)).isoformat()}, headers=people.learner(me))
    assert ok.status_code == 200
    assert ok.json() == [{"user_id": me, "busy": []}]
    reversed_window = client.get("/api/sessions/freebusy", params={"user_ids": me, "start": start.isoformat(), "end": (start - timedelta(days=1)).isoformat()}, headers=people.learner(me))
    assert reversed_window.status_code == 422
    assert reversed_window.json()["code"] == "invalid_window"


def test_production_requires_a_calendar_secret() -> None:
    with pytest.raises(ValueError, match="CALENDAR_TOKEN_SECRET"):
        Settings(environment="production", database_url="postgresql+psycopg://x/y", client_id="svc", client_secret="real-secret-value")


def test_worker_marks_unreachable_feed_and_get_feed_shows_it(client: TestClient, people: People, engine: Any) -> None:
    created = client.post("/api/sessions/feeds", json={"name": "Y1", "url": "http://127.0.0.1:9/y1.ics", "owner": {"type": "cohort", "id": "Y1"}}, headers=people.admin())
    assert created.json()["status"] == "pending"
    assert refresh_due_feeds(engine=engine, settings=Settings(feed_fetch_timeout_seconds=2)) == 1
    shown = client.get(f"/api/sessions/feeds/{created.json()['id']}", headers=people.admin()).json()
    assert shown["status"] == "error"
    assert shown["last_error"]["reason"].startswith("download failed")
    assert refresh_due_feeds(engine=engine, settings=Settings()) == 0  # fetched recently: not due
    bad_url = client.post("/api/sessions/feeds", json={"name": "x", "url": "ftp://x/y.ics", "owner": {"type": "cohort", "id": "Y1"}}, headers=people.admin())
    assert bad_url.status_code == 422
    with Session(engine) as db:
        assert len(db.exec(select(TimetableFeed)).all()) == 1


def test_idempotency_helper_replays_without_running_again(db: Session) -> None:
    runs: list[int] = []

    def action() -> tuple[int, Any]:
        runs.append(1)
        return 201, {"n": len(runs)}

    fingerprint = request_hash("t", {"a": 1})
    assert run_idempotent(db, caller="u", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 1})
    assert run_idempotent(db, caller="u", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 1})
    assert run_idempotent(db, caller="other", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 2})
    with pytest.raises(ValidationFailed) as caught:
        run_idempotent(db, caller="u", key="k", fingerprint=request_hash("t", {"a": 2}), action=action)
    assert caught.value.code == "idempotency_key_reused"
    assert len(runs) == 2
    assert len(db.exec(select(IdempotencyRecord)).all()) == 2
    db.rollback()


def test_webhook_url_must_be_http_and_booking_emits_change(client: TestClient, people: People) -> None:
    bad = client.post("/api/sessions/webhooks/endpoints", json={"url": "file:///etc/passwd"}, headers=people.admin())
    assert bad.status_code == 422
    unknown_event = client.post("/api/sessions/webhooks/endpoints", json={"url": "http://127.0.0.1:9/h", "events": ["session.exploded"]}, headers=people.admin())
    assert unknown_event.status_code == 422
    client.post("/api/sessions/webhooks/endpoints", json={"url": "http://127.0.0.1:9/h", "events": ["session.changed"]}, headers=people.admin())
    created = create_session(client, people, capacity=2)
    client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(new_id()))
    events = [d["event"] for d in client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()]
    assert events == ["session.changed"]  # created is not subscribed; the booking changed the seat count


def test_feed_create_is_idempotent_and_old_keys_are_purged(client: TestClient, people: People, engine: Any) -> None:
    body = {"name": "Y1", "url": "http://127.0.0.1:9/y1.ics", "owner": {"type": "cohort", "id": "Y1"}}
    headers = people.admin() | {"Idempotency-Key": "feed-1"}
    first = client.post("/api/sessions/feeds", json=body, headers=headers)
    again = client.post("/api/sessions/feeds", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert len(client.get("/api/sessions/feeds", headers=people.admin()).json()) == 1
    assert purge_expired(engine=engine, ttl_hours=1) == 0
    with Session(engine) as db:
        record = db.exec(select(IdempotencyRecord)).one()
        record.created_at = datetime.now(UTC) - timedelta(hours=2)
        db.add(record)
        db.commit()
    assert purge_expired(engine=engine, ttl_hours=1) == 1
