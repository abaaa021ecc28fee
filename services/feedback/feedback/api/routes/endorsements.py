from fastapi import APIRouter, status

from feedback import crud
from feedback.api.deps import SessionDep, SignedInUser, SupervisorUser
from feedback.models import EndorsementCreate, EndorsementPublic

router = APIRouter(prefix="/api/feedback/endorsements", tags=["endorsements"])


@router.post("", response_model=EndorsementPublic, status_code=status.HTTP_201_CREATED)
def create_endorsement(data: EndorsementCreate, session: SessionDep, principal: SupervisorUser) -> EndorsementPublic:
    return EndorsementPublic.model_validate(crud.create_endorsement(session=session, principal=principal, data=data))


@router.get("", response_model=list[EndorsementPublic])
def list_endorsements(session: SessionDep, _: SignedInUser, tutor_id: str | None = None, topic_id: int | None = None) -> list[EndorsementPublic]:
    return [EndorsementPublic.model_validate(e) for e in crud.list_endorsements(session=session, tutor_id=tutor_id, topic_id=topic_id)]
