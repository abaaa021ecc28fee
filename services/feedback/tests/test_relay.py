import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from feedback.core.config import Settings
from feedback.relay import SUSPENSIONS_PATH, make_relay, matching_client
from kit.db import utcnow
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from tests.factories import completed_session, flag, learner, supervisor, tutor


class FakeMatching:
    """A tiny real HTTP server standing in for the gateway token endpoint and matching."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[dict[str, Any]] = []
        self.status = 201  # what matching answers to a suspension
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        received = self.received
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if self.path == "/api/auth/token":
                    self._send(200, {"access_token": "svc-feedback-token", "expires_in": 300})
                elif self.path == SUSPENSIONS_PATH:
                    received.append({"key": self.headers.get("Idempotency-Key"), "auth": self.headers.get("Authorization"),
                                     "body": json.loads(raw)})
                    self._send(fake.status, {"ok": fake.status < 300})
                else:
                    self._send(404, {})

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def fake_matching() -> Iterator[FakeMatching]:
    fake = FakeMatching(free_port())
    yield fake
    fake.stop()


def _message(db: Session) -> OutboxMessage:
    db.expire_all()
    message = db.exec(select(OutboxMessage)).one()
    db.expunge(message)  # detached: reading it later must not reopen a (locking) transaction
    db.rollback()
    return message


def test_suspension_reaches_matching_after_it_was_down(
    client: TestClient, auth: Auth, engine: Engine, db: Session, fake_matching: FakeMatching
) -> None:
    teacher, attendee = tutor(), learner()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[attendee], topic_id=11)
    created = flag(client, auth, attendee, spec.session_id)
    confirmed = client.post(f"/api/feedback/flags/{created['id']}/confirm",
                            json={"correction": "c", "suspend_tutor": True, "reason": "unsafe advice"},
                            headers=supervisor().headers(auth))
    assert confirmed.status_code == 201
    erratum_id = confirmed.json()["id"]
    base = f"http://127.0.0.1:{fake_matching.port}"
    settings = Settings(environment="test", matching_url=base, token_url=f"{base}/api/auth/token",
                        client_id="svc-feedback", client_secret="s", http_retries=2, http_timeout_seconds=2)
    service_client = matching_client(settings)
    relay = make_relay(engine, service_client)
    try:
        # Matching is down: nothing delivered, the message is kept with the attempt recorded.
        assert relay.drain() == 0
        message = _message(db)
        assert message.delivered_at is None
        assert message.attempts == 1
        assert message.last_error
        assert message.next_attempt_at > utcnow()

        fake_matching.start()
        # Backing off: not retried before its time.
        assert relay.drain() == 0
        assert fake_matching.received == []
        row = db.get(OutboxMessage, message.id)
        assert row is not None
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()

        assert relay.drain() == 1, _message(db).last_error
        assert relay.drain() == 0
        assert relay.pending() == 0
    finally:
        service_client.close()
    assert len(fake_matching.received) == 1
    delivered = fake_matching.received[0]
    assert delivered["key"] == f"feedback-suspension-{erratum_id}"
    assert delivered["auth"] == "Bearer svc-feedback-token"
    assert delivered["body"] == {"tutor_id": teacher.id, "topic_id": 11, "erratum_id": str(erratum_id), "reason": "unsafe advice"}
    assert _message(db).delivered_at is not None


def test_app_runs_the_outbox_relay_periodically() -> None:
    from feedback.main import create_app
    from feedback.relay import outbox_worker

    app = create_app(Settings(environment="test", database_url="sqlite://", outbox_interval_seconds=1.5), run_workers=False)
    worker = outbox_worker(app)
    assert worker.name == "feedback-outbox"
    assert worker.interval == 1.5
    app.state.engine.dispose()


def _confirm_with_suspension(client: TestClient, auth: Auth) -> None:
    teacher, attendee = tutor(), learner()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[attendee], topic_id=12)
    created = flag(client, auth, attendee, spec.session_id)
    confirmed = client.post(f"/api/feedback/flags/{created['id']}/confirm", json={"correction": "c", "suspend_tutor": True},
                            headers=supervisor().headers(auth))
    assert confirmed.status_code == 201


def _make_due(db: Session) -> None:
    for row in db.exec(select(OutboxMessage)).all():
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.add(row)
    db.commit()


def test_suspension_matching_keeps_refusing_is_parked_as_dead(
    client: TestClient, auth: Auth, engine: Engine, db: Session, fake_matching: FakeMatching
) -> None:
    _confirm_with_suspension(client, auth)
    base = f"http://127.0.0.1:{fake_matching.port}"
    service_client = matching_client(Settings(environment="test", matching_url=base, http_retries=1, http_timeout_seconds=2))
    relay = make_relay(engine, service_client, max_refusals=2)
    fake_matching.start()
    try:
        fake_matching.status = 503  # transient: retried, never parked
        for _ in range(3):
            assert relay.drain() == 0
            _make_due(db)
        assert _message(db).dead_at is None
        fake_matching.status = 422  # refused for good: parked after the second refusal
        for _ in range(3):
            assert relay.drain() == 0
            _make_due(db)
    finally:
        service_client.close()
    message = _message(db)
    assert message.dead_at is not None and message.delivered_at is None
    assert (message.attempts, message.refusals) == (5, 2)
    assert "matching answered 422" in (message.last_error or "")
    assert len(fake_matching.received) == 5
    assert relay.pending() == 0
