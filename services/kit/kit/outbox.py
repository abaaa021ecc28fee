"""Transactional outbox: record a message with the change, deliver it later, retry until it lands."""

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from kit.db import utcnow

logger = logging.getLogger("kit.outbox")
MAX_BACKOFF_SECONDS = 3600
LEASE_SECONDS = 120  # a relay that dies mid-delivery lets another retry after this


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=100, index=True)
    key: str = Field(max_length=200, unique=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    delivered_at: datetime | None = Field(default=None, index=True)
    last_error: str | None = Field(default=None, max_length=500)


def enqueue(session: Session, *, topic: str, key: str, payload: dict[str, Any]) -> None:
    """Add a message in the caller's transaction; the key makes a repeated enqueue a no-op."""
    existing = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).first()
    if existing is None:
        session.add(OutboxMessage(topic=topic, key=key, payload=json.dumps(payload, default=str)))


Handler = Callable[[str, dict[str, Any]], None]


class OutboxRelay:
    """Delivers due messages through one handler per topic; a failure backs off exponentially."""

    def __init__(self, engine: Engine, handlers: dict[str, Handler], batch: int = 50) -> None:
        self.engine = engine
        self.handlers = handlers
        self.batch = batch

    def drain(self) -> int:
        """Try every due message once; return how many were delivered."""
        delivered = 0
        for message_id, topic, key, payload in self._claim():
            handler = self.handlers.get(topic)
            error: str | None = None
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {topic}")
                handler(key, json.loads(payload))
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                error = f"{type(exc).__name__}: {exc}"[:500]
                logger.warning("outbox delivery of %s failed: %s", key, error)
            else:
                delivered += 1
            self._settle(message_id, error)
        return delivered

    def _claim(self) -> list[tuple[int, str, str, str]]:
        """Lease due messages in a short transaction, so no lock is held while delivering."""
        with Session(self.engine) as session:
            due = session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.delivered_at).is_(None), OutboxMessage.next_attempt_at <= utcnow())
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

    def _settle(self, message_id: int, error: str | None) -> None:
        """Record the outcome of one delivery attempt."""
        with Session(self.engine) as session:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                return
            if error is None:
                message.delivered_at = utcnow()
            else:
                message.attempts += 1
                delay = min(2**message.attempts, MAX_BACKOFF_SECONDS)
                message.next_attempt_at = utcnow() + timedelta(seconds=delay)
                message.last_error = error
            session.add(message)
            session.commit()

    def pending(self) -> int:
        """How many messages still wait for delivery."""
        with Session(self.engine) as session:
            return len(session.exec(select(OutboxMessage.id).where(col(OutboxMessage.delivered_at).is_(None))).all())
