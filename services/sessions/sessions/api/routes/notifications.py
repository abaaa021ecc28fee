from fastapi import APIRouter
from sqlmodel import col, select

from kit.db import utcnow
from kit.errors import NotFound
from sessions.api.deps import SessionDep, SignedInUser
from sessions.models import Notification, NotificationPublic

router = APIRouter(prefix="/api/sessions/notifications", tags=["notifications"])


@router.get("", response_model=list[NotificationPublic])
def list_notifications(session: SessionDep, principal: SignedInUser, unread_only: bool = False) -> list[NotificationPublic]:
    query = select(Notification).where(Notification.user_id == principal.sub)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(query.order_by(col(Notification.id).desc()).limit(200)).all()
    return [NotificationPublic.model_validate(n) for n in rows]


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def mark_notification_read(notification_id: int, session: SessionDep, principal: SignedInUser) -> NotificationPublic:
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != principal.sub:
        raise NotFound(f"Notification {notification_id} does not exist", code="notification_not_found")
    if note.read_at is None:
        note.read_at = utcnow()
        session.add(note)
        session.commit()
        session.refresh(note)
    return NotificationPublic.model_validate(note)
