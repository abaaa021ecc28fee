from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from kit.idempotency import request_hash, run_idempotent
from sessions import publish, service
from sessions.api.deps import (
    ApprovalCheckerDep,
    OptionalIdempotencyKey,
    SessionDep,
    SessionsReader,
    SettingsDep,
    SignedInUser,
)
from sessions.models import (
    BookingIn,
    BookingPublic,
    CancelIn,
    CompleteIn,
    SessionState,
    TeachingSessionCreate,
    TeachingSessionPublic,
    TeachingSessionUpdate,
)

router = APIRouter(prefix="/api/sessions/sessions", tags=["sessions"])
ICS: dict[int | str, dict[str, Any]] = {200: {"content": {"text/calendar": {}}, "description": "iCalendar document"}}


@router.get("", response_model=list[TeachingSessionPublic])
def list_sessions(
    session: SessionDep,
    principal: SessionsReader,
    state: SessionState | None = None,
    topic_id: int | None = None,
    tutor_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[TeachingSessionPublic]:
    items = service.list_sessions(
        session=session, principal=principal, state=state, topic_id=topic_id, tutor_id=tutor_id,
        start=start, end=end, updated_since=updated_since, limit=limit, offset=offset,
    )
    return [service.to_public(session=session, item=i) for i in items]


@router.post("", response_model=TeachingSessionPublic, status_code=status.HTTP_201_CREATED)
def create_session(
    data: TeachingSessionCreate, session: SessionDep, principal: SignedInUser, checker: ApprovalCheckerDep, key: OptionalIdempotencyKey
) -> JSONResponse:
    def action() -> tuple[int, object]:
        item = service.create_session(session=session, principal=principal, data=data, checker=checker)
        return 201, service.to_public(session=session, item=item).model_dump(mode="json")

    code, body = run_idempotent(
        session, caller=principal.sub, key=key, fingerprint=request_hash("create_session", data.model_dump(mode="json")), action=action
    )
    return JSONResponse(body, status_code=code)


@router.get("/{session_id}.ics", response_model=None, responses=ICS)
def download_session_ics(session_id: int, session: SessionDep, principal: SessionsReader, settings: SettingsDep) -> Response:
    item = service.get_visible(session=session, principal=principal, session_id=session_id)
    body = publish.render_calendar(
        session=session, items=[item], name=item.topic_name, base_url=settings.public_base_url, zone_name=settings.faculty_timezone
    )
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="session-{session_id}.ics"'})


@router.get("/{session_id}/ics", response_model=None, responses=ICS)
def download_session_ics_alt(session_id: int, session: SessionDep, principal: SessionsReader, settings: SettingsDep) -> Response:
    return download_session_ics(session_id, session, principal, settings)


@router.get("/{session_id}", response_model=TeachingSessionPublic)
def get_session(session_id: int, session: SessionDep, principal: SessionsReader) -> TeachingSessionPublic:
    return service.to_public(session=session, item=service.get_visible(session=session, principal=principal, session_id=session_id))


@router.patch("/{session_id}", response_model=TeachingSessionPublic)
def update_session(session_id: int, data: TeachingSessionUpdate, session: SessionDep, principal: SignedInUser) -> TeachingSessionPublic:
    item = service.update_session(session=session, principal=principal, session_id=session_id, data=data)
    session.commit()
    return service.to_public(session=session, item=item)


@router.post("/{session_id}/open", response_model=TeachingSessionPublic)
def open_session(session_id: int, session: SessionDep, principal: SignedInUser) -> TeachingSessionPublic:
    item = service.open_session(session=session, principal=principal, session_id=session_id)
    session.commit()
    return service.to_public(session=session, item=item)


@router.post("/{session_id}/cancel", response_model=TeachingSessionPublic)
def cancel_session(session_id: int, session: SessionDep, principal: SignedInUser, data: CancelIn | None = None) -> TeachingSessionPublic:
    item = service.cancel_session(session=session, principal=principal, session_id=session_id, reason=data.reason if data else None)
    session.commit()
    return service.to_public(session=session, item=item)


@router.post("/{session_id}/complete", response_model=TeachingSessionPublic)
def complete_session(session_id: int, session: SessionDep, principal: SignedInUser, data: CompleteIn | None = None) -> TeachingSessionPublic:
    item = service.complete_session(session=session, principal=principal, session_id=session_id, data=data or CompleteIn())
    session.commit()
    return service.to_public(session=session, item=item)


@router.get("/{session_id}/bookings", response_model=list[BookingPublic])
def list_session_bookings(session_id: int, session: SessionDep, principal: SignedInUser) -> list[BookingPublic]:
    return [service.booking_public(session=session, booking=b) for b in service.session_bookings(session=session, principal=principal, session_id=session_id)]


@router.post("/{session_id}/bookings", response_model=BookingPublic, status_code=status.HTTP_201_CREATED)
def book_session(
    session_id: int, session: SessionDep, principal: SignedInUser, key: OptionalIdempotencyKey, data: BookingIn | None = None
) -> JSONResponse:
    data = data or BookingIn()

    def action() -> tuple[int, object]:
        booking = service.book(session=session, principal=principal, session_id=session_id, data=data)
        return 201, service.booking_public(session=session, booking=booking).model_dump(mode="json")

    fingerprint = request_hash(f"book:{session_id}", data.model_dump(mode="json"))
    code, body = run_idempotent(session, caller=principal.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)
