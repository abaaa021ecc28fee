from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from feedback import crud
from feedback.api.deps import SessionDep
from feedback.models import SessionCompleted, SessionFactPublic
from kit.auth import Principal, require
from kit.idempotency import IdempotencyKey, request_hash, run_idempotent

router = APIRouter(prefix="/api/feedback/events", tags=["events"])
EventsClient = Annotated[Principal, Depends(require(scopes=("feedback:events",)))]


@router.post("/session-completed", response_model=SessionFactPublic, status_code=201,
             responses={200: {"model": SessionFactPublic, "description": "Already known (redelivery or correction)"}})
def session_completed(event: SessionCompleted, session: SessionDep, client: EventsClient, key: IdempotencyKey) -> JSONResponse:
    def action() -> tuple[int, object]:
        return crud.record_session_completed(session=session, event=event)

    # The outbox key names one event: a redelivery is answered as the first delivery was, whatever its body.
    fingerprint = request_hash("session_completed", None)
    code, body = run_idempotent(session, caller=client.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)
