"""Tutor suggestions for a learner and a topic: eligibility in one SQL query, scoring on arrays."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, func, or_, true, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from kit.db import utcnow
from matching import crud, rules
from matching.approvals import active_approval_clause
from matching.core.config import Settings
from matching.models import (
    Approval,
    Breakdown,
    Exclusion,
    LearnerProfile,
    LearnerTopic,
    MatchRequest,
    MissingCriterion,
    Pairing,
    PairingStatus,
    RequestStatus,
    Suggestion,
    SuggestionList,
    TutorProfile,
    TutorTopic,
)
from matching.upstream import UpstreamError, Upstreams, describe, quality, shared_free_time

NEUTRAL_QUALITY = 0.5


def faculty_today(settings: Settings) -> date:
    """Today's date in the faculty time zone (pauses end on local dates)."""
    now: datetime = utcnow()
    return now.astimezone(ZoneInfo(settings.faculty_timezone)).date()


@dataclass
class Candidates:
    rows: list[Any]
    criteria: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.rows)


def eligible_tutors(
    *, session: Session, settings: Settings, learner: LearnerProfile, topic_id: int, skip: set[str] | None = None
) -> list[Any]:
    """Approved, unpaused, near-peer, not excluded, not full (pairings + pending requests) tutors for the topic (one query)."""
    now = utcnow()
    # A tutor's load is their running pairings plus the requests still waiting for their answer: a tutor whose
    # free places are all spoken for is "full" and is not suggested (the hard check at accept time stays in pairings).
    commitments = union_all(
        sa_select(col(Pairing.tutor_id).label("tutor_id")).where(col(Pairing.status) == PairingStatus.active),
        sa_select(col(MatchRequest.tutor_id).label("tutor_id")).where(
            col(MatchRequest.status) == RequestStatus.pending, col(MatchRequest.expires_at) > now
        ),
    ).subquery()
    load = sa_select(commitments.c.tutor_id, func.count().label("n")).group_by(commitments.c.tutor_id).subquery()
    active = func.coalesce(load.c.n, 0)
    excluded = select(Exclusion.tutor_id).where(Exclusion.learner_id == learner.user_id)
    paired = select(Pairing.tutor_id).where(
        Pairing.learner_id == learner.user_id, Pairing.topic_id == topic_id, Pairing.status == PairingStatus.active
    )
    tutor_languages = col(TutorProfile.language_key)
    language_ok = or_(tutor_languages == "", *[tutor_languages.like(f"%,{code},%") for code in learner.languages]) if learner.languages else true()
    query = (
        sa_select(
            col(TutorProfile.user_id),
            col(TutorProfile.display_name),
            col(TutorProfile.stage),
            col(TutorProfile.capacity),
            col(TutorProfile.format_mask),
            language_ok.label("language_ok"),
            active.label("active"),
            col(TutorTopic.topic_id).is_not(None).label("offered"),
        )
        .select_from(Approval)
        .join(TutorProfile, col(TutorProfile.user_id) == col(Approval.tutor_id))
        .outerjoin(load, load.c.tutor_id == col(Approval.tutor_id))
        .outerjoin(TutorTopic, and_(col(TutorTopic.tutor_id) == col(Approval.tutor_id), col(TutorTopic.topic_id) == topic_id))
        .where(
            col(Approval.topic_id) == topic_id,
            *active_approval_clause(now),
            or_(col(TutorProfile.paused_until).is_(None), col(TutorProfile.paused_until) < faculty_today(settings)),
            col(TutorProfile.stage) >= learner.stage + settings.near_peer_min_gap,
            col(TutorProfile.stage) <= learner.stage + settings.near_peer_max_gap,
            col(TutorProfile.user_id) != learner.user_id,
            col(TutorProfile.user_id).not_in(excluded),
            col(TutorProfile.user_id).not_in(paired),
            active < col(TutorProfile.capacity),
        )
    )
    rows = list(session.connection().execute(query).all())  # Core execution: no ORM row overhead for thousands of rows
    return [r for r in rows if r[0] not in skip] if skip else rows


