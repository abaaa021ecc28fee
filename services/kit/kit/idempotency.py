"""Idempotency-Key: the first answer to a (caller, key) is stored with its effect and replayed to every retry.

How a request with a key runs (`run_idempotent`):
1. Claim: insert a `pending` row in its own short transaction; the primary key (caller, key) decides the winner.
2. The winner runs the action and, in the same transaction as the action's writes, turns the row `done` with the
   answer (status code + JSON body); effect and answer commit together.
3. A request that finds the row `done` replays the stored answer; one that finds it `pending` waits (polling, at
   most `WAIT_SECONDS`) and then replays it. Still pending after that: 409 `idempotency_key_in_progress`.
4. A failed attempt (an exception, including every 4xx/5xx AppError) does not poison the key: its writes are rolled
   back and the pending row deleted, so a waiting or later retry runs the action afresh. Only answers the action
   returns are stored. A pending row older than `LEASE_SECONDS` (its process died) may be taken over.
5. The same key with a different request (another route or body): 422 `idempotency_key_reused`.
Records are kept `ttl_hours` (the retry horizon) and purged by a worker job (`purge_expired`).
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.encoders import jsonable_encoder
from sqlalchemy import Column, Text, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from kit.db import utcnow
from kit.errors import BadRequest, Conflict, ValidationFailed

logger = logging.getLogger("kit.idempotency")

PENDING = "pending"
DONE = "done"
HEADER = "Idempotency-Key"
FIELD = "header.idempotency-key"
MAX_KEY_LENGTH = 200
WAIT_SECONDS = 30.0  # how long a concurrent retry waits for the first attempt before answering 409
LEASE_SECONDS = 300.0  # a pending claim older than this is abandoned (its process died) and may be taken over
POLL_SECONDS = (0.02, 0.25)  # first and longest pause between looks at a pending claim
MAX_RECLAIMS = 5  # an insert refused this often with no row to be seen is a real error, not a released key

Outcome = tuple[int, Any]


class IdempotencyRow(SQLModel):
    """Columns of every service's `idempotency_record` table (not a table itself: see `idempotency_model`)."""

    caller: str = Field(primary_key=True, max_length=100)  # a user id or a client id (gateway: up to 100)
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    request_hash: str = Field(max_length=64)
    status: str = Field(default=PENDING, max_length=16)
    status_code: int | None = None
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, index=True)


@cache
def idempotency_model() -> type[IdempotencyRow]:
    """The service's `idempotency_record` table model; memoised, so the service's models and the kit share one class."""

    class IdempotencyRecord(IdempotencyRow, table=True):
        __tablename__ = "idempotency_record"

    return IdempotencyRecord


def _checked(value: str | None, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise BadRequest(f"The {HEADER} header is required", code="idempotency_key_required", field=FIELD)
        return None
    if not value.strip() or len(value) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"{HEADER} must be 1-{MAX_KEY_LENGTH} characters", code="invalid_idempotency_key", field=FIELD)
    return value


_DESCRIPTION = "Retry-safe key (1-200 characters): the first answer is stored and replayed to retries"


def optional_idempotency_key(
    idempotency_key: Annotated[str | None, Header(alias=HEADER, description=_DESCRIPTION)] = None,
) -> str | None:
    """Dependency: the request's Idempotency-Key, or None without one."""
    return _checked(idempotency_key, required=False)


def required_idempotency_key(
    idempotency_key: Annotated[str | None, Header(alias=HEADER, description=_DESCRIPTION + " (required)")] = None,
) -> str:
    """Dependency: the request's Idempotency-Key; 400 `idempotency_key_required` without one."""
    key = _checked(idempotency_key, required=True)
    assert key is not None
    return key


IdempotencyKey = Annotated[str, Depends(required_idempotency_key)]
OptionalIdempotencyKey = Annotated[str | None, Depends(optional_idempotency_key)]


