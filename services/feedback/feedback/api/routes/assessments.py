from collections import defaultdict

from fastapi import APIRouter, status

from feedback import crud
from feedback.api.deps import SessionDep, SignedInUser
from feedback.models import AssessmentCreate, AssessmentPublic, Trajectory

router = APIRouter(prefix="/api/feedback/assessments", tags=["assessments"])


@router.post("", response_model=AssessmentPublic, status_code=status.HTTP_201_CREATED)
def create_assessment(data: AssessmentCreate, session: SessionDep, principal: SignedInUser) -> AssessmentPublic:
    return AssessmentPublic.model_validate(crud.create_assessment(session=session, principal=principal, data=data))


@router.get("/me", response_model=list[Trajectory])
def my_trajectory(session: SessionDep, principal: SignedInUser, topic_id: int | None = None) -> list[Trajectory]:
    points: dict[int, list[AssessmentPublic]] = defaultdict(list)
    for assessment in crud.list_own_assessments(session=session, learner_id=principal.sub, topic_id=topic_id):
        points[assessment.topic_id].append(AssessmentPublic.model_validate(assessment))
    names = crud.topic_names(session=session, topic_ids=set(points))
    return [Trajectory(topic_id=t, topic_name=names.get(t), points=p) for t, p in sorted(points.items())]
