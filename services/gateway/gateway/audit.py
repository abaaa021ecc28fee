"""Who changed which account or client, when: written in the same transaction as the change itself."""

from typing import Any

from sqlmodel import Session, col, func, select

from gateway.models import AuditAction, AuditEvent
from kit.auth import Principal
from kit.logging import current_request_id

SYSTEM = "command line"


def record(
    *,
    session: Session,
    actor: Principal | None,
    action: AuditAction,
    target_type: str,
    target_id: str | None,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the caller's transaction (never commits on its own)."""
    session.add(
        AuditEvent(
            actor_id=actor.sub if actor else None,
            actor_name=(actor.name or actor.username or actor.sub) if actor else SYSTEM,
            action=action.value,
            target_type=target_type,
            target_id=target_id,
            summary=summary[:500],
            details=details or {},
            request_id=current_request_id(),
        )
    )


def list_events(
    *, session: Session, actor_id: str | None, target_id: str | None, action: AuditAction | None, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """A page of entries, newest first, and the total matching the filters."""
    query = select(AuditEvent)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    if action is not None:
        query = query.where(AuditEvent.action == action.value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    events = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)).all()
    return list(events), int(total)