def request_hash(route: str, payload: Any) -> str:
    """A stable fingerprint of what was asked (route + canonical JSON body)."""
    canonical = json.dumps({"route": route, "body": jsonable_encoder(payload)}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reused() -> ValidationFailed:
    """The one error for a key sent again with a different request."""
    return ValidationFailed(
        "This Idempotency-Key was already used with a different request", code="idempotency_key_reused", field=FIELD
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _claim(
    session: Session, *, model: type[IdempotencyRow], caller: str, key: str, fingerprint: str, wait_seconds: float, lease_seconds: float
) -> Outcome | None:
    """Take the key (None), or the stored answer of the attempt that holds it (waiting while it is pending)."""
    table = model.__table__  # type: ignore[attr-defined]
    where = (table.c.caller == caller, table.c.key == key)
    deadline = time.monotonic() + wait_seconds
    pause = POLL_SECONDS[0]
    vanished = 0
    while True:
        try:
            session.execute(insert(table).values(caller=caller, key=key, request_hash=fingerprint, status=PENDING, created_at=utcnow()))
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
            row = session.execute(select(table).where(*where)).first()
            session.rollback()  # end the look (on SQLite it holds the write lock)
            if row is None:
                vanished += 1
                if vanished > MAX_RECLAIMS:  # not a conflict on the key after all
                    raise
                continue  # the holder failed and released the key: claim it again
        if row.request_hash != fingerprint:
            raise key_reused()
        if row.status == DONE:
            return int(row.status_code), json.loads(row.body)
        abandoned_before = utcnow() - timedelta(seconds=lease_seconds)
        if _aware(row.created_at) < abandoned_before:
            taken = session.execute(  # the condition lets exactly one of several waiters take it over
                update(table)
                .where(*where, table.c.status == PENDING, table.c.created_at < abandoned_before)
                .values(created_at=utcnow())
            )
            session.commit()
            if getattr(taken, "rowcount", 0) == 1:
                logger.warning("idempotency: took over an abandoned claim", extra={"caller": caller})
                return None
            continue
        if time.monotonic() >= deadline:
            raise Conflict(
                "A request with this Idempotency-Key is still being processed; retry later",
                code="idempotency_key_in_progress",
                field=FIELD,
            )
        time.sleep(pause)
        pause = min(pause * 2, POLL_SECONDS[1])


def _release(session: Session, *, model: type[IdempotencyRow], caller: str, key: str) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    try:
        session.execute(delete(table).where(table.c.caller == caller, table.c.key == key, table.c.status == PENDING))
        session.commit()
    except Exception:  # the claim then expires after LEASE_SECONDS; the original error matters more
        session.rollback()
        logger.exception("idempotency: could not release a failed claim")


def run_idempotent(
    session: Session,
    *,
    caller: str,
    key: str | None,
    fingerprint: str,
    action: Callable[[], Outcome],
    model: type[IdempotencyRow] | None = None,
    wait_seconds: float = WAIT_SECONDS,
    lease_seconds: float = LEASE_SECONDS,
) -> Outcome:
    """Run `action` (writes, does not commit; returns status code + body) once per (caller, key) and commit.

    Call it before the request's session has written anything: the claim commits on its own.
    """
    if key is None:
        status_code, body = action()
        session.commit()
        return status_code, jsonable_encoder(body)
    model = model or idempotency_model()
    table = model.__table__  # type: ignore[attr-defined]
    stored = _claim(
        session, model=model, caller=caller, key=key, fingerprint=fingerprint, wait_seconds=wait_seconds, lease_seconds=lease_seconds
    )
    if stored is not None:
        return stored
    try:
        status_code, body = action()
        encoded = json.dumps(jsonable_encoder(body))
        session.execute(
            update(table)
            .where(table.c.caller == caller, table.c.key == key)
            .values(status=DONE, status_code=status_code, body=encoded)
        )
        session.commit()
    except BaseException:
        session.rollback()
        _release(session, model=model, caller=caller, key=key)
        raise
    return status_code, json.loads(encoded)


def purge_expired(*, engine: Engine, ttl_hours: float, model: type[IdempotencyRow] | None = None) -> int:
    """Worker job: forget records older than the retry horizon."""
    model = model or idempotency_model()
    with Session(engine) as session:
        result = session.execute(delete(model).where(col(model.created_at) < utcnow() - timedelta(hours=ttl_hours)))
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)
