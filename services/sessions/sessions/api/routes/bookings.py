from fastapi import APIRouter

from sessions import service
from sessions.api.deps import SessionDep, SignedInUser
from sessions.models import BookingPublic

router = APIRouter(prefix="/api/sessions/bookings", tags=["bookings"])


@router.get("/me", response_model=list[BookingPublic])
def list_my_bookings(session: SessionDep, principal: SignedInUser) -> list[BookingPublic]:
    return [service.booking_public(session=session, booking=b) for b in service.my_bookings(session=session, user_id=principal.sub)]


@router.post("/{booking_id}/cancel", response_model=BookingPublic)
def cancel_booking(booking_id: int, session: SessionDep, principal: SignedInUser) -> BookingPublic:
    booking = service.cancel_booking(session=session, principal=principal, booking_id=booking_id)
    session.commit()
    return service.booking_public(session=session, booking=booking)
