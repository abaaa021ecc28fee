from typing import Annotated

from fastapi import APIRouter, Query

from kit.limits import BULK_BODY
from matching import crud
from matching.api.deps import AdminUser, SessionDep, SignedInUser, TutorUser
from matching.models import BulkResult, TutorPause, TutorProfileBulkItem, TutorProfileIn, TutorProfilePublic

router = APIRouter(prefix="/api/matching/tutors", tags=["tutors"])


@router.get("/me", response_model=TutorProfilePublic)
def get_my_tutor_profile(session: SessionDep, user: TutorUser) -> TutorProfilePublic:
    return crud.tutor_public(session=session, profile=crud.get_tutor(session=session, user_id=user.sub))


@router.put("/me", response_model=TutorProfilePublic)
def put_my_tutor_profile(data: TutorProfileIn, session: SessionDep, user: TutorUser) -> TutorProfilePublic:
    return crud.tutor_public(session=session, profile=crud.put_tutor(session=session, user_id=user.sub, data=data))


@router.post("/me/pause", response_model=TutorProfilePublic)
def pause_me(data: TutorPause, session: SessionDep, user: TutorUser) -> TutorProfilePublic:
    profile = crud.get_tutor(session=session, user_id=user.sub)
    current = crud.tutor_public(session=session, profile=profile)
    values = TutorProfileIn.model_validate({**current.model_dump(), "paused_until": data.paused_until})
    return crud.tutor_public(session=session, profile=crud.put_tutor(session=session, user_id=user.sub, data=values))


@router.get("", response_model=list[TutorProfilePublic])
def list_tutors(
    session: SessionDep, _: SignedInUser, topic_id: int | None = None, limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[TutorProfilePublic]:
    profiles = crud.list_tutors(session=session, topic_id=topic_id, limit=min(limit, 2000), offset=offset)
    return [crud.tutor_public(session=session, profile=p) for p in profiles]


@router.post("/bulk", response_model=BulkResult, openapi_extra=BULK_BODY)
def bulk_put_tutors(items: list[TutorProfileBulkItem], session: SessionDep, _: AdminUser) -> BulkResult:
    pairs = [(item.user_id, TutorProfileIn.model_validate(item.model_dump(exclude={"user_id"}))) for item in items]
    created, updated = crud.bulk_put_tutors(session=session, items=pairs)
    return BulkResult(created=created, updated=updated)


@router.get("/{user_id}", response_model=TutorProfilePublic)
def get_tutor_profile(user_id: str, session: SessionDep, _: SignedInUser) -> TutorProfilePublic:
    return crud.tutor_public(session=session, profile=crud.get_tutor(session=session, user_id=user_id))


@router.put("/{user_id}", response_model=TutorProfilePublic)
def put_tutor_profile(user_id: str, data: TutorProfileIn, session: SessionDep, _: AdminUser) -> TutorProfilePublic:
    return crud.tutor_public(session=session, profile=crud.put_tutor(session=session, user_id=user_id, data=data))
