from datetime import datetime

from fastapi import APIRouter

from kit.errors import ValidationFailed
from sessions import timetable
from sessions.api.deps import SessionDep, SignedInUser
from sessions.models import Agenda

router = APIRouter(prefix="/api/sessions/agenda", tags=["agenda"])


@router.get("", response_model=Agenda, status_code=200)
def get_my_agenda(session: SessionDep, principal: SignedInUser, start: datetime, end: datetime) -> Agenda:
    """The caller's own timetable (with details) and sessions in the window."""
    for name, moment in (("start", start), ("end", end)):
        if moment.tzinfo is None:
            raise ValidationFailed("start and end need a UTC offset", code="naive_datetime", field=f"query.{name}")
    timetable.check_window(start, end, max_days=62)
    return timetable.agenda(session=session, user_id=principal.sub, start=start, end=end)
