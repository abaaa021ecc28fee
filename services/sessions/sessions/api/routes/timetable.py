from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Query

from kit.errors import ValidationFailed
from kit.limits import BULK_BODY
from sessions import placements, timetable
from sessions.api.deps import SessionDep, SettingsDep, TimetableReader, TimetableWriter
from sessions.models import (
    DeleteIn,
    DeleteResult,
    MembershipsIn,
    MembershipsPublic,
    OwnerType,
    Placement,
    PushResult,
    TimetableItemPublic,
)

router = APIRouter(prefix="/api/sessions/timetable", tags=["timetable"])
MAX_BATCH = 20000


@router.put("/items", response_model=PushResult, openapi_extra=BULK_BODY)
def push_items(
    session: SessionDep,
    _: TimetableWriter,
    body: Annotated[dict[str, Any], Body(examples=[{"items": [{"external_id": "ade-1", "kind": "lecture", "title": "Cardiology", "starts_at": "2026-10-26T09:00:00+01:00", "ends_at": "2026-10-26T11:00:00+01:00", "location": "Amphi A", "owner": {"type": "cohort", "id": "Y3"}}]}])],
    partial: bool = False,
) -> PushResult:
    items = body.get("items")
    if not isinstance(items, list):
        raise ValidationFailed("items must be a list", code="invalid_items", field="body.items")
    if len(items) > MAX_BATCH:
        raise ValidationFailed(f"at most {MAX_BATCH} items per batch", code="batch_too_large", field="body.items")
    return timetable.push_items(session=session, raw_items=items, partial=partial)


@router.post("/items/delete", response_model=DeleteResult)
def delete_items(data: DeleteIn, session: SessionDep, _: TimetableWriter) -> DeleteResult:
    return timetable.delete_items(session=session, external_ids=data.external_ids)


@router.get("/items", response_model=list[TimetableItemPublic])
def list_items(
    session: SessionDep,
    _: TimetableReader,
    owner_type: OwnerType | None = None,
    owner_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[TimetableItemPublic]:
    items = timetable.list_items(
        session=session, owner_type=owner_type.value if owner_type else None, owner_id=owner_id, start=start, end=end, limit=limit, offset=offset
    )
    return [timetable.item_public(i) for i in items]


@router.put("/memberships", response_model=MembershipsPublic)
def set_memberships(data: MembershipsIn, session: SessionDep, _: TimetableWriter) -> MembershipsPublic:
    return timetable.set_memberships(session=session, data=data)


@router.get("/memberships", response_model=MembershipsPublic)
def get_memberships(session: SessionDep, _: TimetableReader) -> MembershipsPublic:
    return timetable.get_memberships(session=session)


@router.get("/placements", response_model=list[Placement], status_code=200)
def list_placements(session: SessionDep, settings: SettingsDep, _: TimetableReader, start: date, end: date) -> list[Placement]:
    """Per-person placements built from rotation items overlapping [start, end] (faculty-zone dates, end inclusive)."""
    return placements.list_placements(session=session, start=start, end=end, zone=ZoneInfo(settings.faculty_timezone))
