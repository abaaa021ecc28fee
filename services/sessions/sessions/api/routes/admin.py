from fastapi import APIRouter
from sqlalchemy import func
from sqlmodel import col, select

from kit.outbox import OutboxMessage
from sessions.api.deps import AdminUser, SessionDep
from sessions.models import OutboxStats

router = APIRouter(prefix="/api/sessions/admin", tags=["admin"])


@router.get("/outbox", response_model=OutboxStats)
def get_outbox_stats(session: SessionDep, _: AdminUser) -> OutboxStats:
    pending = col(OutboxMessage.delivered_at).is_(None)
    n_pending = session.exec(select(func.count()).select_from(OutboxMessage).where(pending)).one()
    n_delivered = session.exec(select(func.count()).select_from(OutboxMessage).where(~pending)).one()
    n_failing = session.exec(select(func.count()).select_from(OutboxMessage).where(pending, OutboxMessage.attempts > 0)).one()
    oldest = session.exec(select(func.min(OutboxMessage.created_at)).where(pending)).one()
    last = session.exec(select(OutboxMessage.last_error).where(pending, col(OutboxMessage.last_error).is_not(None)).order_by(col(OutboxMessage.id).desc())).first()
    return OutboxStats(pending=int(n_pending), delivered=int(n_delivered), failing=int(n_failing), oldest_pending_at=oldest, last_error=last)
