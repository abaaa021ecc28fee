"""In-app notifications: each service keeps its own `notification` table; the kit gives it the model, functions and routes.

A service builds its table once, in its models module (`Notification = notification_model(...)`), with the column
lengths its migrations created, then mounts `notifications_router(...)`; domain code adds rows with `notify`.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, status
from sqlalchemy import Text
from sqlmodel import Field, Session, SQLModel, col, select

from kit.auth import Principal, require_user
from kit.db import get_session, utcnow
from kit.errors import NotFound

LIST_LIMIT = 200


class NotificationRow(SQLModel):
    """Columns of every service's `notification` table (not a table itself: see `notification_model`)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=64, index=True)
    kind: str
    title: str
    body: str = Field(sa_type=Text)
    link: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class NotificationPublic(SQLModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


N = TypeVar("N", bound=NotificationRow)


def notification_model(*, kind_length: int, title_length: int) -> type[NotificationRow]:
    """The service's `notification` table model; call it once per process (it registers the table in the metadata)."""

    class Notification(NotificationRow, table=True):
        __tablename__ = "notification"

        kind: str = Field(max_length=kind_length)
        title: str = Field(max_length=title_length)

    return Notification


def notify(
    session: Session, *, model: type[N], user_id: str, kind: str, title: str, body: str, link: str | None = None
) -> N:
    """Add a notification in the caller's transaction (not flushed: flush to read its id)."""
    row = model(user_id=user_id, kind=kind, title=title, body=body, link=link)
    session.add(row)
    return row


def list_for(session: Session, *, model: type[N], user_id: str, unread_only: bool = False, limit: int = LIST_LIMIT) -> list[N]:
    """The user's notifications, newest first."""
    query = select(model).where(model.user_id == user_id)
    if unread_only:
        query = query.where(col(model.read_at).is_(None))
    return list(session.exec(query.order_by(col(model.id).desc()).limit(limit)).all())


def mark_read(session: Session, *, model: type[N], user_id: str, notification_id: int) -> N:
    """Mark one of the user's notifications read and commit (idempotent); someone else's is not found."""
    row = session.get(model, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"Notification {notification_id} does not exist", code="notification_not_found")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def notifications_router(
    service: str,
    *,
    model: type[NotificationRow],
    mark_read_name: str = "read_notification",
    get_db: Callable[..., Iterator[Session]] = get_session,
    current_user: Callable[..., Principal] = require_user,
) -> APIRouter:
    """`/api/<service>/notifications` for the signed-in user; ids `<service>-notifications-<function>`.

    `mark_read_name` names the mark-read route, so a service keeps the operation id its clients were generated with.
    """
    router = APIRouter(prefix=f"/api/{service}/notifications", tags=["notifications"])
    SessionDep = Annotated[Session, Depends(get_db)]
    UserDep = Annotated[Principal, Depends(current_user)]

    # No docstrings on the endpoints: they would become descriptions in the published API.
    @router.get("", response_model=list[NotificationPublic], status_code=status.HTTP_200_OK)
    def list_notifications(session: SessionDep, user: UserDep, unread_only: bool = False) -> list[NotificationPublic]:
        rows = list_for(session, model=model, user_id=user.sub, unread_only=unread_only)
        return [NotificationPublic.model_validate(row) for row in rows]

    def mark_notification_read(notification_id: int, session: SessionDep, user: UserDep) -> NotificationPublic:
        return NotificationPublic.model_validate(mark_read(session, model=model, user_id=user.sub, notification_id=notification_id))

    router.add_api_route(
        "/{notification_id}/read",
        mark_notification_read,
        methods=["POST"],
        name=mark_read_name,
        response_model=NotificationPublic,
        status_code=status.HTTP_200_OK,
    )
    return router
