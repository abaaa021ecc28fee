from datetime import datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from kit.auth import ensure_self_or
from kit.errors import ValidationFailed
from sessions import timetable
from sessions.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from sessions.models import FreeBusy, FreeSlot

router = APIRouter(prefix="/api/sessions", tags=["availability"])


def _user_ids(raw: str) -> list[str]:
    ids = list(dict.fromkeys(u.strip() for u in raw.split(",") if u.strip()))
    if not ids or len(ids) > 50:
        raise ValidationFailed("give 1 to 50 comma-separated user ids", code="invalid_user_ids", field="query.user_ids")
    return ids


@router.get("/freebusy", response_model=list[FreeBusy])
def get_freebusy(session: SessionDep, principal: CurrentPrincipal, user_ids: str, start: datetime, end: datetime) -> list[FreeBusy]:
    ids = _user_ids(user_ids)
    for user_id in ids:
        ensure_self_or(principal, user_id, roles=("admin",), scopes=("sessions:freebusy",))
    timetable.check_window(start, end, max_days=62)
    return timetable.freebusy(session=session, user_ids=ids, start=start, end=end)


@router.get("/free-slots", response_model=list[FreeSlot])
def find_free_slots(
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    user_ids: str,
    start: datetime,
    end: datetime,
    duration_minutes: Annotated[int, Query(ge=15, le=600)] = 60,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[FreeSlot]:
    ids = _user_ids(user_ids)
    if principal.kind == "user" and not principal.has_role("tutor", "supervisor", "admin"):
        for user_id in ids:
            ensure_self_or(principal, user_id, roles=("admin",), scopes=("sessions:freebusy",))
    elif principal.kind == "client":
        for user_id in ids:
            ensure_self_or(principal, user_id, scopes=("sessions:freebusy",))
    timetable.check_window(start, end, max_days=31)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationFailed("start and end need a UTC offset", code="naive_datetime", field="query.start")
    return timetable.free_slots(
        session=session, user_ids=ids, start=start, end=end, duration=timedelta(minutes=duration_minutes),
        zone=ZoneInfo(settings.faculty_timezone), day_start=time.fromisoformat(settings.working_hours_start),
        day_end=time.fromisoformat(settings.working_hours_end), limit=limit,
    )
