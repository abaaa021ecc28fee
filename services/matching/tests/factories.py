"""Builders for test data, written through the service's own crud functions."""

import uuid
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from kit.db import utcnow
from matching import approvals, crud
from matching.models import (
    Approval,
    ApprovalCreate,
    Format,
    LearnerProfile,
    LearnerProfileIn,
    Topic,
    TopicCreate,
    TopicKind,
    TutorProfile,
    TutorProfileIn,
    WantedTopic,
)

T = TypeVar("T")


def done(db: Session, value: T) -> T:
    """End the test session's transaction (SQLite: BEGIN IMMEDIATE holds the write lock until then)."""
    db.commit()
    return value


def uid() -> str:
    return str(uuid.uuid4())


def topic(db: Session, name: str = "ECG interpretation", kind: TopicKind = TopicKind.clinical_reasoning, parent_id: int | None = None) -> Topic:
    return done(db, crud.create_topic(session=db, data=TopicCreate(name=name, kind=kind, parent_id=parent_id)))


def learner(
    db: Session,
    *,
    stage: int = 2,
    topics: dict[int, int] | None = None,
    cohort: str | None = None,
    languages: list[str] | None = None,
    formats: list[Format] | None = None,
    user_id: str | None = None,
    name: str = "Lucas Learner",
) -> LearnerProfile:
    data = LearnerProfileIn(
        display_name=name,
        stage=stage,
        cohort=cohort or f"Y{stage}",
        languages=languages if languages is not None else ["fr"],
        formats=formats or [],
        topics=[WantedTopic(topic_id=t, priority=p) for t, p in (topics or {}).items()],
    )
    return done(db, crud.put_learner(session=db, user_id=user_id or uid(), data=data))


def tutor(
    db: Session,
    *,
    stage: int = 4,
    capacity: int = 2,
    topics: list[int] | None = None,
    languages: list[str] | None = None,
    formats: list[Format] | None = None,
    user_id: str | None = None,
    name: str = "Tina Tutor",
    approve_for: list[int] | None = None,
    expires_at: datetime | None = None,
) -> TutorProfile:
    data = TutorProfileIn(
        display_name=name,
        stage=stage,
        capacity=capacity,
        languages=languages if languages is not None else ["fr"],
        formats=formats or [],
        topics=topics if topics is not None else list(approve_for or []),
    )
    profile = crud.put_tutor(session=db, user_id=user_id or uid(), data=data)
    for topic_id in approve_for or []:
        approve(db, profile.user_id, topic_id, expires_at=expires_at)
    return done(db, profile)


def approve(db: Session, tutor_id: str, topic_id: int, *, expires_at: datetime | None = None, by: str = "sup-1") -> Approval:
    return done(
        db,
        approvals.create_approval(
            session=db, data=ApprovalCreate(tutor_id=tutor_id, topic_id=topic_id, evidence="Observed teaching", expires_at=expires_at), actor=by
        ),
    )


def now() -> datetime:
    return utcnow()
