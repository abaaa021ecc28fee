from fastapi import APIRouter

from matching import crud
from matching.api.deps import SessionDep, SignedInUser
from matching.models import NotificationPublic

router = APIRouter(prefix="/api/matching/notifications", tags=["notifications"])


@router.get("", response_model=list[NotificationPublic])
def list_notifications(session: SessionDep, user: SignedInUser, unread_only: bool = False) -> list[NotificationPublic]:
    rows = crud.list_notifications(session=session, user_id=user.sub, unread_only=unread_only)
    return [NotificationPublic.model_validate(n) for n in rows]


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def read_notification(notification_id: int, session: SessionDep, user: SignedInUser) -> NotificationPublic:
    return NotificationPublic.model_validate(crud.mark_notification_read(session=session, user_id=user.sub, notification_id=notification_id))