def offline_criteria(settings: Settings, learner: LearnerProfile, priority: int, rows: list[Any]) -> dict[str, np.ndarray]:
    """Every criterion computable without other services, one array entry per candidate."""
    n = len(rows)
    learner_fmt = rules.format_mask(learner.formats)
    stage = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
    capacity = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)
    fmt = np.fromiter((r[4] for r in rows), dtype=np.int64, count=n)
    language_ok = np.fromiter((bool(r[5]) for r in rows), dtype=bool, count=n)
    active = np.fromiter((r[6] for r in rows), dtype=np.float64, count=n)
    offered = np.fromiter((bool(r[7]) for r in rows), dtype=bool, count=n)
    return {
        "topic_fit": rules.topic_fit(np.full(len(rows), float(priority)), offered),
        "stage_gap": rules.stage_gap(settings, stage - learner.stage),
        "format": rules.format_fit(np.full(len(rows), learner_fmt, dtype=np.int64), fmt),
        "language": language_ok.astype(np.float64),
        "load": rules.load_fit(active, capacity),
    }


def learner_priority(*, session: Session, learner_id: str, topic_id: int) -> int:
    """The learner's priority for the topic (3 when the topic is not on their list)."""
    row = session.get(LearnerTopic, (learner_id, topic_id))
    return row.priority if row is not None else 3


def suggest(
    *,
    session: Session,
    settings: Settings,
    ups: Upstreams | None,
    learner_id: str,
    topic_id: int,
    k: int,
    bearer: str | None = None,
    skip: set[str] | None = None,
) -> SuggestionList:
    """Top k tutors with a per-criterion breakdown; upstream criteria are dropped (and reported) when unavailable."""
    learner = crud.get_learner(session=session, user_id=learner_id)
    crud.get_open_topic(session=session, topic_id=topic_id, field="query.topic_id")
    priority = learner_priority(session=session, learner_id=learner_id, topic_id=topic_id)
    rows = eligible_tutors(session=session, settings=settings, learner=learner, topic_id=topic_id, skip=skip)
    missing: list[MissingCriterion] = []
    if not rows:
        return SuggestionList(topic_id=topic_id, suggestions=[], missing_criteria=[], missing_reasons=[])
    criteria = offline_criteria(settings, learner, priority, rows)
    base = rules.combine(settings, criteria)
    # Upstream criteria only for a shortlist: the rest cannot climb past it by more than their combined weight.
    shortlist_size = max(settings.suggestion_shortlist, 3 * k)
    order = np.argsort(-base, kind="stable")[:shortlist_size]
    rows = [rows[i] for i in order]
    criteria = {name: values[order] for name, values in criteria.items()}
    tutor_ids = [r[0] for r in rows]
    if ups is None:
        missing += [MissingCriterion(criterion=c, reason="upstream calls disabled") for c in ("shared_free_time", "quality")]
    else:
        now = utcnow()
        try:
            free = shared_free_time(ups, learner_id=learner_id, tutor_ids=tutor_ids, now=now, bearer=bearer)
            criteria["shared_free_time"] = np.array([free.get(t, 0.0) for t in tutor_ids])
        except UpstreamError as exc:
            missing.append(MissingCriterion(criterion="shared_free_time", reason=f"sessions service: {describe(exc)}"))
        try:
            scores = quality(ups, tutor_ids=tutor_ids, topic_id=topic_id, bearer=bearer)
            criteria["quality"] = np.array([scores.get(t, NEUTRAL_QUALITY) for t in tutor_ids])
        except UpstreamError as exc:
            missing.append(MissingCriterion(criterion="quality", reason=f"feedback service: {describe(exc)}"))
    total = rules.combine(settings, criteria)
    best = np.lexsort((np.array(tutor_ids), -total))[:k]
    suggestions = [
        Suggestion(
            tutor_id=rows[i][0],
            display_name=rows[i][1],
            stage=rows[i][2],
            score=round(float(total[i]), 4),
            breakdown=Breakdown(**{name: round(float(values[i]), 4) for name, values in criteria.items()}),
        )
        for i in best
    ]
    return SuggestionList(
        topic_id=topic_id,
        suggestions=suggestions,
        missing_criteria=[m.criterion for m in missing],
        missing_reasons=missing,
    )

