from typing import Annotated

from fastapi import APIRouter, Query

from kit.auth import ensure_self_or
from kit.limits import BULK_BODY
from matching import crud
from matching.api.deps import STAFF, AdminUser, LearnerUser, SessionDep, SignedInUser, SupervisorUser
from matching.models import BulkResult, LearnerProfileBulkItem, LearnerProfileIn, LearnerProfilePublic

router = APIRouter(prefix="/api/matching/learners", tags=["learners"])


@router.get("/me", response_model=LearnerProfilePublic)
def get_my_learner_profile(session: SessionDep, user: LearnerUser) -> LearnerProfilePublic:
    return crud.learner_public(session=session, profile=crud.get_learner(session=session, user_id=user.sub))


@router.put("/me", response_model=LearnerProfilePublic)
def put_my_learner_profile(data: LearnerProfileIn, session: SessionDep, user: LearnerUser) -> LearnerProfilePublic:
    return crud.learner_public(session=session, profile=crud.put_learner(session=session, user_id=user.sub, data=data))


@router.get("", response_model=list[LearnerProfilePublic])
def list_learners(
    session: SessionDep, _: SupervisorUser, cohort: str | None = None, limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[LearnerProfilePublic]:
    profiles = crud.list_learners(session=session, cohort=cohort, limit=min(limit, 2000), offset=offset)
    return [crud.learner_public(session=session, profile=p) for p in profiles]


@router.post("/bulk", response_model=BulkResult, openapi_extra=BULK_BODY)
def bulk_put_learners(items: list[LearnerProfileBulkItem], session: SessionDep, _: AdminUser) -> BulkResult:
    pairs = [(item.user_id, LearnerProfileIn.model_validate(item.model_dump(exclude={"user_id"}))) for item in items]
    created, updated = crud.bulk_put_learners(session=session, items=pairs)
    return BulkResult(created=created, updated=updated)


@router.get("/{user_id}", response_model=LearnerProfilePublic)
def get_learner_profile(user_id: str, session: SessionDep, user: SignedInUser) -> LearnerProfilePublic:
    ensure_self_or(user, user_id, roles=STAFF)
    return crud.learner_public(session=session, profile=crud.get_learner(session=session, user_id=user_id))


@router.put("/{user_id}", response_model=LearnerProfilePublic)
def put_learner_profile(user_id: str, data: LearnerProfileIn, session: SessionDep, _: AdminUser) -> LearnerProfilePublic:
    return crud.learner_public(session=session, profile=crud.put_learner(session=session, user_id=user_id, data=data))
