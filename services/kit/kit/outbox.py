"""Transactional outbox: record a message with the change, deliver it later, retry until it lands or is refused for good.

A handler raises `DeliveryRefused` when the receiver answered that it will never take the message (see
`check_delivery`); after `max_refusals` such answers the message is parked as dead (`dead_at`), kept, and can be
replayed by an admin. Any other failure is transient and retried with exponential backoff, forever.
"""

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Column, Text, func
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from kit.db import utcnow
from kit.errors import Conflict, NotFound
from kit.http import is_refusal

logger = logging.getLogger("kit.outbox")
MAX_BACKOFF_SECONDS = 3600
LEASE_SECONDS = 120  # a relay that dies mid-delivery lets another retry after this
DEFAULT_MAX_REFUSALS = 5


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=100, index=True)
    key: str = Field(max_length=200, unique=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    refusals: int = 0  # failed attempts the receiver called permanent
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    delivered_at: datetime | None = Field(default=None, index=True)
    dead_at: datetime | None = Field(default=None, index=True)
    last_error: str | None = Field(default=None, max_length=500)


class DeliveryRefused(Exception):
    """The receiver refused the message for good (e.g. 400, 404, 422): counts toward parking it as dead."""


class DeliveryFailed(Exception):
    """The receiver could not take the message now (e.g. 5xx, 429): retried with backoff."""


def check_delivery(response: httpx.Response, *, receiver: str) -> None:
    """Raise unless the receiver accepted the message: DeliveryRefused for a permanent refusal, else DeliveryFailed."""
    if response.status_code < 300:
        return
    detail = f"{receiver} answered {response.status_code}: {response.text[:200]}"
    if is_refusal(response.status_code):
        raise DeliveryRefused(detail)
    raise DeliveryFailed(detail)


def enqueue(session: Session, *, topic: str, key: str, payload: dict[str, Any]) -> None:
    """Add a message in the caller's transaction; the key makes a repeated enqueue a no-op."""
    existing = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).first()
    if existing is None:
        session.add(OutboxMessage(topic=topic, key=key, payload=json.dumps(payload, default=str)))


def replay(*, session: Session, message_id: int) -> OutboxMessage:
    """Make a dead message due now (attempts kept); a pending one is left as is, a delivered one is a conflict."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(f"Outbox message {message_id} does not exist", code="outbox_message_not_found")
    if message.delivered_at is not None:
        raise Conflict(f"Outbox message {message_id} was already delivered", code="outbox_message_delivered")
    if message.dead_at is not None:
        message.dead_at = None
        message.next_attempt_at = utcnow()
        session.add(message)
        session.commit()
        session.refresh(message)
        logger.info("outbox message %s replayed", message.key)
    return message


Handler = Callable[[str, dict[str, Any]], None]


class OutboxRelay:
    """Delivers due messages through one handler per topic; failures back off, repeated refusals park a message."""

    def __init__(
        self, engine: Engine, handlers: Mapping[str, Handler], batch: int = 50, max_refusals: int = DEFAULT_MAX_REFUSALS
    ) -> None:
        self.engine = engine
        self.handlers = handlers
        self.batch = batch
        self.max_refusals = max(1, max_refusals)

    def drain(self) -> int:
        """Try every due message once; return how many were delivered."""
        delivered = 0
        for message_id, topic, key, payload in self._claim():
            handler = self.handlers.get(topic)
            error: str | None = None
            refused = False
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {topic}")
                handler(key, json.loads(payload))
            except DeliveryRefused as exc:
                error, refused = f"DeliveryRefused: {exc}"[:500], True
                logger.warning("outbox delivery of %s refused: %s", key, error)
            except Exception as exc:  # noqa: BLE001 - any other failure is retried later
                error = f"{type(exc).__name__}: {exc}"[:500]
                logger.warning("outbox delivery of %s failed: %s", key, error)
            else:
                delivered += 1
            self._settle(message_id, error, refused=refused)
        return delivered

    def _claim(self) -> list[tuple[int, str, str, str]]:
        """Lease due messages in a short transaction, so no lock is held while delivering."""
        with Session(self.engine) as session:
            due = session.exec(
                select(OutboxMessage)
                .where(
                    col(OutboxMessage.delivered_at).is_(None),
                    col(OutboxMessage.dead_at).is_(None),
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .order_by(col(OutboxMessage.id))
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            lease_until = utcnow() + timedelta(seconds=LEASE_SECONDS)
            claimed = []
            for message in due:
                message.next_attempt_at = lease_until
                session.add(message)
                claimed.append((int(message.id or 0), message.topic, message.key, message.payload))
            session.commit()
        return claimed

    def _settle(self, message_id: int, error: str | None, *, refused: bool = False) -> None:
        """Record the outcome of one delivery attempt."""
        with Session(self.engine) as session:
            message = session.get(OutboxMessage, message_id, with_for_update=True)
            if message is None:
                return
            if error is None:
                message.delivered_at = utcnow()
            else:
                message.attempts += 1
                delay = min(2**message.attempts, MAX_BACKOFF_SECONDS)
                message.next_attempt_at = utcnow() + timedelta(seconds=delay)
                message.last_error = error
                if refused:
                    message.refusals += 1
                    if message.refusals >= self.max_refusals:
                        message.dead_at = utcnow()
                        logger.error("outbox message %s parked as dead after %d refusals: %s", message.key, message.refusals, error)
            session.add(message)
            session.commit()

    def pending(self) -> int:
        """How many messages still wait for delivery (dead ones excluded)."""
        with Session(self.engine) as session:
            query = select(func.count()).select_from(OutboxMessage).where(
                col(OutboxMessage.delivered_at).is_(None), col(OutboxMessage.dead_at).is_(None)
            )
            return int(session.exec(query).one())
