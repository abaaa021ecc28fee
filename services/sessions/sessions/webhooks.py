"""Outgoing webhooks, signed the Standard Webhooks way, with a delivery log and retries for more than a day."""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kit import netguard
from kit.db import utcnow
from kit.errors import Conflict, NotFound
from sessions.core.config import Settings
from sessions.models import (
    WebhookAttempt,
    WebhookAttemptPublic,
    WebhookDelivery,
    WebhookDeliveryPublic,
    WebhookEndpoint,
    WebhookEndpointCreate,
)

logger = logging.getLogger("sessions.webhooks")
# Delay before attempt n+1 after n failures; the sum is more than a day (then the delivery is marked failed).
RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000]
LEASE = timedelta(minutes=2)  # a claimed delivery is not picked again while it is being sent
# The one error recorded when a POST got no answer, whatever the cause (kit.netguard: no port scanning).
UNREACHABLE = f"delivery failed: {netguard.FetchFailed.MESSAGE}"


def webhook_policy(settings: Settings) -> netguard.FetchPolicy:
    """Where webhooks may be posted: the fetch allow-list, no redirects followed (a 3xx is a failed attempt)."""
    return settings.fetch_policy(timeout=settings.webhook_timeout_seconds, max_bytes=65536, follow_redirects=False)


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature header value for one message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def create_endpoint(*, session: Session, data: WebhookEndpointCreate, settings: Settings) -> WebhookEndpoint:
    """Register a receiver; its secret is shown once (the caller commits); 422 if its URL is not an allowed target."""
    netguard.ensure_allowed_url(data.url, policy=webhook_policy(settings))
    endpoint = WebhookEndpoint(url=data.url, events=data.events, description=data.description, secret=new_secret())
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(*, session: Session) -> list[WebhookEndpoint]:
    """Every receiver."""
    return list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))).all())


def set_endpoint_active(*, session: Session, endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Enable or disable a receiver."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} does not exist", code="webhook_endpoint_not_found")
    endpoint.active = active
    endpoint.disabled_reason = None if active else "disabled by an administrator"
    session.add(endpoint)
    session.commit()
    session.refresh(endpoint)
    return endpoint


def enqueue_event(*, session: Session, event: str, data: dict[str, Any]) -> None:
    """Queue one delivery per subscribed active endpoint, in the caller's transaction."""
    endpoints = session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.active).is_(True))).all()
    message_id = f"msg_{uuid.uuid4().hex}"
    body = json.dumps({"type": event, "timestamp": utcnow().isoformat(), "data": data}, separators=(",", ":"))
    for endpoint in endpoints:
        if event in endpoint.events:
            assert endpoint.id is not None
            session.add(WebhookDelivery(endpoint_id=endpoint.id, message_id=message_id, event=event, payload=body))


def delivery_public(*, session: Session, delivery: WebhookDelivery) -> WebhookDeliveryPublic:
    """API shape with the attempt log."""
    attempts = session.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id).order_by(col(WebhookAttempt.id))).all()
    return WebhookDeliveryPublic.model_validate(
        delivery.model_dump() | {"log": [WebhookAttemptPublic.model_validate(a.model_dump()) for a in attempts]}
    )


def list_deliveries(*, session: Session, endpoint_id: int | None, status: str | None, limit: int) -> list[WebhookDelivery]:
    """Newest deliveries first."""
    query = select(WebhookDelivery)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return list(session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(limit)).all())


def replay(*, session: Session, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again now (same webhook-id, so receivers can dedupe)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"Delivery {delivery_id} does not exist", code="webhook_delivery_not_found")
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.active:
        raise Conflict("The endpoint is disabled; enable it before replaying", code="webhook_endpoint_disabled")
    delivery.status, delivery.next_attempt_at = "pending", utcnow()
    session.add(delivery)
    session.commit()
    session.refresh(delivery)
    return delivery


class WebhookRelay:
    """Sends due deliveries; one HTTP attempt each per pass, logged; the URL is checked again at every attempt."""

    def __init__(self, engine: Engine, *, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.engine = engine
        self.policy = webhook_policy(settings)
        self.transport = transport

    def drain(self, batch: int = 50) -> int:
        """Attempt every due delivery once; return how many landed.

        Deliveries are claimed with a short lease in one quick transaction and sent outside any transaction,
        so a slow receiver never holds a database lock (on SQLite that would block every booking).
        """
        claimed: list[tuple[int, str, str, str, str]] = []
        with Session(self.engine, expire_on_commit=False) as session:
            due = session.exec(
                select(WebhookDelivery)
                .where(WebhookDelivery.status == "pending", col(WebhookDelivery.next_attempt_at) <= utcnow())
                .order_by(col(WebhookDelivery.id))
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            for delivery in due:
                endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
                if endpoint is None or not endpoint.active:
                    delivery.status, delivery.next_attempt_at = "disabled", None
                else:
                    delivery.next_attempt_at = utcnow() + LEASE
                    claimed.append((delivery.id or 0, endpoint.url, endpoint.secret, delivery.message_id, delivery.payload))
                session.add(delivery)
            session.commit()
        delivered = 0
        for delivery_id, url, secret, message_id, payload in claimed:
            code, error = self._send(url, secret, message_id, payload)
            delivered += self._record(delivery_id, code, error)
        return delivered

    def _send(self, url: str, secret: str, message_id: str, payload: str) -> tuple[int | None, str | None]:
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, payload),
        }
        try:
            response = netguard.fetch(
                "POST", url, policy=self.policy, headers=headers, content=payload.encode(), read_body=False,
                transport=self.transport,
            )
        except (netguard.FetchFailed, netguard.ResponseTooLarge):
            return None, UNREACHABLE
        if not 200 <= response.status_code < 300:
            return response.status_code, f"receiver answered {response.status_code}"
        return response.status_code, None

    def _record(self, delivery_id: int, code: int | None, error: str | None) -> int:
        with Session(self.engine, expire_on_commit=False) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return 0
            delivery.attempts += 1
            delivery.last_status_code, delivery.last_error = code, error
            session.add(WebhookAttempt(delivery_id=delivery_id, status_code=code, error=error))
            if error is None:
                delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", utcnow(), None
            elif code == 410:
                endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
                if endpoint is not None:
                    endpoint.active, endpoint.disabled_reason = False, "receiver answered 410 Gone"
                    session.add(endpoint)
                delivery.status, delivery.next_attempt_at = "disabled", None
            elif delivery.attempts > len(RETRY_SCHEDULE):
                delivery.status, delivery.next_attempt_at = "failed", None
            else:
                delivery.next_attempt_at = utcnow() + timedelta(seconds=RETRY_SCHEDULE[delivery.attempts - 1])
            session.add(delivery)
            session.commit()
            return 1 if error is None else 0
