"""Idempotency-Key support for creating POSTs: the first result is stored with the effect and replayed."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from kit.db import utcnow
from kit.errors import ValidationFailed
from sessions.models import IdempotencyRecord

Outcome = tuple[int, Any]


def request_hash(route: str, payload: Any) -> str:
    """A stable fingerprint of what was asked (route + canonical JSON body)."""
    canonical = json.dumps({"route": route, "body": payload}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(session: Session, *, caller: str, key: str, fingerprint: str) -> Outcome | None:
    record = session.get(IdempotencyRecord, (caller, key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise ValidationFailed(
            "This Idempotency-Key was already used with a different request",
            code="idempotency_key_reused",
            field="header.idempotency-key",
        )
    return record.status_code, json.loads(record.body)


def run_idempotent(
    session: Session, *, caller: str, key: str | None, fingerprint: str, action: Callable[[], Outcome]
) -> Outcome:
    """Run `action` (which writes but does not commit) once per (caller, key); commit effect and record together."""
    if key is None:
        outcome = action()
        session.commit()
        return outcome
    if len(key) > 200 or not key.strip():
        raise ValidationFailed("Idempotency-Key must be 1-200 characters", code="invalid_idempotency_key", field="header.idempotency-key")
    previous = _stored(session, caller=caller, key=key, fingerprint=fingerprint)
    if previous is not None:
        session.rollback()
        return previous
    status_code, body = action()
    encoded = json.dumps(body, default=str)
    session.add(IdempotencyRecord(caller=caller, key=key, request_hash=fingerprint, status_code=status_code, body=encoded))
    try:
        session.commit()
    except IntegrityError:
        # A concurrent retry with the same key won the race: undo ours and answer with theirs.
        session.rollback()
        previous = _stored(session, caller=caller, key=key, fingerprint=fingerprint)
        if previous is None:
            raise
        return previous
    return status_code, json.loads(encoded)


def purge_expired(*, engine: Engine, ttl_hours: int) -> int:
    """Worker job: forget records older than the retry horizon."""
    with Session(engine) as session:
        result = session.execute(delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < utcnow() - timedelta(hours=ttl_hours)))
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)
