from fastapi import APIRouter

from feedback import crud
from feedback.api.deps import SessionDep, SignedInUser
from feedback.models import NotificationPublic

router = APIRouter(prefix="/api/feedback/notifications", tags=["notifications"])


@router.get("", response_model=list[NotificationPublic])
def list_notifications(session: SessionDep, principal: SignedInUser, unread_only: bool = False) -> list[NotificationPublic]:
    items = crud.list_notifications(session=session, user_id=principal.sub, unread_only=unread_only)
    return [NotificationPublic.model_validate(n) for n in items]


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def read_notification(notification_id: int, session: SessionDep, principal: SignedInUser) -> NotificationPublic:
    return NotificationPublic.model_validate(crud.mark_notification_read(session=session, user_id=principal.sub, notification_id=notification_id))
