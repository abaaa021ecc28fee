from typing import Annotated

from fastapi import APIRouter, Query

from gateway import audit
from gateway.api.deps import AdminUser, SessionDep
from gateway.models import AuditAction, AuditEventPublic, AuditPage

router = APIRouter(prefix="/api/admin/audit", tags=["admin"])


@router.get("", response_model=AuditPage)
def list_audit_events(
    session: SessionDep,
    _: AdminUser,
    actor_id: Annotated[str | None, Query(max_length=100)] = None,
    target_id: Annotated[str | None, Query(max_length=100)] = None,
    action: AuditAction | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """Changes to accounts and machine clients, newest first (who, when, what changed; never a secret)."""
    events, total = audit.list_events(session=session, actor_id=actor_id, target_id=target_id, action=action, limit=limit, offset=offset)
    return AuditPage(items=[AuditEventPublic.model_validate(e, from_attributes=True) for e in events], total=total, limit=limit, offset=offset)
