"""Events other services publish to sessions through their outboxes."""

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from kit.idempotency import IdempotencyKey, request_hash, run_idempotent
from sessions import service
from sessions.api.deps import EventsPublisher, SessionDep
from sessions.models import ApprovalSuspendedIn, ApprovalSuspendedResult

router = APIRouter(prefix="/api/sessions/events", tags=["events"])


@router.post("/approval-suspended", response_model=ApprovalSuspendedResult, status_code=status.HTTP_200_OK)
def receive_approval_suspended(data: ApprovalSuspendedIn, session: SessionDep, principal: EventsPublisher, key: IdempotencyKey) -> JSONResponse:
    """matching suspended a tutor's approval on a topic: their future sessions on it stop taking bookings."""

    def action() -> tuple[int, object]:
        return 200, service.apply_approval_suspension(session=session, data=data).model_dump(mode="json")

    fingerprint = request_hash("approval_suspended", data.model_dump(mode="json"))
    code, body = run_idempotent(session, caller=principal.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)
