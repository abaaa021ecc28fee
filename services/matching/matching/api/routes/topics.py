from fastapi import APIRouter, status

from matching import crud
from matching.api.deps import SessionDep, SignedInUser, SupervisorUser
from matching.models import TopicCreate, TopicPublic, TopicUpdate

router = APIRouter(prefix="/api/matching/topics", tags=["topics"])


@router.get("", response_model=list[TopicPublic])
def list_topics(session: SessionDep, _: SignedInUser, include_retired: bool = False) -> list[TopicPublic]:
    paths = crud.topic_paths(session=session)
    topics = crud.list_topics(session=session, include_retired=include_retired)
    return [crud.topic_public(session=session, topic=t, paths=paths) for t in topics]


@router.post("", response_model=TopicPublic, status_code=status.HTTP_201_CREATED)
def create_topic(data: TopicCreate, session: SessionDep, _: SupervisorUser) -> TopicPublic:
    return crud.topic_public(session=session, topic=crud.create_topic(session=session, data=data))


@router.get("/{topic_id}", response_model=TopicPublic)
def get_topic(topic_id: int, session: SessionDep, _: SignedInUser) -> TopicPublic:
    return crud.topic_public(session=session, topic=crud.get_topic(session=session, topic_id=topic_id))


@router.patch("/{topic_id}", response_model=TopicPublic)
def update_topic(topic_id: int, data: TopicUpdate, session: SessionDep, _: SupervisorUser) -> TopicPublic:
    topic = crud.get_topic(session=session, topic_id=topic_id)
    return crud.topic_public(session=session, topic=crud.update_topic(session=session, topic=topic, data=data))


@router.post("/{topic_id}/retire", response_model=TopicPublic)
def retire_topic(topic_id: int, session: SessionDep, _: SupervisorUser) -> TopicPublic:
    topic = crud.get_topic(session=session, topic_id=topic_id)
    return crud.topic_public(session=session, topic=crud.set_topic_retired(session=session, topic=topic, retired=True))


@router.post("/{topic_id}/restore", response_model=TopicPublic)
def restore_topic(topic_id: int, session: SessionDep, _: SupervisorUser) -> TopicPublic:
    topic = crud.get_topic(session=session, topic_id=topic_id)
    return crud.topic_public(session=session, topic=crud.set_topic_retired(session=session, topic=topic, retired=False))
