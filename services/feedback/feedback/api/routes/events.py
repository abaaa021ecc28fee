from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response
from sqlalchemy.exc import IntegrityError

from feedback import crud
from feedback.api.deps import SessionDep
from feedback.models import SessionCompleted, SessionFactPublic
from kit.auth import Principal, require
from kit.errors import BadRequest

router = APIRouter(prefix="/api/feedback/events", tags=["events"])
EventsClient = Annotated[Principal, Depends(require(scopes=("feedback:events",)))]


@router.post("/session-completed", response_model=SessionFactPublic, status_code=201,
             responses={200: {"model": SessionFactPublic, "description": "Already known (redelivery or correction)"}})
def session_completed(
    event: SessionCompleted,
    session: SessionDep,
    _: EventsClient,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    if not idempotency_key:
        raise BadRequest("Idempotency-Key header is required", code="idempotency_key_required", field="header.idempotency-key")
    processed = crud.get_processed_event(session=session, key=idempotency_key)
    if processed is not None:
        response.status_code = processed.status_code
        return crud.stored_body(processed)
    try:
        status_code, public = crud.record_session_completed(session=session, key=idempotency_key, event=event)
    except IntegrityError:
        # A concurrent delivery of the same key (or session) won the race: answer as that one did.
        session.rollback()
        processed = crud.get_processed_event(session=session, key=idempotency_key)
        if processed is None:
            raise
        response.status_code = processed.status_code
        return crud.stored_body(processed)
    response.status_code = status_code
    return public
