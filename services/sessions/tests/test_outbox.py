"""Completed sessions reach feedback through the outbox, even after feedback was down."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, update

from kit.outbox import OutboxMessage
from sessions.main import outbox_relay
from sessions.models import TeachingSession
from tests.factories import People, Receiver, create_session, new_id


def test_completed_session_reaches_feedback_after_it_comes_back(client: TestClient, people: People, app: FastAPI, engine: Any) -> None:
    created = create_session(client, people, capacity=3)
    learner = new_id()
    client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(learner, "Zoé Martin"))
    with Session(engine) as db:  # the session took place yesterday
        db.exec(update(TeachingSession).values(starts_at=datetime.now(UTC) - timedelta(days=1), ends_at=datetime.now(UTC) - timedelta(days=1) + timedelta(hours=1)))  # type: ignore[call-overload]
        db.commit()
    early = client.post(f"/api/sessions/sessions/{created['id']}/complete", json={"attendance": [{"learner_id": new_id(), "attended": True}]}, headers=people.tutor())
    assert early.status_code == 422
    assert early.json()["code"] == "not_a_booked_learner"
    done = client.post(f"/api/sessions/sessions/{created['id']}/complete", json={"attendance": [{"learner_id": learner, "attended": True}]}, headers=people.tutor())
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    relay = outbox_relay(app)
    assert relay.drain() == 0  # feedback (port 9) is down
    stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
    assert (stats["pending"], stats["delivered"], stats["failing"]) == (1, 0, 1)
    server = Receiver()
    try:
        app.state.settings.feedback_url = server.url
        relay = outbox_relay(app)
        with Session(engine) as db:
            db.exec(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))  # type: ignore[call-overload]
            db.commit()
        assert relay.drain() == 1
        assert relay.drain() == 0
        assert len(server.requests) == 1
        sent = server.requests[0]
        assert sent["path"] == "/api/feedback/events/session-completed"
        assert sent["headers"]["Idempotency-Key"] == f"session-completed:{created['uid']}"
        payload = json.loads(sent["body"])
        assert payload["attendee_ids"] == [learner]
        assert payload["tutor_ids"] == [people.tutor_id]
        assert payload["attendees"] == [{"user_id": learner, "display_name": "Zoé Martin"}]
        assert payload["tutors"] == [{"user_id": people.tutor_id, "display_name": "Inès Moreau"}]
        assert payload["topic_name"] == "ECG interpretation"
        assert payload["format"] == "group_in_person"
    finally:
        app.state.settings.feedback_url = "http://127.0.0.1:9"
        server.close()
    stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
    assert (stats["pending"], stats["delivered"]) == (0, 1)


def _completed(client: TestClient, people: People, engine: Any) -> dict[str, Any]:
    created = create_session(client, people, capacity=3)
    with Session(engine) as db:
        db.exec(update(TeachingSession).values(starts_at=datetime.now(UTC) - timedelta(hours=2), ends_at=datetime.now(UTC) - timedelta(hours=1)))  # type: ignore[call-overload]
        db.commit()
    done = client.post(f"/api/sessions/sessions/{created['id']}/complete", json={"attendance": []}, headers=people.tutor())
    assert done.status_code == 200, done.text
    return created


def _make_due(engine: Any) -> None:
    with Session(engine) as db:
        db.exec(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))  # type: ignore[call-overload]
        db.commit()


def test_event_feedback_keeps_refusing_is_parked_and_can_be_replayed(client: TestClient, people: People, app: FastAPI, engine: Any, receiver: Receiver) -> None:
    _completed(client, people, engine)
    previous = app.state.settings.feedback_url, app.state.settings.outbox_max_refusals
    app.state.settings.feedback_url, app.state.settings.outbox_max_refusals = receiver.url, 2
    try:
        receiver.status, receiver.body = 422, b'{"code": "validation_error"}'
        relay = outbox_relay(app)
        assert relay.drain() == 0
        _make_due(engine)
        assert relay.drain() == 0
        _make_due(engine)
        assert relay.drain() == 0  # dead: not tried a third time
        assert len(receiver.requests) == 2
        stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
        assert (stats["pending"], stats["dead"]) == (0, 1)
        [dead] = client.get("/api/sessions/admin/outbox/messages", params={"state": "dead"}, headers=people.admin()).json()
        assert "feedback answered 422" in dead["last_error"]

        receiver.status = 201  # feedback fixed
        replayed = client.post(f"/api/sessions/admin/outbox/messages/{dead['id']}/replay", headers=people.admin())
        assert replayed.status_code == 200 and replayed.json()["state"] == "pending"
        assert relay.drain() == 1
        assert len(receiver.requests) == 3
    finally:
        app.state.settings.feedback_url, app.state.settings.outbox_max_refusals = previous


def test_feedback_server_errors_are_retried_not_parked(client: TestClient, people: People, app: FastAPI, engine: Any, receiver: Receiver) -> None:
    _completed(client, people, engine)
    previous = app.state.settings.feedback_url, app.state.settings.http_retries
    app.state.settings.feedback_url, app.state.settings.http_retries = receiver.url, 1
    try:
        receiver.status = 503
        relay = outbox_relay(app)
        for _ in range(4):
            assert relay.drain() == 0
            _make_due(engine)
        stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
        assert (stats["pending"], stats["dead"], stats["failing"]) == (1, 0, 1)
    finally:
        app.state.settings.feedback_url, app.state.settings.http_retries = previous
