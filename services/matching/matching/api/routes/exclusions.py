from fastapi import APIRouter, status

from matching import approvals
from matching.api.deps import AdminUser, SessionDep
from matching.models import ExclusionCreate, ExclusionPublic

router = APIRouter(prefix="/api/matching/exclusions", tags=["exclusions"])


@router.post("", response_model=ExclusionPublic, status_code=status.HTTP_201_CREATED)
def create_exclusion(data: ExclusionCreate, session: SessionDep, user: AdminUser) -> ExclusionPublic:
    return ExclusionPublic.model_validate(approvals.create_exclusion(session=session, data=data, actor=user.sub))


@router.get("", response_model=list[ExclusionPublic])
def list_exclusions(
    session: SessionDep, _: AdminUser, learner_id: str | None = None, tutor_id: str | None = None
) -> list[ExclusionPublic]:
    rows = approvals.list_exclusions(session=session, learner_id=learner_id, tutor_id=tutor_id)
    return [ExclusionPublic.model_validate(e) for e in rows]


@router.delete("/{exclusion_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_exclusion(exclusion_id: int, session: SessionDep, _: AdminUser) -> None:
    approvals.delete_exclusion(session=session, exclusion_id=exclusion_id)
