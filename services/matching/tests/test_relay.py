"""Suspensions reach sessions through matching's outbox, even after sessions was down; refusals park the message."""

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

from kit.db import utcnow
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from matching.core.config import Settings
from matching.models import Approval
from matching.relay import APPROVAL_SUSPENDED_PATH, make_relay, sessions_client
from tests import factories as f

TOKEN_PATH = "/api/auth/token"


class FakeSessions:
    """A tiny real HTTP server standing in for the gateway token endpoint and the sessions receiver."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.received: list[dict[str, Any]] = []
        self.status = 200  # what sessions answers to a suspension
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == TOKEN_PATH:
                    self._send(200, {"access_token": "svc-matching-token", "expires_in": 300})
                elif self.path == APPROVAL_SUSPENDED_PATH:
                    fake.received.append({"key": self.headers.get("Idempotency-Key"), "auth": self.headers.get("Authorization"), "body": json.loads(raw)})
                    self._send(fake.status, {"cancelled_sessions": 0, "notified": 0} if fake.status < 300 else {"code": "refused"})
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
def fake_sessions() -> Iterator[FakeSessions]:
    fake = FakeSessions(free_port())
    yield fake
    fake.stop()


def relay_settings(fake: FakeSessions, **extra: Any) -> Settings:
    return Settings(environment="test", sessions_url=fake.url, token_url=f"{fake.url}{TOKEN_PATH}", client_id="svc-matching",
                    client_secret="s", http_retries=1, http_timeout_seconds=2, **extra)


def suspend(client: TestClient, auth: Auth, db: Session, reason: str = "Wrong ECG axis taught") -> int:
    """A supervisor suspends t1's approval on a new topic (through the API); returns the topic id."""
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    approval_id = db.exec(select(Approval.id)).one()
    topic_id = f.done(db, topic.id)
    answer = client.post(f"/api/matching/approvals/{approval_id}/transition", json={"status": "suspended", "reason": reason},
                         headers=auth.user("sup", roles=["supervisor"]))
    assert answer.status_code == 200, answer.text
    return topic_id


def stored(db: Session) -> OutboxMessage:
    db.expire_all()
    message = db.exec(select(OutboxMessage)).one()
    db.expunge(message)  # detached: reading it later must not reopen a (locking) transaction
    db.rollback()
    return message


def make_due(db: Session) -> None:
    for row in db.exec(select(OutboxMessage)).all():
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.add(row)
    db.commit()


def test_suspension_reaches_sessions_after_it_was_down(client: TestClient, auth: Auth, engine: Engine, db: Session, fake_sessions: FakeSessions) -> None:
    topic_id = suspend(client, auth, db)
    service_client = sessions_client(relay_settings(fake_sessions))
    relay = make_relay(engine, service_client)
    try:
        # Sessions (and the gateway) are down: nothing delivered, the message is kept with the attempt recorded.
        assert relay.drain() == 0
        message = stored(db)
        assert (message.delivered_at, message.attempts) == (None, 1)
        assert message.last_error and message.next_attempt_at > utcnow()
        fake_sessions.start()
        assert relay.drain() == 0  # backing off: not retried before its time
        assert fake_sessions.received == []
        make_due(db)
        assert relay.drain() == 1, stored(db).last_error
        assert relay.drain() == 0
        assert relay.pending() == 0
    finally:
        service_client.close()
    (delivered,) = fake_sessions.received
    assert delivered["key"] == message.key and delivered["key"].startswith("matching-approval-suspended-")
    assert delivered["auth"] == "Bearer svc-matching-token"
    body = delivered["body"]
    assert body == {"tutor_id": "t1", "topic_id": topic_id, "reason": "Wrong ECG axis taught", "supervisor_id": "sup",
                    "suspended_at": body["suspended_at"]}
    assert body["suspended_at"].endswith("+00:00")
    assert stored(db).delivered_at is not None


def test_sessions_refusing_for_good_parks_the_message_and_an_admin_replays_it(
    client: TestClient, auth: Auth, engine: Engine, db: Session, fake_sessions: FakeSessions
) -> None:
    suspend(client, auth, db)
    fake_sessions.start()
    service_client = sessions_client(relay_settings(fake_sessions))
    relay = make_relay(engine, service_client, max_refusals=2)
    admin = auth.user("admin", roles=["admin"])
    try:
        fake_sessions.status = 503  # transient: retried, never parked
        for _ in range(3):
            assert relay.drain() == 0
            make_due(db)
        assert stored(db).dead_at is None
        fake_sessions.status = 422  # refused for good: parked after the second refusal
        for _ in range(3):
            assert relay.drain() == 0
            make_due(db)
        message = stored(db)
        assert message.dead_at is not None and message.delivered_at is None
        assert (message.attempts, message.refusals) == (5, 2)
        assert "sessions answered 422" in (message.last_error or "")
        stats = client.get("/api/matching/admin/outbox", headers=admin).json()
        assert (stats["pending"], stats["dead"], stats["delivered"]) == (0, 1, 0)
        assert client.get("/api/matching/admin/outbox", headers=auth.user("sup", roles=["supervisor"])).status_code == 403
        # Sessions fixed: an admin replays the parked message and it lands.
        fake_sessions.status = 200
        replayed = client.post(f"/api/matching/admin/outbox/messages/{message.id}/replay", headers=admin)
        assert replayed.status_code == 200, replayed.text
        assert relay.drain() == 1
    finally:
        service_client.close()
    assert len(fake_sessions.received) == 6
    assert len({r["key"] for r in fake_sessions.received}) == 1
    assert client.get("/api/matching/admin/outbox", headers=admin).json()["delivered"] == 1


def test_app_runs_the_outbox_relay_periodically() -> None:
    from matching.main import create_app
    from matching.relay import outbox_worker

    app = create_app(Settings(environment="test", database_url="sqlite://", outbox_interval_seconds=1.5), run_workers=False)
    worker = outbox_worker(app)
    assert (worker.name, worker.interval) == ("matching-outbox", 1.5)
    app.state.engine.dispose()
