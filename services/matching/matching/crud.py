"""Catalogue, profiles and notifications: data access."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from kit import notifications
from kit.db import utcnow
from kit.errors import Conflict, NotFound, ValidationFailed
from matching import rules
from matching.models import (
    LearnerProfile,
    LearnerProfileIn,
    LearnerProfilePublic,
    LearnerTopic,
    Notification,
    Pairing,
    PairingStatus,
    Topic,
    TopicCreate,
    TopicPublic,
    TopicUpdate,
    TutorProfile,
    TutorProfileIn,
    TutorProfilePublic,
    TutorTopic,
    WantedTopic,
)

# --- topics -------------------------------------------------------------------------------------


def get_topic(*, session: Session, topic_id: int, field: str | None = None) -> Topic:
    """A topic or 404 `topic_not_found`."""
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound(f"Topic {topic_id} does not exist", code="topic_not_found", field=field)
    return topic


def get_open_topic(*, session: Session, topic_id: int, field: str | None = None) -> Topic:
    """A topic that may be used for new pairings (exists, not retired)."""
    topic = get_topic(session=session, topic_id=topic_id, field=field)
    if topic.retired_at is not None:
        raise ValidationFailed(f"Topic {topic.name!r} is retired", code="topic_retired", field=field)
    return topic


def topic_paths(*, session: Session) -> dict[int, str]:
    """'Cardiology > ECG interpretation' for every topic id."""
    rows = session.exec(select(Topic.id, Topic.name, Topic.parent_id)).all()
    by_id: dict[int, tuple[str, int | None]] = {int(row[0] or 0): (row[1], row[2]) for row in rows}
    paths: dict[int, str] = {}
    for topic_id in by_id:
        names: list[str] = []
        current: int | None = topic_id
        seen: set[int] = set()
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            names.append(by_id[current][0])
            current = by_id[current][1]
        paths[topic_id] = " > ".join(reversed(names))
    return paths


def topic_public(*, session: Session, topic: Topic, paths: dict[int, str] | None = None) -> TopicPublic:
    """A topic with its path in the tree."""
    paths = paths if paths is not None else topic_paths(session=session)
    return TopicPublic.model_validate(topic, update={"path": paths.get(topic.id or 0, topic.name)})


def create_topic(*, session: Session, data: TopicCreate) -> Topic:
    """Add a topic under an existing parent."""
    if data.parent_id is not None:
        get_open_topic(session=session, topic_id=data.parent_id, field="body.parent_id")
    topic = Topic.model_validate(data)
    session.add(topic)
    session.commit()
    session.refresh(topic)
    return topic


def update_topic(*, session: Session, topic: Topic, data: TopicUpdate) -> Topic:
    """Change a topic; a new parent must exist and must not be the topic or one of its descendants."""
    changes = data.model_dump(exclude_unset=True)
    if changes.get("parent_id") is not None:
        parent_id = int(changes["parent_id"])
        get_topic(session=session, topic_id=parent_id, field="body.parent_id")
        current: int | None = parent_id
        while current is not None:
            if current == topic.id:
                raise ValidationFailed("A topic cannot sit under itself", code="topic_cycle", field="body.parent_id")
            parent = session.get(Topic, current)
            current = parent.parent_id if parent else None
    for key, value in changes.items():
        if key in ("name", "kind") and value is None:
            continue
        setattr(topic, key, value)
    topic.updated_at = utcnow()
    session.add(topic)
    session.commit()
    session.refresh(topic)
    return topic


def descendants(*, session: Session, topic_id: int) -> list[Topic]:
    """Every topic below this one in the tree (children, grandchildren, ...)."""
    topics = list(session.exec(select(Topic)).all())
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    found, stack = [], list(children.get(topic_id, []))
    while stack:
        topic = stack.pop()
        found.append(topic)
        stack.extend(children.get(topic.id, []))
    return found


def set_topic_retired(*, session: Session, topic: Topic, retired: bool) -> Topic:
    """Retire a topic with its subtree (kept for history, offered no more), or restore what that retirement retired."""
    now = utcnow()
    if retired:
        if topic.retired_at is None:
            # One timestamp for the whole subtree: a later restore brings back exactly what this retirement took.
            for item in [topic, *descendants(session=session, topic_id=topic.id or 0)]:
                if item.retired_at is None:
                    item.retired_at, item.updated_at = now, now
                    session.add(item)
    elif topic.retired_at is not None:
        parent = session.get(Topic, topic.parent_id) if topic.parent_id is not None else None
        if parent is not None and parent.retired_at is not None:
            raise Conflict(f"Restore {parent.name!r} first: this topic sits under it", code="parent_retired")
        retired_with = topic.retired_at
        for item in [topic, *descendants(session=session, topic_id=topic.id or 0)]:
            if item.retired_at == retired_with:
                item.retired_at, item.updated_at = None, now
                session.add(item)
    session.commit()
    session.refresh(topic)
    return topic


def list_topics(*, session: Session, include_retired: bool = False) -> list[Topic]:
    """Every topic, oldest first."""
    query = select(Topic).order_by(col(Topic.id))
    if not include_retired:
        query = query.where(col(Topic.retired_at).is_(None))
    return list(session.exec(query).all())


def _check_topics(*, session: Session, topic_ids: Sequence[int], field: str) -> None:
    if not topic_ids:
        return
    found = {row[0]: row[1] for row in session.exec(select(Topic.id, Topic.retired_at).where(col(Topic.id).in_(set(topic_ids)))).all()}
    for index, topic_id in enumerate(topic_ids):
        if topic_id not in found:
            raise NotFound(f"Topic {topic_id} does not exist", code="topic_not_found", field=f"{field}.{index}")
        if found[topic_id] is not None:
            raise ValidationFailed(f"Topic {topic_id} is retired", code="topic_retired", field=f"{field}.{index}")
    if len(set(topic_ids)) != len(topic_ids):
        raise ValidationFailed("A topic is listed twice", code="duplicate_topic", field=field)


# --- learner profiles ---------------------------------------------------------------------------


def learner_public(*, session: Session, profile: LearnerProfile) -> LearnerProfilePublic:
    """A learner profile with the topics wanted."""
    rows = session.exec(
        select(LearnerTopic).where(LearnerTopic.learner_id == profile.user_id).order_by(col(LearnerTopic.priority).desc())
    ).all()
    topics = [WantedTopic(topic_id=r.topic_id, priority=r.priority) for r in rows]
    return LearnerProfilePublic.model_validate(profile, update={"topics": topics})


def get_learner(*, session: Session, user_id: str) -> LearnerProfile:
    """A learner profile or 404 `learner_not_found`."""
    profile = session.get(LearnerProfile, user_id)
    if profile is None:
        raise NotFound("No learner profile for this user", code="learner_not_found")
    return profile


def _upsert_profile(*, session: Session, model: type[LearnerProfile] | type[TutorProfile], user_id: str, values: dict[str, Any]) -> bool:
    """Insert or overwrite one profile row (flushed); True when it was created."""
    profile = session.get(model, user_id)
    if profile is None:
        session.add(model(user_id=user_id, **values))
    else:
        for key, value in values.items():
            setattr(profile, key, value)
        profile.updated_at = utcnow()
        session.add(profile)
    session.flush()
    return profile is None


def _upsert_learner(*, session: Session, user_id: str, data: LearnerProfileIn) -> bool:
    created = _upsert_profile(session=session, model=LearnerProfile, user_id=user_id, values=data.model_dump(exclude={"topics"}))
    session.exec(delete(LearnerTopic).where(col(LearnerTopic.learner_id) == user_id))
    session.add_all([LearnerTopic(learner_id=user_id, topic_id=t.topic_id, priority=t.priority) for t in data.topics])
    return created


def put_learner(*, session: Session, user_id: str, data: LearnerProfileIn) -> LearnerProfile:
    """Create or replace a learner profile."""
    _check_topics(session=session, topic_ids=[t.topic_id for t in data.topics], field="body.topics")
    _upsert_learner(session=session, user_id=user_id, data=data)
    session.commit()
    return get_learner(session=session, user_id=user_id)


def bulk_put_learners(*, session: Session, items: Sequence[tuple[str, LearnerProfileIn]]) -> tuple[int, int]:
    """Create or replace many learner profiles in one transaction; returns (created, updated)."""
    for index, (_, data) in enumerate(items):
        _check_topics(session=session, topic_ids=[t.topic_id for t in data.topics], field=f"body.{index}.topics")
    created = sum(_upsert_learner(session=session, user_id=user_id, data=data) for user_id, data in items)
    session.commit()
    return created, len(items) - created


def list_learners(*, session: Session, cohort: str | None = None, limit: int = 500, offset: int = 0) -> list[LearnerProfile]:
    """Learner profiles, optionally of one cohort."""
    query = select(LearnerProfile).order_by(col(LearnerProfile.display_name))
    if cohort is not None:
        query = query.where(LearnerProfile.cohort == cohort)
    return list(session.exec(query.offset(offset).limit(limit)).all())


# --- tutor profiles -----------------------------------------------------------------------------


def active_pairing_counts(*, session: Session, tutor_ids: Sequence[str]) -> dict[str, int]:
    """Active pairings per tutor."""
    if not tutor_ids:
        return {}
    rows = session.exec(
        select(Pairing.tutor_id, func.count())
        .where(col(Pairing.tutor_id).in_(tutor_ids), Pairing.status == PairingStatus.active)
        .group_by(col(Pairing.tutor_id))
    ).all()
    return {row[0]: int(row[1]) for row in rows}


def language_key(languages: Sequence[str]) -> str:
    """',en,fr,' so SQL can test a language with LIKE."""
    return "," + ",".join(sorted(languages)) + "," if languages else ""


def tutor_public(*, session: Session, profile: TutorProfile) -> TutorProfilePublic:
    """A tutor profile with offered topics and current load."""
    topics = session.exec(select(TutorTopic.topic_id).where(TutorTopic.tutor_id == profile.user_id).order_by(col(TutorTopic.topic_id))).all()
    active = active_pairing_counts(session=session, tutor_ids=[profile.user_id]).get(profile.user_id, 0)
    return TutorProfilePublic.model_validate(profile, update={"topics": list(topics), "active_pairings": active})


def get_tutor(*, session: Session, user_id: str, field: str | None = None) -> TutorProfile:
    """A tutor profile or 404 `tutor_not_found`."""
    profile = session.get(TutorProfile, user_id)
    if profile is None:
        raise NotFound("No tutor profile for this user", code="tutor_not_found", field=field)
    return profile


def _upsert_tutor(*, session: Session, user_id: str, data: TutorProfileIn) -> bool:
    values = data.model_dump(exclude={"topics"})
    values["format_mask"] = rules.format_mask(data.formats)
    values["language_key"] = language_key(data.languages)
    created = _upsert_profile(session=session, model=TutorProfile, user_id=user_id, values=values)
    session.exec(delete(TutorTopic).where(col(TutorTopic.tutor_id) == user_id))
    session.add_all([TutorTopic(tutor_id=user_id, topic_id=t) for t in data.topics])
    return created


def put_tutor(*, session: Session, user_id: str, data: TutorProfileIn) -> TutorProfile:
    """Create or replace a tutor profile."""
    _check_topics(session=session, topic_ids=data.topics, field="body.topics")
    _upsert_tutor(session=session, user_id=user_id, data=data)
    session.commit()
    return get_tutor(session=session, user_id=user_id)


def bulk_put_tutors(*, session: Session, items: Sequence[tuple[str, TutorProfileIn]]) -> tuple[int, int]:
    """Create or replace many tutor profiles in one transaction; returns (created, updated)."""
    for index, (_, data) in enumerate(items):
        _check_topics(session=session, topic_ids=data.topics, field=f"body.{index}.topics")
    created = sum(_upsert_tutor(session=session, user_id=user_id, data=data) for user_id, data in items)
    session.commit()
    return created, len(items) - created


def list_tutors(*, session: Session, topic_id: int | None = None, limit: int = 500, offset: int = 0) -> list[TutorProfile]:
    """Tutor profiles, optionally those offering a topic."""
    query = select(TutorProfile).order_by(col(TutorProfile.display_name))
    if topic_id is not None:
        query = query.join(TutorTopic, col(TutorTopic.tutor_id) == col(TutorProfile.user_id)).where(TutorTopic.topic_id == topic_id)
    return list(session.exec(query.offset(offset).limit(limit)).all())


def is_paused(profile: TutorProfile, today: date) -> bool:
    """Paused until (and including) the end date."""
    return profile.paused_until is not None and profile.paused_until >= today


# --- notifications ------------------------------------------------------------------------------


def notify(*, session: Session, user_id: str, kind: str, title: str, body: str, link: str | None = None) -> None:
    """Add an in-app notification in the caller's transaction."""
    notifications.notify(session, model=Notification, user_id=user_id, kind=kind, title=title, body=body, link=link)
