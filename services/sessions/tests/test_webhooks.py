"""Outgoing webhooks checked by an independent Standard Webhooks verifier."""

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, update

from sessions.core.config import Settings
from sessions.models import WebhookDelivery
from sessions.webhooks import WebhookRelay
from tests.factories import People, Receiver, create_session


def _verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """An independent Standard Webhooks check, as a receiver would write it."""
    timestamp = int(headers["webhook-timestamp"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, sig.split(",", 1)[1]) for sig in headers["webhook-signature"].split())


def test_webhooks_signed_retried_logged_replayed_and_410_disables(
    client: TestClient, people: People, receiver: Receiver, engine: Any
) -> None:
    endpoint = client.post("/api/sessions/webhooks/endpoints", json={"url": receiver.url + "/hook"}, headers=people.admin())
    assert endpoint.status_code == 201
    secret = endpoint.json()["secret"]
    assert secret.startswith("whsec_")
    assert "secret" not in client.get("/api/sessions/webhooks/endpoints", headers=people.admin()).json()[0]
    created = create_session(client, people)
    relay = WebhookRelay(engine, settings=Settings(fetch_allow_loopback=True))
    receiver.status = 503
    assert relay.drain() == 0
    log = client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()
    assert log[0]["attempts"] == 1
    assert log[0]["last_status_code"] == 503
    assert log[0]["status"] == "pending"
    assert datetime.fromisoformat(log[0]["next_attempt_at"]) > datetime.now(UTC)
    receiver.status = 200
    with Session(engine) as db:
        db.exec(update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC)))  # type: ignore[call-overload]
        db.commit()
    assert relay.drain() == 1
    request = receiver.requests[-1]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert _verify(secret, headers, request["body"])
    assert not _verify(secret, headers, request["body"] + b" ")
    assert not _verify(secret, headers | {"webhook-timestamp": str(int(time.time()) - 3600)}, request["body"])
    assert json.loads(request["body"])["type"] == "session.created"
    assert json.loads(request["body"])["data"]["id"] == created["id"]
    delivery = client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()[0]
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["log"]] == [503, 200]
    replayed = client.post(f"/api/sessions/webhooks/deliveries/{delivery['id']}/replay", headers=people.admin())
    assert replayed.json()["status"] == "pending"
    assert relay.drain() == 1
    assert receiver.requests[-1]["headers"]["webhook-id"] == headers["webhook-id"]
    # A receiver that answers 410 Gone disables the endpoint.
    receiver.status = 410
    client.post(f"/api/sessions/sessions/{created['id']}/cancel", headers=people.tutor())
    relay.drain()
    assert client.get("/api/sessions/webhooks/endpoints", headers=people.admin()).json()[0]["active"] is False
