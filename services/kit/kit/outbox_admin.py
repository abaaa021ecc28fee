"""Admin view of a service's outbox: counts, messages by state, replay of dead messages."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from kit import outbox
from kit.auth import AdminUser
from kit.db import get_session, utcnow
from kit.outbox import OutboxMessage


class OutboxState(StrEnum):
    pending = "pending"
    dead = "dead"
    delivered = "delivered"


class OutboxStats(BaseModel):
    pending: int
    delivered: int
    dead: int
    failing: int  # pending messages with at least one failed attempt
    oldest_pending_at: datetime | None
    oldest_pending_age_seconds: float | None
    last_error: str | None  # of the most recent pending message that failed


class OutboxMessagePublic(BaseModel):
    """A message without its payload (which may carry personal data)."""

    id: int
    topic: str
    key: str
    state: OutboxState
    attempts: int
    refusals: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None


def _in_state(state: OutboxState) -> ColumnElement[bool]:
    delivered, dead = col(OutboxMessage.delivered_at), col(OutboxMessage.dead_at)
    if state == OutboxState.delivered:
        return delivered.is_not(None)
    if state == OutboxState.dead:
        return delivered.is_(None) & dead.is_not(None)
    return delivered.is_(None) & dead.is_(None)


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return int(session.exec(select(func.count()).select_from(OutboxMessage).where(*where)).one())


def message_public(message: OutboxMessage) -> OutboxMessagePublic:
    """The admin shape of a message."""
    if message.delivered_at is not None:
        state = OutboxState.delivered
    else:
        state = OutboxState.dead if message.dead_at is not None else OutboxState.pending
    return OutboxMessagePublic(**message.model_dump(exclude={"payload"}), state=state)


def outbox_stats(*, session: Session) -> OutboxStats:
    """Counts by state and the age of the oldest pending message."""
    pending = _in_state(OutboxState.pending)
    oldest = session.exec(select(func.min(OutboxMessage.created_at)).where(pending)).one()
    last = session.exec(
        select(OutboxMessage.last_error).where(pending, col(OutboxMessage.last_error).is_not(None)).order_by(col(OutboxMessage.id).desc())
    ).first()
    return OutboxStats(
        pending=_count(session, pending),
        delivered=_count(session, _in_state(OutboxState.delivered)),
        dead=_count(session, _in_state(OutboxState.dead)),
        failing=_count(session, pending, col(OutboxMessage.attempts) > 0),
        oldest_pending_at=oldest,
        oldest_pending_age_seconds=(utcnow() - oldest).total_seconds() if oldest is not None else None,
        last_error=last,
    )


def list_messages(*, session: Session, state: OutboxState | None, limit: int, offset: int) -> list[OutboxMessage]:
    """Messages in a state (all without one), newest first."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit).offset(offset)
    if state is not None:
        query = query.where(_in_state(state))
    return list(session.exec(query).all())


def outbox_admin_router(service: str) -> APIRouter:
    """`/api/<service>/admin/outbox...` for admins; operation ids come out as `<service>-admin-<function>`."""
    router = APIRouter(prefix=f"/api/{service}/admin", tags=["admin"])
    SessionDep = Annotated[Session, Depends(get_session)]

    @router.get("/outbox", response_model=OutboxStats, status_code=status.HTTP_200_OK)
    def get_outbox_stats(session: SessionDep, _: AdminUser) -> OutboxStats:
        """Outbox counts: pending, delivered, dead; the oldest pending message and the latest error."""
        return outbox_stats(session=session)

    @router.get("/outbox/messages", response_model=list[OutboxMessagePublic], status_code=status.HTTP_200_OK)
    def list_outbox_messages(
        session: SessionDep,
        _: AdminUser,
        state: OutboxState | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[OutboxMessagePublic]:
        """Outbox messages (without payload), newest first, optionally in one state."""
        return [message_public(m) for m in list_messages(session=session, state=state, limit=limit, offset=offset)]

    @router.post("/outbox/messages/{message_id}/replay", response_model=OutboxMessagePublic, status_code=status.HTTP_200_OK)
    def replay_outbox_message(message_id: int, session: SessionDep, _: AdminUser) -> OutboxMessagePublic:
        """Make a dead message due again now (its attempts are kept); 409 if it was delivered."""
        return message_public(outbox.replay(session=session, message_id=message_id))

    return router
